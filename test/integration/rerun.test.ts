import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Report } from '../../report/report-schema';
import { MediaRecords } from '../../storage/media-records';
import { ObjectStore } from '../../storage/object-store';
import type { AnalysisOutcome, AnalyzeMediaResult, CostLine, PreviousReport } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../intake/start-analysis';
import { InvalidRerunError, rerunMedia } from '../../operations/rerun-media';
import { NotRetryableError } from '../../operations/retry-media';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const REKOGNITION_STARTS = ['StartLabelDetection', 'StartContentModeration', 'StartCelebrityRecognition', 'StartTextDetection', 'StartSegmentDetection'] as const;
const ALL_STARTS = [...REKOGNITION_STARTS, 'StartTranscriptionJob'] as const;

/**
 * Re-running part of an analysis on the aws backend: the fake AWS counts every Start*, so
 * "only the named analyses called their service again" is what the service saw.
 */
describe('rerun: part of an analysis again, without uploading again', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let store: ObjectStore;
  let records: MediaRecords;
  let mediaId: string;
  let workflowId: string;
  let firstRunId: string;
  let first: AnalyzeMediaResult;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle, {}, (d) => d, awsBackendEnv(fake, { REELSCOPE_JOB_DEADLINE_BASE_SECONDS: '15', REELSCOPE_JOB_DEADLINE_PER_MEDIA_SECOND: '0' }));
    store = new ObjectStore(harness.clients.s3, harness.config.bucket);
    records = new MediaRecords(harness.clients.doc, harness.config.tables);
    fake.config.mediaDurationSeconds = () => 21;
    const clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-rerun-')), 'sample.mp4'));
    const input = await harness.upload(clip, { name: 'rerun.mp4' });
    mediaId = input.mediaId;
    ({ workflowId } = await startAnalysis(harness.client, harness.taskQueue, input));
    first = (await harness.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    firstRunId = (await harness.client.workflow.getHandle(workflowId).describe()).runId;
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  async function rerun(options: { analyses?: string[]; reportOnly?: boolean }): Promise<{ result: AnalyzeMediaResult; runId: string; byKind: Record<string, AnalysisOutcome> }> {
    const started = await rerunMedia(harness.client, records, mediaId, { analyses: options.analyses ?? [], reportOnly: options.reportOnly ?? false, defaultTaskQueue: harness.taskQueue });
    const handle = harness.client.workflow.getHandle(started.workflowId, started.runId);
    const result = (await handle.result()) as AnalyzeMediaResult;
    return { result, runId: started.runId!, byKind: Object.fromEntries(result.outcomes.map((o) => [o.kind, o])) };
  }

  it('re-runs only the named analysis, reuses the others, and keeps the earlier report readable', async () => {
    // Act
    const { result, runId, byKind } = await rerun({ analyses: ['labels'] });

    // Assert: one service call again, the report re-written once.
    expect(result.status).toBe('COMPLETED');
    expect(Object.fromEntries(ALL_STARTS.map((op) => [op, fake.counters.starts(op)]))).toEqual({ ...Object.fromEntries(ALL_STARTS.map((op) => [op, 0])), StartLabelDetection: 1 });
    expect(fake.counters.converse.calls).toBe(1);
    expect(byKind['labels']).toMatchObject({ status: 'succeeded', runId });
    const firstByKind = Object.fromEntries(first.outcomes.map((o) => [o.kind, o]));
    for (const kind of ['transcript', 'shots', 'thumbnails', 'visualModeration', 'audioModeration', 'celebrities', 'text']) {
      expect(byKind[kind]).toMatchObject({ status: 'succeeded', runId: firstRunId, ref: firstByKind[kind]?.ref });
    }
    expect(byKind['labels']?.ref).not.toBe(firstByKind['labels']?.ref);

    // The record says which run produced what, bills only what ran, and names the earlier report.
    const record = await records.get(mediaId);
    expect(record).toMatchObject({ status: 'COMPLETED', runId, rerunOf: { runId: firstRunId, analyses: ['labels'] } });
    const previous = record?.['previousReports'] as PreviousReport[];
    expect(previous).toEqual([expect.objectContaining({ runId: firstRunId, jsonRef: first.report?.jsonRef, htmlRef: first.report?.htmlRef })]);
    const lines = (record?.['cost'] as { lines: CostLine[] }).lines;
    // The model's input and output tokens, and the one analysis that ran.
    expect(lines.filter((l) => l.service !== 'bedrock').map((l) => l.item)).toEqual(['LabelDetection']);
    expect(lines.filter((l) => l.service === 'bedrock').map((l) => l.unit).sort()).toEqual(['input-token', 'output-token']);
    // Both reports are there to read, each where its run wrote it.
    expect(result.report?.jsonRef).not.toBe(first.report?.jsonRef);
    const [earlier, now] = await Promise.all([store.getJson<Report>(first.report!.jsonRef), store.getJson<Report>(result.report!.jsonRef)]);
    expect(earlier.summary.length).toBeGreaterThan(0);
    expect(now.cost?.lines.filter((l) => l.service !== 'bedrock').map((l) => l.item)).toEqual(['LabelDetection']);
    expect(result.report?.jsonRef).toContain(`/${runId}/`);
  });

  it('re-runs what reads a re-run analysis too: a new transcript means a new audio moderation', async () => {
    const { runId, byKind } = await rerun({ analyses: ['transcript'] });

    expect(fake.counters.starts()).toBe(1);
    expect(fake.counters.starts('StartTranscriptionJob')).toBe(1);
    expect(byKind['transcript']).toMatchObject({ status: 'succeeded', runId });
    expect(byKind['audioModeration']).toMatchObject({ status: 'succeeded', runId });
    expect(byKind['labels']?.runId).not.toBe(runId);
  });

  it('report-only re-writes the report and calls no analysis service', async () => {
    const before = await records.get(mediaId);

    const { result, runId } = await rerun({ reportOnly: true });

    expect(result.status).toBe('COMPLETED');
    expect(fake.counters.starts()).toBe(0);
    expect(fake.counters.converse.calls).toBe(1);
    expect(result.outcomes.every((o) => o.status !== 'succeeded' || o.runId !== runId)).toBe(true);
    const record = await records.get(mediaId);
    expect(record).toMatchObject({ rerunOf: { analyses: [] } });
    // Newest first: the report this replaced, then the ones before it.
    const previous = record?.['previousReports'] as PreviousReport[];
    expect(previous.map((p) => p.runId)).toEqual([before?.['runId'], ...(before?.['previousReports'] as PreviousReport[]).map((p) => p.runId)]);
    expect(new Set((record?.['cost'] as { lines: CostLine[] }).lines.map((l) => l.service))).toEqual(new Set(['bedrock']));
  });

  it('refuses unknown analyses, both kinds of request at once, and media with no completed analysis', async () => {
    await expect(rerunMedia(harness.client, records, mediaId, { analyses: ['lipreading'], reportOnly: false, defaultTaskQueue: harness.taskQueue })).rejects.toThrow(InvalidRerunError);
    await expect(rerunMedia(harness.client, records, mediaId, { analyses: ['labels'], reportOnly: true, defaultTaskQueue: harness.taskQueue })).rejects.toThrow(/not both/);
    await expect(rerunMedia(harness.client, records, mediaId, { analyses: [], reportOnly: false, defaultTaskQueue: harness.taskQueue })).rejects.toThrow(/name the analyses/);
    expect(fake.counters.starts()).toBe(0);

    // A media still running has nothing completed to re-run from yet.
    fake.config.stuckJobs = new Set(['LabelDetection']);
    const clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-rerun-')), 'sample.mp4'));
    const input = await harness.upload(clip, { name: 'running.mp4' });
    const started = await startAnalysis(harness.client, harness.taskQueue, input);
    await expect(rerunMedia(harness.client, records, input.mediaId, { analyses: ['labels'], reportOnly: false, defaultTaskQueue: harness.taskQueue })).rejects.toThrow(NotRetryableError);
    await harness.client.workflow.getHandle(started.workflowId).terminate('test over');
  });
});
