import { mkdtemp } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../starter/start-analysis';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';
import { startWorkerProcess, writeBundle, type WorkerProcess } from '../support/worker-process';

/**
 * A worker process killed with SIGKILL while its activities poll Rekognition and Transcribe
 * jobs: after the heartbeat timeout (30 s) the retries run on a new worker process and
 * re-attach to the same jobs from the heartbeat details. One Start* call per analysis.
 */
describe('a worker killed mid-poll', () => {
  let fake: FakeAws;
  let uploader: TestWorker;
  let workers: WorkerProcess[] = [];
  let env: Record<string, string>;
  let clip: string;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-crash-'));
    const bundle = await bundleWorkflows();
    env = awsBackendEnv(fake, {
      REELSCOPE_TASK_QUEUE: `crash-${randomUUID()}`,
      REELSCOPE_POLL_INITIAL_MS: '200',
      REELSCOPE_POLL_MAX_MS: '500',
      REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '12',
      REELSCOPE_WORKFLOW_BUNDLE: await writeBundle(bundle, dir),
    });
    // Only used to upload and to reach the client: its task queue is not the workers'.
    uploader = await startTestWorker(bundle);
    clip = await ensureSampleClip(join(dir, 'sample.mp4'));
    fake.config.mediaDurationSeconds = () => 21;
  });
  afterAll(async () => {
    for (const w of workers) await w.kill().catch(() => {});
    await uploader?.stop();
    await fake?.close();
  });

  it('resumes every job from its heartbeat on a new worker: one Start* per analysis, all complete', async () => {
    // Arrange
    for (const family of ['LabelDetection', 'ContentModeration', 'CelebrityRecognition', 'TextDetection', 'SegmentDetection', 'Transcription'] as const) {
      fake.config.jobDurationMs[family] = 40_000;
    }
    const first = await startWorkerProcess(env);
    workers.push(first);
    const input = await uploader.upload(clip, { name: 'crash.mp4' });
    const started = await startAnalysis(uploader.client, env['REELSCOPE_TASK_QUEUE'] as string, input);

    // Act: kill the worker once every job runs and its id is in Temporal's heartbeat details
    // (before that, a retry cannot know the job and starts it again: idempotently, same job).
    const handle = uploader.client.workflow.getHandle(started.workflowId);
    await waitFor(async () => {
      if (fake.counters.runningJobs('rekognition') !== 5 || fake.counters.runningJobs('transcribe') !== 1) return false;
      const { raw } = await handle.describe();
      const checkpointed = (raw.pendingActivities ?? []).filter((a) => (a.heartbeatDetails?.payloads?.length ?? 0) > 0);
      return checkpointed.length === 6;
    }, 60_000);
    await first.kill();
    const second = await startWorkerProcess(env);
    workers.push(second);
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.filter((o) => o.status !== 'succeeded')).toEqual([]);
    for (const operation of ['StartLabelDetection', 'StartContentModeration', 'StartCelebrityRecognition', 'StartTextDetection', 'StartSegmentDetection', 'StartTranscriptionJob']) {
      expect(fake.counters.starts(operation)).toBe(1);
      expect(fake.counters.jobsStarted(operation)).toBe(1);
    }
  }, 180_000);
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
