/**
 * Records replay fixtures: runs analyzeMedia on real media against a throwaway local stack
 * and saves each execution's history to test/replay/histories/. Re-record only when a
 * workflow change is meant to be incompatible (and then guard it with patched()).
 *   npm run record-histories [name ...]    (default: every history)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { ensureSampleClip } from '../local/sample-clip';
import { startLocalStack } from '../local/local-stack';
import { TEMPORAL_CLI } from '../local/temporal-dev-server';
import { startAnalysis } from '../intake/start-analysis';
import { makeVideoClip, makeZeroByte } from '../test/support/media-fixtures';
import { startFakeAws } from '../test/support/fake-aws';
import { startLocalRelay } from '../relay/local-relay';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../test/support/test-worker';

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
  const bundle = await bundleWorkflows();
  const harness = await startTestWorker(bundle);
  // The aws backend against the fake AWS, with a quota below one video's five Rekognition jobs
  // so the history holds permit requests, grants and releases.
  const fake = await startFakeAws({ s3Endpoint: stack.env['REELSCOPE_S3_ENDPOINT'] as string });
  fake.config.mediaDurationSeconds = () => 21;
  const aws = await startTestWorker(bundle, {}, (d) => d, {
    REELSCOPE_BACKEND: 'aws',
    REELSCOPE_REKOGNITION_ENDPOINT: fake.endpoint,
    REELSCOPE_TRANSCRIBE_ENDPOINT: fake.endpoint,
    REELSCOPE_BEDROCK_ENDPOINT: fake.bedrockEndpoint,
    REELSCOPE_POLL_INITIAL_MS: '100',
    REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '20',
    REELSCOPE_QUOTA_REKOGNITION_VIDEO: '3',
  });
  // Jobs that notify their end: the waits, the relay completing them, the reads; lean orchestration.
  const notified = await startTestWorker(bundle, {}, (d) => d, {
    REELSCOPE_BACKEND: 'aws',
    REELSCOPE_REKOGNITION_ENDPOINT: fake.endpoint,
    REELSCOPE_TRANSCRIBE_ENDPOINT: fake.endpoint,
    REELSCOPE_BEDROCK_ENDPOINT: fake.bedrockEndpoint,
    REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:reelscope-job-completions',
    REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN: 'arn:aws:iam::123456789012:role/reelscope-rekognition-publisher',
    REELSCOPE_TRANSCRIBE_NOTIFICATIONS: 'true',
    REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '20',
  });
  const relay = await startLocalRelay(notified.client);
  fake.config.notificationUrl = relay.url;
  try {
    await mkdir(HISTORIES, { recursive: true });
    const clip = await ensureSampleClip(join(dataDir, 'sample.mp4'));
    /** A run cancelled while its Transcribe job is in progress (the fake's job never finishes). */
    const cancelledMidTranscript = async (handle: WorkflowHandle) => {
      const before = fake.config.stuckJobs;
      fake.config.stuckJobs = new Set(['Transcription']);
      try {
        const started = fake.counters.jobsStarted('StartTranscriptionJob');
        while (fake.counters.jobsStarted('StartTranscriptionJob') === started) await new Promise((resolve) => setTimeout(resolve, 100));
        await handle.cancel();
        await handle.result().catch(() => undefined);
      } finally {
        fake.config.stuckJobs = before;
      }
    };
    const runs: Record<string, { path: string; worker: TestWorker; end?: (handle: WorkflowHandle) => Promise<void> }> = {
      'completed-sample-clip': { path: clip, worker: harness },
      'rejected-zero-byte': { path: await makeZeroByte(dataDir), worker: harness },
      'completed-aws-sample-clip': { path: clip, worker: aws },
      // An MKV: the playback proxy runs beside the analyses, and the outcome is announced.
      'completed-mkv-proxy-announced': { path: await makeVideoClip(dataDir, { seconds: 4, name: 'episode.mkv' }), worker: harness },
      'cancelled-aws-mid-transcript': { path: clip, worker: aws, end: cancelledMidTranscript },
      // Archiving is on by default: the original is copied to processed/, recorded, then removed.
      'completed-archived-original': { path: clip, worker: harness },
      'completed-aws-notified': { path: clip, worker: notified },
    };
    const wanted = process.argv.slice(2);
    for (const [name, { path, worker, end }] of Object.entries(runs)) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      const input = await worker.upload(path);
      const { workflowId } = await startAnalysis(worker.client, worker.taskQueue, input);
      const handle = worker.client.workflow.getHandle(workflowId);
      await (end ? end(handle) : handle.result());
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
    await relay.close();
    await notified.stop();
    await aws.stop();
    await fake.close();
    await harness.stop();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('recording failed:', err);
  process.exit(1);
});
