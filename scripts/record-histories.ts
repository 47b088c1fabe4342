/**
 * Records replay fixtures: runs analyzeMedia on real media against a throwaway local stack
 * and saves each execution's history to test/replay/histories/. Re-record only when a
 * workflow change is meant to be incompatible (and then guard it with patched()).
 *   npm run record-histories
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSampleClip } from '../local/sample-clip';
import { startLocalStack } from '../local/local-stack';
import { TEMPORAL_CLI } from '../local/temporal-dev-server';
import { startAnalysis } from '../starter/start-analysis';
import { makeZeroByte } from '../test/support/media-fixtures';
import { bundleWorkflows, startTestWorker } from '../test/support/test-worker';

const HISTORIES = join(__dirname, '..', 'test', 'replay', 'histories');

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reelscope-record-'));
  const stack = await startLocalStack({
    dataDir,
    bucket: 'reelscope-record',
    tables: { records: 'reelscope-record-media', failures: 'reelscope-record-failures' },
    persistent: false,
  });
  Object.assign(process.env, stack.env);
  const harness = await startTestWorker(await bundleWorkflows());
  try {
    await mkdir(HISTORIES, { recursive: true });
    const runs = {
      'completed-sample-clip': await ensureSampleClip(join(dataDir, 'sample.mp4')),
      'rejected-zero-byte': await makeZeroByte(dataDir),
    };
    for (const [name, path] of Object.entries(runs)) {
      const input = await harness.upload(path);
      const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
      const handle = harness.client.workflow.getHandle(workflowId);
      await handle.result();
      const file = join(HISTORIES, `${name}.json`);
      // The CLI writes the canonical proto JSON that historyFromJSON reads back.
      const { stdout } = await promisify(execFile)(
        TEMPORAL_CLI,
        ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', stack.temporalAddress],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      await writeFile(file, stdout);
      console.log(`recorded ${file}`);
    }
  } finally {
    await harness.stop();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('recording failed:', err);
  process.exit(1);
});
