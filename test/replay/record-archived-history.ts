/**
 * Records completed-archived-original.json: the sample clip analysed to COMPLETED with its
 * original archived (copy to processed/, COMPLETED record, removal of the incoming version),
 * as scripts/record-histories.ts records the others, against a throwaway local stack.
 *   bash scripts/with-node.sh tsx test/replay/record-archived-history.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSampleClip } from '../../local/sample-clip';
import { startLocalStack } from '../../local/local-stack';
import { TEMPORAL_CLI } from '../../local/temporal-dev-server';
import { startAnalysis } from '../../intake/start-analysis';
import { bundleWorkflows, startTestWorker } from '../support/test-worker';

const HISTORY = join(__dirname, 'histories', 'completed-archived-original.json');

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reelscope-record-'));
  const stack = await startLocalStack({
    dataDir,
    bucket: 'reelscope-record',
    tables: { records: 'reelscope-record-media', failures: 'reelscope-record-failures' },
    persistent: false,
  });
  Object.assign(process.env, stack.env);
  const harness = await startTestWorker(await bundleWorkflows(), {}, (deps) => ({ ...deps, archive: { enabled: true, intakePrefix: 'incoming/', archivePrefix: 'processed/' } }));
  try {
    const input = await harness.upload(await ensureSampleClip(join(dataDir, 'sample.mp4')));
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    await harness.client.workflow.getHandle(workflowId).result();
    const { stdout } = await promisify(execFile)(
      TEMPORAL_CLI,
      ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', stack.temporalAddress],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    if (!stdout.includes('removeArchivedOriginal')) throw new Error('the recorded run did not archive its original');
    await writeFile(HISTORY, stdout);
    console.log(`recorded ${HISTORY}`);
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
