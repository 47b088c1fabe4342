import { mkdtemp } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { ensureSampleClip } from '../../local/sample-clip';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { startLocalRelay, type LocalRelay } from '../../relay/local-relay';
import { JOB_FAMILIES, startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

// Faces is a FaceDetection job: nobody is enrolled.
const START_OPERATIONS = ['StartLabelDetection', 'StartContentModeration', 'StartCelebrityRecognition', 'StartTextDetection', 'StartSegmentDetection', 'StartFaceDetection', 'StartTranscriptionJob'];
const JOBS = START_OPERATIONS.length;

/**
 * Jobs that notify their end, on the real dev server and the fake AWS: Rekognition publishes to
 * SNS, Transcribe's state changes go through EventBridge, both reach the completion relay the
 * way SQS delivers them, and the relay completes the analyses' waits. Polling is set so slow
 * here (a minute) that only a notification, or the safety net, can end a job in time.
 */
describe('job completion by notification (fake AWS, completion relay, dev server)', () => {
  let fake: FakeAws;
  let relay: LocalRelay;
  let bundle: WorkflowBundle;
  let clip: string;
  const workers: TestWorker[] = [];

  const notifiedEnv = (overrides: Record<string, string> = {}) =>
    awsBackendEnv(fake, {
      REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:reelscope-job-completions',
      REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN: 'arn:aws:iam::123456789012:role/reelscope-rekognition-publisher',
      REELSCOPE_TRANSCRIBE_NOTIFICATIONS: 'true',
      REELSCOPE_JOB_SAFETY_NET_SECONDS: '600',
      REELSCOPE_POLL_INITIAL_MS: '60000',
      REELSCOPE_POLL_MAX_MS: '60000',
      REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '12',
      ...overrides,
    });
  const startWorker = async (overrides: Record<string, string> = {}) => {
    const worker = await startTestWorker(bundle, {}, (d) => d, notifiedEnv(overrides));
    workers.push(worker);
    return worker;
  };
  const analyse = async (worker: TestWorker, name: string) => {
    const input = await worker.upload(clip, { name });
    const { workflowId } = await startAnalysis(worker.client, worker.taskQueue, input);
    return { input, handle: worker.client.workflow.getHandle(workflowId) };
  };

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    bundle = await bundleWorkflows();
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-notify-'));
    clip = await ensureSampleClip(join(dir, 'sample.mp4'));
  });
  beforeEach(async () => {
    fake.reset();
    fake.config.mediaDurationSeconds = () => 21;
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 1_500;
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
    await relay?.close();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('ends every job by its notification: no polling, one Start and at most two Get status reads per job, the relay completing each wait', async () => {
    // Arrange
    const worker = await startWorker();
    relay = await startLocalRelay(worker.client);
    fake.config.notificationUrl = relay.url;

    // Act
    const { handle } = await analyse(worker, 'notified.mp4');
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.filter((o) => o.status !== 'succeeded' && o.status !== 'skipped')).toEqual([]);
    expect(relay.outcomes.filter((o) => o.result === 'completed')).toHaveLength(JOBS);
    for (const operation of START_OPERATIONS) expect(fake.counters.jobsStarted(operation)).toBe(1);
    // One status read when the wait starts, one when the finished job is read; results pages besides.
    const snapshot = fake.counters.snapshot();
    expect(snapshot['GetTranscriptionJob']).toBeLessThanOrEqual(2);
    for (const family of ['LabelDetection', 'ContentModeration', 'CelebrityRecognition', 'TextDetection', 'SegmentDetection', 'FaceDetection']) {
      expect(snapshot[`Get${family}`] ?? 0).toBeLessThanOrEqual(3); // 2 status reads + 1 results page (12 items)
    }
    // The waits left nothing to heartbeat: an analysis activity that polled would have.
    const history = await handle.fetchHistory();
    const waits = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityId?.endsWith('-job'));
    expect(waits).toHaveLength(JOBS);
    for (const wait of waits) expect(Number(wait.activityTaskScheduledEventAttributes?.heartbeatTimeout?.seconds ?? 0)).toBe(0);
  }, 120_000);

  it('completes a job whose notification was lost by the safety net, and no other', async () => {
    // Arrange: the labels job's notification never arrives; the wait checks the job itself after
    // the media's 21 s and a safety net of 3 s.
    const worker = await startWorker({ REELSCOPE_JOB_SAFETY_NET_SECONDS: '3' });
    relay = await startLocalRelay(worker.client);
    fake.config.notificationUrl = relay.url;
    fake.config.lostNotifications = new Set(['LabelDetection']);

    // Act
    const { handle } = await analyse(worker, 'lost.mp4');
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.find((o) => o.kind === 'labels')?.status).toBe('succeeded');
    expect(relay.outcomes.filter((o) => o.result === 'completed')).toHaveLength(JOBS - 1);
    expect(fake.notifications().filter((n) => n.fate === 'lost').map((n) => n.family)).toEqual(['LabelDetection']);
    // The retry re-attached to the same job by its token: a repeated Start is no second job.
    for (const operation of START_OPERATIONS) expect(fake.counters.jobsStarted(operation)).toBe(1);
  }, 120_000);

  it('takes duplicated, delayed and reordered notifications, and strangers, in its stride: one job each, duplicates stale', async () => {
    // Arrange
    const worker = await startWorker();
    relay = await startLocalRelay(worker.client);
    fake.config.notificationUrl = relay.url;
    fake.config.duplicatedNotifications = new Set(JOB_FAMILIES);
    fake.config.notificationFaultRates = { reorder: 1 };
    fake.config.notificationDelayMs = () => 300;

    // Act
    const { handle } = await analyse(worker, 'duplicated.mp4');
    const stranger = await fetch(relay.url, {
      method: 'POST',
      body: JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ JobId: 'f'.repeat(64), Status: 'SUCCEEDED', API: 'StartLabelDetection', JobTag: 'someone-elses-job', Timestamp: Date.now() }) }),
    });
    const foreign = await fetch(relay.url, { method: 'POST', body: JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }) });
    const result = (await handle.result()) as AnalyzeMediaResult;
    await waitFor(() => relay.outcomes.filter((o) => o.result !== 'ignored').length >= 2 * JOBS, 20_000);

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(await stranger.json()).toEqual(expect.objectContaining({ result: 'ignored' }));
    expect(await foreign.json()).toEqual(expect.objectContaining({ result: 'ignored' }));
    expect(relay.outcomes.filter((o) => o.result === 'completed')).toHaveLength(JOBS);
    expect(relay.outcomes.filter((o) => o.result === 'stale')).toHaveLength(JOBS);
    for (const operation of START_OPERATIONS) {
      expect(fake.counters.starts(operation)).toBe(1);
      expect(fake.counters.jobsStarted(operation)).toBe(1);
    }
  }, 120_000);

  it('refuses a forged notice that names another media\'s finished job: the read checks the job\'s tag', async () => {
    // Arrange: media A completes; media B's labels job never ends, so its wait is still open.
    const worker = await startWorker();
    relay = await startLocalRelay(worker.client);
    fake.config.notificationUrl = relay.url;
    const a = await analyse(worker, 'victim.mp4');
    await a.handle.result();
    const victimJob = fake.jobs().find((job) => job.key === a.input.source.key && job.family === 'LabelDetection')!;
    fake.config.stuckJobs = (job) => job.family === 'LabelDetection' && job.key !== a.input.source.key;
    const b = await analyse(worker, 'forger.mp4');
    await waitFor(async () => ((await b.handle.describe()).raw.pendingActivities ?? []).some((p) => p.activityId === 'labels-job'), 30_000);
    const { runId } = await b.handle.describe();

    // Act: a message shaped like Rekognition's, addressed to B's labels wait, naming A's job.
    const forged = await fetch(relay.url, {
      method: 'POST',
      body: JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ JobId: victimJob.id, Status: 'SUCCEEDED', API: 'StartLabelDetection', JobTag: `${b.handle.workflowId}.${runId}.labels-job`, Timestamp: Date.now() }) }),
    });
    const result = (await b.handle.result()) as AnalyzeMediaResult;

    // Assert: the wait was woken, the read refused the job, and nothing of A's is B's.
    expect(await forged.json()).toEqual(expect.objectContaining({ result: 'completed' }));
    const labels = result.outcomes.find((o) => o.kind === 'labels');
    expect(labels).toMatchObject({ status: 'failed', failureType: 'AnalysisJobFailed', summary: expect.stringMatching(/did not start/) });
    expect(labels?.ref).toBeUndefined();
  }, 120_000);

  it('records a run cancelled while its analyses wait as CANCELLED, their jobs left to finish, and releases its quota permits', async () => {
    // Arrange: jobs that never end, so every analysis is still waiting when the cancel comes.
    const worker = await startWorker();
    relay = await startLocalRelay(worker.client);
    fake.config.notificationUrl = relay.url;
    fake.config.stuckJobs = new Set(JOB_FAMILIES);
    const { input, handle } = await analyse(worker, 'cancelled.mp4');
    await waitFor(() => START_OPERATIONS.every((operation) => fake.counters.jobsStarted(operation) === 1), 60_000);
    await waitFor(async () => ((await handle.describe()).raw.pendingActivities ?? []).filter((a) => a.activityId?.endsWith('-job')).length === JOBS, 30_000);

    // Act
    await handle.cancel();
    const ended = await handle.result().then(
      () => 'completed',
      (err: unknown) => (err as Error).name,
    );

    // Assert
    expect(ended).toBe('WorkflowFailedError');
    const record = (await worker.deps.records.get(input.mediaId)) as { status: string; cancellation: { runToEnd: string[]; stopped: string[]; summary: string } };
    expect(record.status).toBe('CANCELLED');
    expect(record.cancellation.runToEnd).toEqual(expect.arrayContaining(['transcript', 'labels', 'faces']));
    expect(record.cancellation.stopped).not.toContain('transcript');
    expect(record.cancellation.summary).toMatch(/left to finish \(their jobs were waited for, not polled, and are billed\): .*transcript/);
    // Both of the media's permits went back: the semaphores hold no lease of this run.
    const { runId } = await handle.describe();
    for (const quota of ['rekognition-video', 'transcribe']) {
      const semaphore = worker.client.workflow.getHandle(`job-quota-${worker.taskQueue}-${quota}`);
      await waitFor(async () => !(await semaphore.query<{ leases: { leaseId: string }[] }>('quotaState')).leases.some((l) => l.leaseId.startsWith(runId)), 10_000);
    }
  }, 120_000);
});

/**
 * A worker process (production start, prebuilt bundle) SIGKILLed while every analysis waits:
 * nothing was running on it, so the notifications complete the waits meanwhile and the next
 * worker reads the finished jobs. One Start per analysis.
 */
describe('a worker killed while its analyses wait for notifications', () => {
  let fake: FakeAws;
  let relay: LocalRelay;
  let uploader: TestWorker;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    uploader = await startTestWorker(await bundleWorkflows());
    relay = await startLocalRelay(uploader.client);
    fake.config.notificationUrl = relay.url;
  });
  afterAll(async () => {
    for (const p of processes) await p.kill().catch(() => {});
    await relay?.close();
    await uploader?.stop();
    await fake?.close();
  });

  it('completes with one Start per analysis after the kill', async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-notify-kill-'));
    const env = awsBackendEnv(fake, {
      REELSCOPE_TASK_QUEUE: `notify-kill-${randomUUID()}`,
      REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:reelscope-job-completions',
      REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN: 'arn:aws:iam::123456789012:role/reelscope-rekognition-publisher',
      REELSCOPE_TRANSCRIBE_NOTIFICATIONS: 'true',
      REELSCOPE_POLL_INITIAL_MS: '60000',
      REELSCOPE_POLL_MAX_MS: '60000',
      REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '12',
      REELSCOPE_WORKFLOW_BUNDLE: (await buildWorkflowBundle(join(dir, 'workflow-bundle.js'))).path,
    });
    fake.config.mediaDurationSeconds = () => 21;
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 6_000;
    const clip = await ensureSampleClip(join(dir, 'sample.mp4'));
    const first = await startWorkerProcess(env);
    processes.push(first);
    const input = await uploader.upload(clip, { name: 'kill-waiting.mp4' });
    const started = await startAnalysis(uploader.client, env['REELSCOPE_TASK_QUEUE'] as string, input);
    const handle = uploader.client.workflow.getHandle(started.workflowId);
    await waitFor(async () => START_OPERATIONS.every((operation) => fake.counters.jobsStarted(operation) === 1), 60_000);

    // Act: kill it while the jobs run and their waits hold nothing on the worker.
    await first.kill();
    const second = await startWorkerProcess(env);
    processes.push(second);
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    for (const operation of START_OPERATIONS) {
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
