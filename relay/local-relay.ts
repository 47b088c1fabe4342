import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { MAX_NOTIFICATION_BYTES } from './job-notification';
import { relayNotification, temporalWaitCompleter, type RelayOutcome } from './completion-relay';

export interface LocalRelay {
  /** POST one queue message body here; 200 with the outcome, 500 when it should be delivered again. */
  url: string;
  /** Every outcome so far, in arrival order. */
  outcomes: RelayOutcome[];
  close(): Promise<void>;
}

/**
 * The completion relay's local entry point: the same relay the Lambda runs, over HTTP on
 * loopback, so the fake AWS can deliver the notifications its jobs publish the way SQS hands
 * them to the Lambda (one message body each, redelivered on a 5xx).
 */
export async function startLocalRelay(client: Client, port = 0): Promise<LocalRelay> {
  const complete = temporalWaitCompleter(client);
  const outcomes: RelayOutcome[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_NOTIFICATION_BYTES) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      relayNotification(Buffer.concat(chunks).toString('utf8'), complete).then(
        (outcome) => {
          outcomes.push(outcome);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/notifications`,
    outcomes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
