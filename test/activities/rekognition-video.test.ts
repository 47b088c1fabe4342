import { PutObjectCommand } from '@aws-sdk/client-s3';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { runJobToCompletion } from '../../activities/aws/job-poller';
import { collectVideoJobResults, startVideoJob, videoJobState } from '../../activities/aws/rekognition-video';
import { labelsOutput } from '../../activities/aws/rekognition-outputs';
import { createAwsClients, type AwsClients } from '../../worker/aws-clients';
import { loadWorkerConfig } from '../../worker/config';
import { startFakeAws, type FakeAws } from '../support/fake-aws';

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

  it('refuses a video that is not in S3', async () => {
    const signal = new AbortController().signal;
    const start = startVideoJob(rekognition, 'TextDetection', { bucket: config.bucket, key: 'missing.mp4', clientRequestToken: 'tok-missing', jobTag: 'm2', minConfidence: 50 }, signal);
    await expect(start).rejects.toMatchObject({ name: 'InvalidS3ObjectException', $metadata: { httpStatusCode: 400 } });
  });
});
