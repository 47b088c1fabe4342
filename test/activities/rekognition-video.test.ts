import { Transform, type Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { AnalysisRun } from '../../backends/analysis-backend';
import { createAwsBackend } from '../../backends/aws/aws-backend';
import { runJobToCompletion } from '../../backends/aws/job-poller';
import type { JobResultsManifest } from '../../backends/aws/rekognition-results-writer';
import type { LabelsOutput, VisualModerationOutput } from '../../spine/branch-outputs';
import { ObjectStore } from '../../storage/object-store';
import { collectVideoJobResults, startVideoJob, videoJobState } from '../../backends/aws/rekognition-video';
import { labelsOutput, moderationOutput } from '../../backends/aws/rekognition-outputs';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { loadWorkerConfig } from '../../worker/config';
import { startFakeAws, type FakeAws } from '../support/fake-aws';

/** The longest array anywhere in a value: what one write held in memory at once. */
function longestArray(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(longestArray));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(longestArray));
  return 0;
}

/** The real store (s3rver), recording what each write carried and when it happened. */
class RecordingStore extends ObjectStore {
  readonly writes: { key: string; longestArray: number; getsSoFar: number }[] = [];
  readonly streamedChunks: number[] = [];

  constructor(
    s3: ConstructorParameters<typeof ObjectStore>[0],
    bucket: string,
    private readonly getsSoFar: () => number,
  ) {
    super(s3, bucket);
  }

  override async putJson(key: string, value: unknown, signal?: AbortSignal): Promise<string> {
    this.writes.push({ key, longestArray: longestArray(value), getsSoFar: this.getsSoFar() });
    return super.putJson(key, value, signal);
  }

  override async putStream(key: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<string> {
    const chunks = this.streamedChunks;
    const measured = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.length);
        done(null, chunk);
      },
    });
    body.on('error', (err) => measured.destroy(err));
    return super.putStream(key, body.pipe(measured), contentType, signal);
  }
}

describe('Rekognition Video service module (real RekognitionClient against the fake)', () => {
  const config = loadWorkerConfig(process.env);
  let fake: FakeAws;
  let clients: AwsClients;
  let rekognition: RekognitionClient;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    clients = createAwsClients(config.aws);
    rekognition = new RekognitionClient({ region: 'us-east-1', endpoint: fake.endpoint, maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: 'incoming/acme/pages.mp4', Body: 'not really a video' }));
  });
  afterAll(async () => {
    rekognition.destroy();
    clients.destroy();
    await fake.close();
  });

  it('follows NextToken to the last page and keeps the detections in time order', async () => {
    // Arrange
    fake.config.resultCounts.LabelDetection = 2_500;
    fake.config.jobDurationMs.LabelDetection = 50;
    const signal = new AbortController().signal;
    const request = { bucket: config.bucket, key: 'incoming/acme/pages.mp4', clientRequestToken: 'tok-pages', jobTag: 'm1', minConfidence: 60 };

    // Act
    const job = await runJobToCompletion({
      service: 'rekognition LabelDetection',
      start: () => startVideoJob(rekognition, 'LabelDetection', request, signal),
      check: (jobId) => videoJobState(rekognition, 'LabelDetection', jobId, signal),
      heartbeat: () => {},
      signal,
      deadlineMs: 10_000,
      schedule: { initialMs: 20, maxMs: 50, factor: 2 },
    });
    const results = await collectVideoJobResults(rekognition, 'LabelDetection', job.jobId, signal);
    const again = await startVideoJob(rekognition, 'LabelDetection', request, signal);

    // Assert
    expect(results.pages).toBe(3);
    expect(results.items).toHaveLength(2_500);
    const times = results.items.map((i) => i.Timestamp ?? 0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(results.videoMetadata).toMatchObject({ Codec: 'h264', FrameRate: 25 });
    expect(again).toBe(job.jobId);
    expect(fake.counters.jobsStarted('StartLabelDetection')).toBe(1);
    const output = labelsOutput(results);
    expect(output.detections.every((d) => d.confidence >= 0.6 && d.confidence <= 1)).toBe(true);
  });

  it('writes a 25-page job to S3 page by page as the pages arrive: no write holds more than one page, and the workflow gets a small reference', async () => {
    // Arrange
    fake.config.resultCounts.LabelDetection = 25_000;
    fake.config.resultCounts.ContentModeration = 3_000;
    fake.config.jobDurationMs.LabelDetection = 50;
    fake.config.jobDurationMs.ContentModeration = 50;
    fake.config.mediaDurationSeconds = () => 6 * 3600;
    const store = new RecordingStore(clients.s3, config.bucket, () => fake.counters.calls('GetLabelDetection'));
    const backend = createAwsBackend({
      rekognition,
      transcribe: clients.transcribe,
      settings: { ...config.awsBackend, poll: { initialMs: 20, maxMs: 50, factor: 2 } },
      prices: config.prices,
      onWorker: {},
    });
    const heartbeats: unknown[] = [];
    const prefix = 'results/acme/m-pages/';
    const run = (kind: 'labels' | 'visualModeration'): AnalysisRun => ({
      input: {
        mediaId: 'm-pages',
        tenant: 'acme',
        source: { bucket: config.bucket, key: 'incoming/acme/pages.mp4' },
        media: { kind: 'video', formatName: 'mov,mp4', durationSeconds: 6 * 3600, sizeBytes: 18, streamCount: 1 },
      },
      mediaUrl: 'http://unused.invalid/',
      store,
      prefix,
      signal: new AbortController().signal,
      heartbeat: (details) => heartbeats.push(details),
      execution: { workflowId: 'media-m-pages', runId: `run-${kind}` },
    });

    // Act
    const outcome = await backend.runners.labels!(run('labels'));
    // Three detections per moment of a 1-second clip: moments straddle page boundaries.
    fake.config.mediaDurationSeconds = () => 1;
    const moderation = await backend.runners.visualModeration!(run('visualModeration'));
    const whole = moderationOutput(await collectVideoJobResults(rekognition, 'ContentModeration', moderation.jobId!, new AbortController().signal));
    const labels = await store.getJson<LabelsOutput>(outcome.ref!);
    const manifest = await store.getJson<JobResultsManifest>(`s3://${config.bucket}/${prefix}rekognition/LabelDetection.json`);
    const samples = await store.getJson<VisualModerationOutput>(moderation.ref!);

    // Assert
    const pageWrites = store.writes.filter((w) => w.key.startsWith(`${prefix}rekognition/LabelDetection/page-`));
    expect(outcome).toMatchObject({ status: 'succeeded', ref: `s3://${config.bucket}/${prefix}labels.json`, counts: { detections: 25_000, pages: 25 } });
    expect(JSON.stringify(outcome).length).toBeLessThan(1_000);
    expect(pageWrites).toHaveLength(25);
    expect(Math.max(...store.writes.map((w) => w.longestArray))).toBeLessThanOrEqual(1_000);
    // Streamed: the first page was in S3 before the last one was fetched.
    expect(pageWrites[0]!.getsSoFar).toBeLessThan(pageWrites[24]!.getsSoFar);
    expect(Math.max(...store.streamedChunks)).toBeLessThan(512 * 1024);
    expect(heartbeats).toContainEqual(expect.objectContaining({ jobId: outcome.jobId, resultPages: 25 }));
    // The documents reduce reads, whole and in time order, as before.
    expect(labels.model).toBe('amazon-rekognition LabelDetection 3.0');
    expect(labels.detections).toHaveLength(25_000);
    const times = labels.detections.map((d) => d.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(manifest).toMatchObject({ jobId: outcome.jobId, pages: 25, items: 25_000, modelVersion: '3.0', videoMetadata: { Codec: 'h264' } });
    expect(manifest.pageRefs).toHaveLength(25);
    expect(moderation.counts).toMatchObject({ detections: 3_000, pages: 3 });
    expect(samples.samples).toHaveLength(1_000);
    // The same samples as the whole-page form, and the coverage of the whole video (Rekognition Video checks every frame).
    expect(samples).toEqual({ ...whole, coverage: { start: 0, end: expect.any(Number) } });
    expect(samples.coverage?.end).toBeGreaterThan(0);
  });

  it('refuses a video that is not in S3', async () => {
    const signal = new AbortController().signal;
    const start = startVideoJob(rekognition, 'TextDetection', { bucket: config.bucket, key: 'missing.mp4', clientRequestToken: 'tok-missing', jobTag: 'm2', minConfidence: 50 }, signal);
    await expect(start).rejects.toMatchObject({ name: 'InvalidS3ObjectException', $metadata: { httpStatusCode: 400 } });
  });
});
