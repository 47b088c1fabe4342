import { rm } from 'node:fs/promises';
import type { LocalStack } from '../../local/local-stack';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __reelscopeStack?: LocalStack }).__reelscopeStack?.stop();
  const dataDir = process.env['REELSCOPE_TEST_DATA_DIR'];
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
