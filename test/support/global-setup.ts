import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../local/local-stack';

/**
 * One real Temporal dev server, s3rver and dynalite for the whole run; test files reach
 * them through the environment (worker processes inherit it).
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reelscope-test-'));
  const stack = await startLocalStack({
    dataDir,
    bucket: 'reelscope-test',
    tables: { records: 'reelscope-test-media', failures: 'reelscope-test-failures' },
    persistent: false,
  });
  Object.assign(process.env, stack.env, { REELSCOPE_TEST_DATA_DIR: dataDir });
  (globalThis as { __reelscopeStack?: LocalStack }).__reelscopeStack = stack;
}
