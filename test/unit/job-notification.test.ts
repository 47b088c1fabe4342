import { ActivityNotFoundError } from '@temporalio/client';
import { jobWaitTag, parseJobWaitTag } from '../../common/job-wait-tag';
import type { JobFinishedNotice } from '../../common/types';
import { featureOfNotifiedApi } from '../../backends/aws/rekognition-video';
import { relayNotification, type WaitCompleter } from '../../relay/completion-relay';
import { MAX_NOTIFICATION_BYTES, parseJobNotification } from '../../relay/job-notification';

const address = { workflowId: 'media-0123456789abcdef01234567', runId: '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b', activityId: 'labels-job' };
const tag = jobWaitTag(address) as string;

const rekognitionMessage = (overrides: Record<string, unknown> = {}) => ({
  JobId: 'a'.repeat(64),
  Status: 'SUCCEEDED',
  API: 'StartLabelDetection',
  JobTag: tag,
  Timestamp: 1_764_000_000_000,
  Video: { S3ObjectName: 'incoming/acme/clip.mp4', S3Bucket: 'reelscope-media' },
  ...overrides,
});
const envelope = (message: unknown) => JSON.stringify({ Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: JSON.stringify(message), Timestamp: '2026-12-02T09:00:00.000Z' });
const transcribeEvent = (status: string, name = tag) =>
  JSON.stringify({ version: '0', id: 'e-1', 'detail-type': 'Transcribe Job State Change', source: 'aws.transcribe', account: '123456789012', time: '2026-12-02T09:00:00Z', region: 'us-east-1', resources: [], detail: { TranscriptionJobName: name, TranscriptionJobStatus: status } });

describe('job wait tags', () => {
  it('round-trips a wait address through the characters both services allow', () => {
    expect(tag).toMatch(/^[0-9a-zA-Z._-]{1,200}$/);
    expect(parseJobWaitTag(tag)).toEqual(address);
  });

  it.each([
    ['a dot in a part', { ...address, workflowId: 'media.x' }],
    ['a slash', { ...address, activityId: 'labels/job' }],
    ['an empty part', { ...address, runId: '' }],
    ['a part over 100 characters', { ...address, workflowId: 'm'.repeat(101) }],
  ])('gives no tag for %s: that analysis polls instead', (_, bad) => {
    expect(jobWaitTag(bad)).toBeUndefined();
  });

  it.each([['media-x'], ['a.b'], ['a.b.c.d'], ['a..c'], [42], ['a.b.c$']])('reads %p as no address of ours', (text) => {
    expect(parseJobWaitTag(text)).toBeUndefined();
  });
});

describe('parseJobNotification', () => {
  it('reads Rekognition\'s message inside the SNS envelope, and raw', () => {
    const expected = { service: 'rekognition', tag, jobId: 'a'.repeat(64), status: 'succeeded', api: 'StartLabelDetection' };
    expect(parseJobNotification(envelope(rekognitionMessage()))).toEqual(expected);
    expect(parseJobNotification(JSON.stringify(rekognitionMessage()))).toEqual(expected);
  });

  it('reads the API as the guide\'s example names it too, and maps it to the feature', () => {
    expect(parseJobNotification(envelope(rekognitionMessage({ API: 'FACE_SEARCH' })))?.api).toBe('FACE_SEARCH');
    expect(['StartFaceSearch', 'FACE_SEARCH', 'FACE_DETECTION', 'StartLabelDetection'].map(featureOfNotifiedApi)).toEqual(['FaceSearch', 'FaceSearch', 'FaceDetection', 'LabelDetection']);
  });

  it.each([
    ['FAILED', 'failed'],
    ['ERROR', 'failed'],
  ])('reads Rekognition status %s as %s', (status, expected) => {
    expect(parseJobNotification(envelope(rekognitionMessage({ Status: status })))?.status).toBe(expected);
  });

  it('reads Transcribe\'s EventBridge event: the job name is its id and its tag', () => {
    expect(parseJobNotification(transcribeEvent('COMPLETED'))).toEqual({ service: 'transcribe', tag, jobId: tag, status: 'succeeded' });
    expect(parseJobNotification(transcribeEvent('FAILED'))?.status).toBe('failed');
  });

  it.each([
    ['a running Rekognition job', envelope(rekognitionMessage({ Status: 'IN_PROGRESS' }))],
    ['a queued Transcribe job', transcribeEvent('QUEUED')],
    ['a Rekognition job without a tag', envelope(rekognitionMessage({ JobTag: undefined }))],
    ['an API name that is no operation', envelope(rekognitionMessage({ API: 'Start Label; Detection' }))],
    ['another event', JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })],
    ['broken JSON', '{"Type":"Notification",'],
    ['an envelope around broken JSON', JSON.stringify({ Type: 'Notification', Message: '{not json' })],
    ['a body over the SQS limit', JSON.stringify({ pad: 'x'.repeat(MAX_NOTIFICATION_BYTES) })],
  ])('ignores %s', (_, body) => {
    expect(parseJobNotification(body)).toBeUndefined();
  });
});

describe('relayNotification', () => {
  const completions: { address: unknown; notice: JobFinishedNotice }[] = [];
  const completer: WaitCompleter = async (to, notice) => {
    completions.push({ address: to, notice });
  };
  beforeEach(() => completions.splice(0));

  it('completes the wait the tag addresses with the notice of the job\'s end', async () => {
    const outcome = await relayNotification(envelope(rekognitionMessage()), completer);
    expect(outcome).toEqual({ result: 'completed', workflowId: address.workflowId, activityId: address.activityId, jobId: 'a'.repeat(64) });
    expect(completions).toEqual([{ address, notice: { notice: 'job-finished', jobId: 'a'.repeat(64), status: 'succeeded', api: 'StartLabelDetection' } }]);
  });

  it('calls a wait that is no longer there stale, and completes nothing for strangers', async () => {
    const gone: WaitCompleter = async () => {
      throw new ActivityNotFoundError('not found');
    };
    expect((await relayNotification(transcribeEvent('COMPLETED'), gone)).result).toBe('stale');
    expect((await relayNotification(transcribeEvent('COMPLETED', 'someone-elses-job'), completer)).result).toBe('ignored');
    expect(completions).toEqual([]);
  });

  it('throws what Temporal threw otherwise, so the queue delivers the message again', async () => {
    const down: WaitCompleter = async () => {
      throw new Error('14 UNAVAILABLE: connection refused');
    };
    await expect(relayNotification(envelope(rekognitionMessage()), down)).rejects.toThrow('UNAVAILABLE');
  });
});
