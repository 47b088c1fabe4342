import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateCollectionCommand,
  GetLabelDetectionCommand,
  RekognitionClient,
  StartCelebrityRecognitionCommand,
  StartContentModerationCommand,
  StartFaceDetectionCommand,
  StartFaceSearchCommand,
  StartLabelDetectionCommand,
  StartSegmentDetectionCommand,
  StartTextDetectionCommand,
  type NotificationChannel,
} from '@aws-sdk/client-rekognition';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteTranscriptionJobCommand, StartTranscriptionJobCommand, TranscribeClient } from '@aws-sdk/client-transcribe';
import { parseJobNotification } from '../../relay/job-notification';
import { JOB_FAMILIES, startFakeAws, type FakeAws } from '../support/fake-aws';

const S3_ENDPOINT = process.env['REELSCOPE_S3_ENDPOINT'] as string;
const BUCKET = 'reelscope-test';
const MEDIA = 'fake-aws/notifications.mp4';
const VIDEO = { S3Object: { Bucket: BUCKET, Name: MEDIA } };
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:AmazonRekognitionReelscope';
const CHANNEL: NotificationChannel = { SNSTopicArn: TOPIC, RoleArn: 'arn:aws:iam::123456789012:role/reelscope-rekognition-publish' };

/** What the collector saw: each POST's body and headers, in arrival order. */
interface Received {
  body: string;
  contentType: string | undefined;
}

/** A stand-in for the completion relay: records every POST and answers with the next scripted status (200 once the script is used up). */
interface Collector {
  url: string;
  received: Received[];
  statuses: number[];
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'] });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/notifications`, received, statuses, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls until `done` holds. */
async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failure = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (err: unknown) => err);

describe('fake AWS job-end notifications (real SDK clients, relay parser)', () => {
  let fake: FakeAws;
  let s3: S3Client;
  let rekognition: RekognitionClient;
  let transcribe: TranscribeClient;
  let collector: Collector;

  const startTranscription = (name: string) =>
    transcribe.send(
      new StartTranscriptionJobCommand({ TranscriptionJobName: name, Media: { MediaFileUri: `s3://${BUCKET}/${MEDIA}` }, OutputBucketName: BUCKET, LanguageCode: 'en-US' }),
    );
  const parsedBodies = () => collector.received.map((r) => parseJobNotification(r.body));

  beforeAll(async () => {
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: S3_ENDPOINT,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: MEDIA, Body: 'the fake never decodes media', ContentType: 'video/mp4' }));
    fake = await startFakeAws({ s3Endpoint: S3_ENDPOINT, seed: 42 });
    const common = { region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' }, maxAttempts: 1 };
    rekognition = new RekognitionClient(common);
    transcribe = new TranscribeClient(common);
  });

  beforeEach(async () => {
    fake.reset();
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 50;
    fake.config.transcriptionQueuedMs = 10;
    fake.config.notificationRedelivery = { retries: 3, backoffMs: 20 };
    collector = await startCollector();
    fake.config.notificationUrl = collector.url;
  });

  afterEach(async () => {
    await collector.close();
  });

  afterAll(async () => {
    for (const client of [rekognition, transcribe, s3]) client?.destroy();
    await fake?.close();
  });

  it('delivers an SNS envelope of the Rekognition message when a job started with a channel succeeds', async () => {
    // Arrange
    const { JobId } = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'wf-1.run-1.labels', NotificationChannel: CHANNEL }));

    // Act
    await fake.notificationsSettled();

    // Assert
    expect(collector.received).toHaveLength(1);
    const [delivery] = collector.received;
    expect(delivery?.contentType).toBe('application/json');
    expect(parseJobNotification(delivery?.body ?? '')).toMatchObject({ service: 'rekognition', tag: 'wf-1.run-1.labels', jobId: JobId, status: 'succeeded' });
    const envelope = JSON.parse(delivery?.body ?? '{}') as Record<string, string>;
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn: TOPIC, SignatureVersion: '1' });
    expect(Object.keys(envelope).sort()).toEqual(['Message', 'MessageId', 'Signature', 'SigningCertURL', 'Timestamp', 'TopicArn', 'Type', 'UnsubscribeURL', 'SignatureVersion'].sort());
    expect(envelope['MessageId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const job = fake.jobs()[0];
    expect(JSON.parse(envelope['Message'] ?? '{}')).toEqual({
      JobId,
      Status: 'SUCCEEDED',
      API: 'StartLabelDetection',
      JobTag: 'wf-1.run-1.labels',
      Timestamp: (job?.startedAt ?? 0) + 50,
      Video: { S3ObjectName: MEDIA, S3Bucket: BUCKET },
    });
    expect(envelope['Timestamp']).toBe(new Date((job?.startedAt ?? 0) + 50).toISOString());
    expect(fake.notifications()).toEqual([
      { jobId: JobId, family: 'LabelDetection', service: 'rekognition', channel: 'sns', publishedAt: expect.any(Number), fate: 'delivered', deliveries: 1, attempts: 1 },
    ]);
    expect(fake.notifications()[0]?.publishedAt).toBeGreaterThanOrEqual((job?.startedAt ?? 0) + 50);
  });

  it('publishes for every video feature, naming its Start operation', async () => {
    // Arrange
    await rekognition.send(new CreateCollectionCommand({ CollectionId: 'notified-people' }));
    const starts = [
      rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'labels', NotificationChannel: CHANNEL })),
      rekognition.send(new StartContentModerationCommand({ Video: VIDEO, JobTag: 'moderation', NotificationChannel: CHANNEL })),
      rekognition.send(new StartCelebrityRecognitionCommand({ Video: VIDEO, JobTag: 'celebrities', NotificationChannel: CHANNEL })),
      rekognition.send(new StartTextDetectionCommand({ Video: VIDEO, JobTag: 'text', NotificationChannel: CHANNEL })),
      rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, JobTag: 'segments', SegmentTypes: ['SHOT'], NotificationChannel: CHANNEL })),
      rekognition.send(new StartFaceDetectionCommand({ Video: VIDEO, JobTag: 'faces', NotificationChannel: CHANNEL })),
      rekognition.send(new StartFaceSearchCommand({ Video: VIDEO, JobTag: 'search', CollectionId: 'notified-people', NotificationChannel: CHANNEL })),
    ];

    // Act
    const ids = (await Promise.all(starts)).map((r) => r.JobId);
    await fake.notificationsSettled();

    // Assert
    const apis = collector.received.map((r) => (JSON.parse(JSON.parse(r.body).Message) as { API: string; JobId: string }));
    expect(apis.map((m) => m.API).sort()).toEqual(
      ['StartCelebrityRecognition', 'StartContentModeration', 'StartFaceDetection', 'StartFaceSearch', 'StartLabelDetection', 'StartSegmentDetection', 'StartTextDetection'],
    );
    expect(parsedBodies().map((n) => n?.jobId).sort()).toEqual([...ids].sort());
    expect(parsedBodies().every((n) => n?.service === 'rekognition' && n.status === 'succeeded')).toBe(true);
  });

  it('reports a failed Rekognition job as FAILED', async () => {
    // Arrange
    fake.config.failJobs = new Set(['LabelDetection']);

    // Act
    const { JobId } = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'doomed', NotificationChannel: CHANNEL }));
    await fake.notificationsSettled();

    // Assert
    expect(parsedBodies()).toMatchObject([{ service: 'rekognition', tag: 'doomed', jobId: JobId, status: 'failed' }]);
    expect(JSON.parse(JSON.parse(collector.received[0]?.body ?? '{}').Message)).toMatchObject({ Status: 'FAILED' });
  });

  it('publishes nothing for a job started without a channel, nor for a stuck one', async () => {
    // Arrange
    fake.config.stuckJobs = new Set(['TextDetection']);

    // Act
    const { JobId } = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'silent' }));
    await rekognition.send(new StartTextDetectionCommand({ Video: VIDEO, JobTag: 'stuck', NotificationChannel: CHANNEL }));
    await until(() => fake.jobs().some((j) => j.id === JobId && Date.now() > j.startedAt + j.durationMs));
    const done = await rekognition.send(new GetLabelDetectionCommand({ JobId }));
    await sleep(100);

    // Assert
    expect(done.JobStatus).toBe('SUCCEEDED');
    expect(fake.notifications()).toEqual([]);
    expect(collector.received).toEqual([]);
  });

  it('refuses an incomplete or malformed channel with InvalidParameterException and starts no job', async () => {
    // Arrange
    const channels: NotificationChannel[] = [
      { SNSTopicArn: TOPIC } as NotificationChannel,
      { RoleArn: CHANNEL.RoleArn } as NotificationChannel,
      { SNSTopicArn: 'arn:aws:sqs:us-east-1:123456789012:queue', RoleArn: CHANNEL.RoleArn },
      { SNSTopicArn: 'arn:aws:sns:us-east-1:1234:topic', RoleArn: CHANNEL.RoleArn },
      { SNSTopicArn: TOPIC, RoleArn: 'arn:aws:iam::123456789012:user/someone' },
    ];

    // Act
    const errors = await Promise.all(channels.map((NotificationChannel) => failure(rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, NotificationChannel })))));

    // Assert
    expect(errors.map((e) => (e as Error | undefined)?.name)).toEqual(channels.map(() => 'InvalidParameterException'));
    expect(fake.counters.jobsStarted()).toBe(0);
  });

  it('emits a Transcribe Job State Change event for a completed and a failed transcription job', async () => {
    // Arrange
    fake.config.failJobs = (job) => job.request['TranscriptionJobName'] === 'broken-job';

    // Act
    await startTranscription('fine-job');
    await startTranscription('broken-job');
    await fake.notificationsSettled();

    // Assert
    expect(parsedBodies()).toEqual(
      expect.arrayContaining([
        { service: 'transcribe', tag: 'fine-job', jobId: 'fine-job', status: 'succeeded' },
        { service: 'transcribe', tag: 'broken-job', jobId: 'broken-job', status: 'failed' },
      ]),
    );
    const events = collector.received.map((r) => JSON.parse(r.body) as Record<string, unknown> & { detail: Record<string, string> });
    const failed = events.find((e) => e.detail['TranscriptionJobName'] === 'broken-job');
    expect(failed).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Transcribe Job State Change',
      source: 'aws.transcribe',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'us-east-1',
      resources: [],
      detail: { TranscriptionJobName: 'broken-job', TranscriptionJobStatus: 'FAILED', FailureReason: expect.any(String) },
    });
    expect(events.find((e) => e.detail['TranscriptionJobName'] === 'fine-job')?.detail).toEqual({ TranscriptionJobName: 'fine-job', TranscriptionJobStatus: 'COMPLETED' });
    expect(fake.notifications().map((n) => [n.jobId, n.service, n.channel, n.fate])).toEqual(
      expect.arrayContaining([
        ['fine-job', 'transcribe', 'eventbridge', 'delivered'],
        ['broken-job', 'transcribe', 'eventbridge', 'delivered'],
      ]),
    );
  });

  it('publishes nothing for a transcription job deleted before it ends', async () => {
    // Arrange
    fake.config.jobDurationMs.Transcription = 200;
    await startTranscription('deleted-job');

    // Act
    await transcribe.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: 'deleted-job' }));
    await fake.notificationsSettled();
    await sleep(250);

    // Assert
    expect(fake.notifications()).toEqual([]);
    expect(collector.received).toEqual([]);
  });

  it('loses the notifications of matched jobs and duplicates others', async () => {
    // Arrange
    fake.config.lostNotifications = new Set(['LabelDetection']);
    fake.config.duplicatedNotifications = (job) => job.family === 'Transcription';

    // Act
    const { JobId } = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'lost', NotificationChannel: CHANNEL }));
    await startTranscription('twice');
    await fake.notificationsSettled();

    // Assert
    expect(parsedBodies()).toEqual([
      { service: 'transcribe', tag: 'twice', jobId: 'twice', status: 'succeeded' },
      { service: 'transcribe', tag: 'twice', jobId: 'twice', status: 'succeeded' },
    ]);
    expect(collector.received[0]?.body).toBe(collector.received[1]?.body);
    const log = fake.notifications();
    expect(log.find((n) => n.jobId === JobId)).toMatchObject({ fate: 'lost', deliveries: 0, attempts: 0 });
    expect(log.find((n) => n.jobId === 'twice')).toMatchObject({ fate: 'delivered', deliveries: 2 });
  });

  it('delays a notification so a later one overtakes it', async () => {
    // Arrange
    fake.config.notificationDelayMs = (job) => (job.request['JobTag'] === 'slow' ? 300 : 0);

    // Act
    await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'slow', NotificationChannel: CHANNEL }));
    await sleep(20);
    await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'fast', NotificationChannel: CHANNEL }));
    await fake.notificationsSettled();

    // Assert
    expect(parsedBodies().map((n) => n?.tag)).toEqual(['fast', 'slow']);
    const [slow, fast] = fake.notifications();
    expect((slow?.publishedAt ?? 0) < (fast?.publishedAt ?? 0)).toBe(true);
  });

  it('reorders by a seeded hold: a held-back notification arrives after one published later', async () => {
    // Arrange: faults are read when a job starts, so only the first job is held back.
    fake.config.notificationFaultRates = { reorder: 1 };
    await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'held', NotificationChannel: CHANNEL }));
    fake.config.notificationFaultRates = {};
    fake.config.jobDurationMs.LabelDetection = 150;

    // Act
    await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'later', NotificationChannel: CHANNEL }));
    await fake.notificationsSettled();

    // Assert
    expect(fake.notifications().map((n) => n.jobId)).toEqual(fake.jobs().map((j) => j.id));
    expect(parsedBodies().map((n) => n?.tag)).toEqual(['later', 'held']);
  });

  it('repeats the same seeded lose and duplicate faults after a reset', async () => {
    // Arrange
    const run = async () => {
      fake.config.notificationFaultRates = { lose: 0.2, duplicate: 0.7 };
      for (let i = 0; i < 10; i++) await startTranscription(`seeded-${i}`);
      await fake.notificationsSettled();
      return fake.notifications().map((n) => [n.jobId, n.fate, n.deliveries]);
    };

    // Act
    const first = await run();
    fake.reset();
    fake.config.notificationUrl = collector.url;
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 50;
    const second = await run();

    // Assert
    expect(second).toEqual(first);
    const fates = first.map(([, fate, deliveries]) => `${String(fate)}:${String(deliveries)}`);
    expect(fates).toContain('lost:0');
    expect(fates).toContain('delivered:2');
    expect(fates).toContain('delivered:1');
  });

  it('redelivers after a 500 and dead-letters a notification every try refuses', async () => {
    // Arrange
    collector.statuses.push(500);

    // Act
    await startTranscription('retried');
    await fake.notificationsSettled();
    collector.statuses.push(500, 503, 500, 500);
    await startTranscription('refused');
    await fake.notificationsSettled();

    // Assert
    expect(parsedBodies().map((n) => n?.jobId)).toEqual(['retried', 'retried', 'refused', 'refused', 'refused', 'refused']);
    expect(fake.notifications().map((n) => [n.jobId, n.fate, n.deliveries, n.attempts])).toEqual([
      ['retried', 'delivered', 1, 2],
      ['refused', 'dead-lettered', 0, 4],
    ]);
  });

  it('redelivers after a connection error, backing off', async () => {
    // Arrange: nobody listens at the URL until the second try.
    await collector.close();
    fake.config.notificationRedelivery = { retries: 3, backoffMs: 100 };

    // Act
    await startTranscription('reconnected');
    await until(() => (fake.notifications()[0]?.attempts ?? 0) >= 1);
    collector = await startCollector();
    fake.config.notificationUrl = collector.url;
    await fake.notificationsSettled();

    // Assert
    expect(parsedBodies()).toEqual([{ service: 'transcribe', tag: 'reconnected', jobId: 'reconnected', status: 'succeeded' }]);
    expect(fake.notifications()[0]).toMatchObject({ fate: 'delivered', deliveries: 1 });
    expect(fake.notifications()[0]?.attempts).toBeGreaterThanOrEqual(2);
  });

  it('records publications without a notificationUrl as undelivered', async () => {
    // Arrange
    delete fake.config.notificationUrl;

    // Act
    await startTranscription('nowhere');
    await fake.notificationsSettled();

    // Assert
    expect(fake.notifications()).toEqual([expect.objectContaining({ jobId: 'nowhere', fate: 'undelivered', deliveries: 0, attempts: 0 })]);
    expect(collector.received).toEqual([]);
  });

  it('forgets pending notifications on reset', async () => {
    // Arrange
    fake.config.jobDurationMs.Transcription = 150;
    await startTranscription('forgotten');

    // Act
    fake.reset();
    fake.config.notificationUrl = collector.url;
    await fake.notificationsSettled();
    await sleep(250);

    // Assert
    expect(fake.notifications()).toEqual([]);
    expect(collector.received).toEqual([]);
  });
});
