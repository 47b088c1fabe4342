import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { WorkflowBundle } from '@temporalio/worker';
import { MediaRecords } from '../../storage/media-records';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

interface Detail {
  status?: string;
  progress?: { status: string; branches: Record<string, string> };
}

/**
 * Cancel of a running media through the API, on the aws backend against the fake AWS: its
 * label detection job never leaves IN_PROGRESS (and its deadline is an hour away), so the run
 * cannot leave ANALYZING by itself and is certain to be caught mid-run.
 */
describe('API cancel of a running media', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let worker: TestWorker;
  let api: ApiHarness;
  let clip: Buffer;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    fake.config.stuckJobs = new Set(['LabelDetection']);
    bundle = await bundleWorkflows();
    worker = await startTestWorker(bundle, {}, (d) => d, awsBackendEnv(fake, { REELSCOPE_JOB_DEADLINE_BASE_SECONDS: '3600', REELSCOPE_JOB_DEADLINE_PER_MEDIA_SECOND: '0' }));
    api = await startApiHarness({ temporal: worker.client, taskQueue: worker.taskQueue });
    clip = await readFile(await makeVideoClip(await mkdtemp(join(tmpdir(), 'reelscope-api-cancel-'))));
  });
  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await fake?.close();
  });

  /** Upload init -> presigned PUT -> complete, as a client does; returns the started media. */
  async function uploadThroughApi(token: string, fileName: string, through = api): Promise<{ mediaId: string; workflowId: string }> {
    const call = through.call.bind(through);
    const init = await call('/v1/uploads', { token, json: { fileName, sizeBytes: clip.length, contentType: 'video/mp4' } });
    expect(init.status).toBe(201);
    const session = (await init.json()) as { uploadId: string; upload: { method: string; url: string } };
    expect(session.upload.method).toBe('PUT');
    expect((await fetch(session.upload.url, { method: 'PUT', body: new Uint8Array(clip) })).status).toBe(200);
    const completed = await call(`/v1/uploads/${session.uploadId}/complete`, { token, method: 'POST' });
    expect(completed.status).toBe(200);
    return (await completed.json()) as { mediaId: string; workflowId: string };
  }

  /**
   * Polls the detail until the live progress shows the labels branch running and its job is
   * started at the fake; bounded, as the review test waits.
   */
  async function untilLabelsRunning(token: string, mediaId: string): Promise<Detail> {
    const caught = (d: Detail) => d.progress?.branches['labels'] === 'running' && fake.counters.starts('StartLabelDetection') === 1;
    let detail: Detail = {};
    for (let i = 0; i < 600 && !caught(detail); i++) {
      detail = (await (await api.call(`/v1/media/${mediaId}`, { token })).json()) as Detail;
      if (!caught(detail)) await new Promise((r) => setTimeout(r, 100));
    }
    return detail;
  }

  it('stops the run mid-analysis, records it cancelled, answers a second cancel 409 and another tenant 404', async () => {
    // Arrange
    const uploader = await api.token('acme', ['uploader', 'viewer']);
    const stranger = await api.token('globex', ['uploader', 'viewer']);
    const media = await uploadThroughApi(uploader, 'cancel-me.mp4');
    const running = await untilLabelsRunning(uploader, media.mediaId);

    // Act
    const foreign = await api.call(`/v1/media/${media.mediaId}/cancel`, { token: stranger, method: 'POST' });
    const cancelled = await api.call(`/v1/media/${media.mediaId}/cancel`, { token: uploader, method: 'POST' });
    const ended = await worker.client.workflow
      .getHandle(media.workflowId)
      .result()
      .then(() => undefined, (err: unknown) => err);
    const again = await api.call(`/v1/media/${media.mediaId}/cancel`, { token: uploader, method: 'POST' });
    const description = await worker.client.workflow.getHandle(media.workflowId).describe();
    const record = await new MediaRecords(worker.clients.doc, worker.config.tables).get(media.mediaId);
    const detail = (await (await api.call(`/v1/media/${media.mediaId}`, { token: uploader })).json()) as Detail & { reason?: unknown };

    // Assert
    expect(running.progress).toMatchObject({ status: 'ANALYZING', branches: { labels: 'running' } });
    expect(foreign.status).toBe(404);
    expect(cancelled.status).toBe(202);
    expect(await cancelled.json()).toEqual({ workflowId: media.workflowId, runId: description.runId });
    // The workflow records the cancellation, then closes cancelled (workflows/analyze-media.ts).
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    expect(causeChain(ended).some((cause) => cause instanceof CancelledFailure)).toBe(true);
    expect(description.status.name).toBe('CANCELLED');
    // Rekognition Video has no call that stops a job: the record says the stuck one was left to finish.
    // (Analyses of this worker's own that had not finished, such as audio moderation, are stopped.)
    // Other Rekognition Video jobs may still be running too; every one left to finish is one.
    const cancellation = { step: 'analyse', stopped: expect.not.arrayContaining(['labels']), runToEnd: expect.arrayContaining(['labels']), summary: expect.stringMatching(/^cancelled while analysing; .*left to finish \(Rekognition Video jobs cannot be stopped, and are billed\): .*labels/) };
    expect(record).toMatchObject({ status: 'CANCELLED', tenant: 'acme', reason: { step: 'analyse', type: 'Cancelled' }, cancellation });
    expect(detail).toMatchObject({ status: 'CANCELLED', reason: { step: 'analyse', type: 'Cancelled' }, cancellation });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ status: 409, type: expect.stringMatching(/not-running$/), detail: `media ${media.mediaId} is not running (it ended CANCELLED)` });
    // The job that held the run was started once: the cancellation did not start it again.
    expect(fake.counters.starts('StartLabelDetection')).toBe(1);
  });

  it('deletes the Transcribe job of a cancelled run, and its record says so', async () => {
    // Arrange: this time the transcription never finishes, and nothing else holds the run.
    fake.reset();
    fake.config.stuckJobs = new Set(['Transcription']);
    const uploader = await api.token('acme', ['uploader', 'viewer']);
    try {
      const media = await uploadThroughApi(uploader, 'cancel-transcript.mp4');
      const handle = worker.client.workflow.getHandle(media.workflowId);
      for (let i = 0; i < 600 && fake.counters.jobsStarted('StartTranscriptionJob') === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const jobsBefore = fake.counters.jobsStarted('StartTranscriptionJob');

      // Act
      const cancelled = await api.call(`/v1/media/${media.mediaId}/cancel`, { token: uploader, method: 'POST' });
      await handle.result().catch(() => undefined);
      const record = await new MediaRecords(worker.clients.doc, worker.config.tables).get(media.mediaId);

      // Assert
      expect(jobsBefore).toBe(1);
      expect(cancelled.status).toBe(202);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(fake.counters.jobsDeleted('transcribe')).toBe(1);
      expect(record).toMatchObject({ status: 'CANCELLED', cancellation: { step: 'analyse', stopped: expect.arrayContaining(['transcript']) } });
      // The analyses that had finished stay on the record; the transcript is not among them.
      const outcomes = record?.['outcomes'] as { kind: string; status: string }[];
      expect(outcomes.map((o) => o.kind)).not.toContain('transcript');
    } finally {
      fake.config.stuckJobs = new Set(['LabelDetection']);
    }
  });

  it('cancels a media no worker has picked up yet, which has no record, and still refuses another tenant', async () => {
    // Arrange: an API starting runs on a task queue no worker polls, so nothing writes a record.
    const queue = `unserved-${randomUUID()}`;
    const queued = await startApiHarness({ temporal: worker.client, taskQueue: queue });
    const records = new MediaRecords(worker.clients.doc, worker.config.tables);
    try {
      const uploader = await queued.token('acme', ['uploader']);
      const stranger = await queued.token('globex', ['uploader']);
      const media = await uploadThroughApi(uploader, 'queued.mp4', queued);
      const before = await records.get(media.mediaId);

      // Act
      const foreign = await queued.call(`/v1/media/${media.mediaId}/cancel`, { token: stranger, method: 'POST' });
      const cancelled = await queued.call(`/v1/media/${media.mediaId}/cancel`, { token: uploader, method: 'POST' });
      // A worker comes up for the queue and finds the cancellation waiting.
      const late = await startTestWorker(bundle, {}, (d) => d, { REELSCOPE_TASK_QUEUE: queue });
      const ended = await worker.client.workflow
        .getHandle(media.workflowId)
        .result()
        .then(() => undefined, (err: unknown) => err)
        .finally(() => late.stop());
      const record = await records.get(media.mediaId);

      // Assert
      expect(before).toBeUndefined();
      expect(foreign.status).toBe(404);
      expect(cancelled.status).toBe(202);
      expect(causeChain(ended).some((cause) => cause instanceof CancelledFailure)).toBe(true);
      expect(record).toMatchObject({ status: 'CANCELLED', tenant: 'acme', reason: { type: 'Cancelled' }, cancellation: { stopped: [], runToEnd: [] } });
    } finally {
      await queued.stop();
    }
  });
});

/** The error and every cause under it. */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = err; current !== undefined && chain.length < 10; current = current instanceof Error ? current.cause : undefined) chain.push(current);
  return chain;
}
