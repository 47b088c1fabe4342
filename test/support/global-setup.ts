import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/free-port';
import { startLocalStack, type LocalStack } from '../../local/local-stack';

/**
 * One real Temporal dev server, s3rver and dynalite for the whole run; test files reach
 * them through the environment (worker processes inherit it). The bucket's CORS rule names
 * one portal origin, so the port the portal test serves on is chosen here, before the stack.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reelscope-test-'));
  const portalPort = await freePort();
  const stack = await startLocalStack({
    dataDir,
    bucket: 'reelscope-test',
    tables: { records: 'reelscope-test-media', failures: 'reelscope-test-failures' },
    persistent: false,
    browserOrigins: [`http://127.0.0.1:${portalPort}`],
  });
  Object.assign(process.env, stack.env, { REELSCOPE_TEST_DATA_DIR: dataDir, REELSCOPE_TEST_PORTAL_PORT: String(portalPort) });
  (globalThis as { __reelscopeStack?: LocalStack }).__reelscopeStack = stack;
}
