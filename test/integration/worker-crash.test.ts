import { mkdtemp } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../intake/start-analysis';
import { JOB_FAMILIES, startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { freePort } from '../../local/free-port';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

// Faces is a FaceDetection job here: the tenant has nobody enrolled to search for.
const START_OPERATIONS = ['StartLabelDetection', 'StartContentModeration', 'StartCelebrityRecognition', 'StartTextDetection', 'StartSegmentDetection', 'StartFaceDetection', 'StartTranscriptionJob'];

/**
 * Worker processes started the way production starts them (worker/main.ts, the prebuilt
 * workflow bundle), stopped while their activities poll Rekognition and Transcribe jobs:
 * killed (SIGKILL) or drained (SIGTERM, as ECS stops a task). Either way the retries run on a
 * new worker and re-attach to the same jobs from the heartbeat details: one Start* per analysis.
 */
describe('worker processes stopped mid-poll', () => {
  let fake: FakeAws;
  let uploader: TestWorker;
  const workers: WorkerProcess[] = [];
  let env: Record<string, string>;
  let clip: string;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-crash-'));
    const bundle = await bundleWorkflows(); // the uploader's own in-process worker
    env = awsBackendEnv(fake, {
      REELSCOPE_TASK_QUEUE: `crash-${randomUUID()}`,
      REELSCOPE_POLL_INITIAL_MS: '200',
      REELSCOPE_POLL_MAX_MS: '500',
      REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '12',
      REELSCOPE_WORKFLOW_BUNDLE: (await buildWorkflowBundle(join(dir, 'workflow-bundle.js'))).path,
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
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 40_000;
    const first = await startWorkerProcess(env);
    workers.push(first);
    const input = await uploader.upload(clip, { name: 'crash.mp4' });
    const started = await startAnalysis(uploader.client, env['REELSCOPE_TASK_QUEUE'] as string, input);

    // Act: kill the worker once every job runs and its id is in Temporal's heartbeat details
    // (before that, a retry cannot know the job and starts it again: idempotently, same job).
    const handle = uploader.client.workflow.getHandle(started.workflowId);
    await waitForCheckpointedJobs(handle);
    await first.kill();
    const second = await startWorkerProcess(env);
    workers.push(second);
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.filter((o) => o.status !== 'succeeded')).toEqual([]);
    for (const operation of START_OPERATIONS) {
      expect(fake.counters.starts(operation)).toBe(1);
      expect(fake.counters.jobsStarted(operation)).toBe(1);
    }
  }, 180_000);

  it('drains on SIGTERM, reports healthy and serves metrics until then; the next worker resumes every job: one Start* per analysis', async () => {
    // Arrange: jobs outlive the 2 s grace time, so in-flight activities are cancelled, not finished.
    fake.reset();
    fake.config.mediaDurationSeconds = () => 21;
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 10_000;
    // Its own queue: the previous test's workers still poll theirs and would take these tasks.
    const drainEnv = { ...env, REELSCOPE_TASK_QUEUE: `drain-${randomUUID()}` };
    const [healthPort, metricsPort] = [await freePort(), await freePort()];
    const first = await startWorkerProcess({
      ...drainEnv,
      REELSCOPE_SHUTDOWN_GRACE_SECONDS: '2',
      REELSCOPE_HEALTH_PORT: String(healthPort),
      REELSCOPE_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
    });
    workers.push(first);
    expect(first.output()).toContain(`"workflowBundle":"${env['REELSCOPE_WORKFLOW_BUNDLE']}"`);
    const input = await uploader.upload(clip, { name: 'drain.mp4' });
    const started = await startAnalysis(uploader.client, drainEnv.REELSCOPE_TASK_QUEUE, input);
    const handle = uploader.client.workflow.getHandle(started.workflowId);
    await waitForCheckpointedJobs(handle);
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

    // Act
    const exitCode = await first.stop();
    const second = await startWorkerProcess(drainEnv);
    workers.push(second);
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ state: 'RUNNING' });
    expect(metrics).toMatch(/temporal_worker_task_slots_available\{[^}]*worker_type="ActivityWorker"/);
    expect(metrics).toMatch(/temporal_activity_schedule_to_start_latency/);
    expect(exitCode).toBe(0);
    expect(first.output()).toContain('worker stopped');
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.filter((o) => o.status !== 'succeeded')).toEqual([]);
    // Requests, not jobs: a repeated Start* with the same token is the same job, so only the
    // request count shows that the cancelled attempts left their job ids for the next worker.
    for (const operation of START_OPERATIONS) {
      expect(fake.counters.starts(operation)).toBe(1);
      expect(fake.counters.jobsStarted(operation)).toBe(1);
    }
  }, 180_000);
});

/** Until every job runs and its id is in Temporal's heartbeat details (a retry can then resume it). */
async function waitForCheckpointedJobs(handle: { describe(): Promise<{ raw: { pendingActivities?: { heartbeatDetails?: { payloads?: unknown[] | null } | null }[] | null } }> }): Promise<void> {
  await waitFor(async () => {
    const { raw } = await handle.describe();
    const checkpointed = (raw.pendingActivities ?? []).filter((a) => (a.heartbeatDetails?.payloads?.length ?? 0) > 0);
    return checkpointed.length === START_OPERATIONS.length;
  }, 60_000);
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
