import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { State } from '@temporalio/worker';

/**
 * GET /healthz for container health checks: 200 while the worker polls, 503 once it drains or
 * has failed, so the orchestrator replaces a task whose worker died but whose process lingers.
 */
export async function startHealthServer(port: number, state: () => State): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url !== '/healthz') return void response.writeHead(404).end();
    const current = state();
    response.writeHead(current === 'RUNNING' ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ state: current }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
