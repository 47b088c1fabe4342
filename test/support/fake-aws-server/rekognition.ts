import { randomUUID } from 'node:crypto';
import { jobItems, videoMetadata } from './rekognition-results';
import { AwsWireError, jobState, type FakeJob, type JobFamily } from './state';
import type { FakeAwsContext } from './context';

const PAGE_MAX = 1000;
const ITEMS_KEY: Record<Exclude<JobFamily, 'Transcription'>, string> = {
  LabelDetection: 'Labels',
  ContentModeration: 'ModerationLabels',
  CelebrityRecognition: 'Celebrities',
  TextDetection: 'TextDetections',
  SegmentDetection: 'Segments',
};
const MODEL_VERSION_KEY: Partial<Record<JobFamily, string>> = {
  LabelDetection: 'LabelModelVersion',
  ContentModeration: 'ModerationModelVersion',
  TextDetection: 'TextModelVersion',
};

/** RekognitionService Start and Get operations for stored video, JSON 1.1. */
export async function rekognition(context: FakeAwsContext, operation: string, body: Record<string, unknown>): Promise<unknown> {
  const start = /^Start(LabelDetection|ContentModeration|CelebrityRecognition|TextDetection|SegmentDetection)$/.exec(operation);
  if (start) return startJob(context, operation, start[1] as Exclude<JobFamily, 'Transcription'>, body);
  const get = /^Get(LabelDetection|ContentModeration|CelebrityRecognition|TextDetection|SegmentDetection)$/.exec(operation);
  if (get) return getJob(context, get[1] as Exclude<JobFamily, 'Transcription'>, body);
  throw new AwsWireError('UnknownOperationException', `fake Rekognition does not implement ${operation}`);
}

async function startJob(context: FakeAwsContext, operation: string, family: Exclude<JobFamily, 'Transcription'>, body: Record<string, unknown>) {
  const s3Object = (body['Video'] as { S3Object?: { Bucket?: string; Name?: string } } | undefined)?.S3Object;
  if (!s3Object?.Bucket || !s3Object.Name) throw new AwsWireError('InvalidParameterException', 'Video.S3Object.Bucket and Name are required');
  if (family === 'SegmentDetection' && !Array.isArray(body['SegmentTypes'])) {
    throw new AwsWireError('InvalidParameterException', 'SegmentTypes is required');
  }
  const token = typeof body['ClientRequestToken'] === 'string' ? body['ClientRequestToken'] : undefined;
  const existing = token ? context.jobByToken.get(`${operation}:${token}`) : undefined;
  if (existing) return { JobId: existing.id };
  if (!(await context.objectExists(s3Object.Bucket, s3Object.Name))) {
    throw new AwsWireError('InvalidS3ObjectException', 'Unable to get object metadata from S3. Check object key, region and/or access permissions.');
  }
  if (context.counters.runningJobs('rekognition') >= context.config.concurrentJobLimit.rekognition) {
    context.counters.injected('limit');
    throw new AwsWireError('LimitExceededException', 'The number of concurrent stored video jobs exceeds the account limit.');
  }
  const job: FakeJob = {
    id: randomUUID().replace(/-/g, ''),
    family,
    service: 'rekognition',
    startOperation: operation,
    startedAt: Date.now(),
    durationMs: context.config.jobDurationMs[family],
    outcome: context.config.stuckJobs.has(family) ? 'stuck' : context.config.failJobs.has(family) ? 'fail' : 'succeed',
    bucket: s3Object.Bucket,
    key: s3Object.Name,
    request: body,
  };
  context.addJob(job, token ? `${operation}:${token}` : undefined);
  return { JobId: job.id };
}

function getJob(context: FakeAwsContext, family: Exclude<JobFamily, 'Transcription'>, body: Record<string, unknown>) {
  const job = context.jobs.get(String(body['JobId']));
  if (!job || job.family !== family) throw new AwsWireError('ResourceNotFoundException', 'The job was not found.');
  const state = jobState(job);
  if (state === 'IN_PROGRESS') return { JobStatus: 'IN_PROGRESS', JobId: job.id };
  if (state === 'FAILED') return { JobStatus: 'FAILED', JobId: job.id, StatusMessage: 'Unsupported codec or corrupt video stream.' };
  const durationSeconds = context.config.mediaDurationSeconds(job.bucket, job.key);
  const items = jobItems(job, context.config.resultCount, durationSeconds);
  const maxResults = Math.min(PAGE_MAX, Math.max(1, Number(body['MaxResults'] ?? PAGE_MAX)));
  const offset = body['NextToken'] ? Number(Buffer.from(String(body['NextToken']), 'base64').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw new AwsWireError('InvalidPaginationTokenException', 'Invalid pagination token.');
  const page = items.slice(offset, offset + maxResults);
  const next = offset + maxResults < items.length ? Buffer.from(String(offset + maxResults)).toString('base64') : undefined;
  const metadata = videoMetadata(durationSeconds);
  const modelKey = MODEL_VERSION_KEY[family];
  return {
    JobStatus: 'SUCCEEDED',
    JobId: job.id,
    ...(family === 'SegmentDetection'
      ? {
          VideoMetadata: [metadata],
          AudioMetadata: [{ Codec: 'aac', DurationMillis: metadata.DurationMillis, SampleRate: 44100, NumberOfChannels: 1 }],
          SelectedSegmentTypes: [
            { Type: 'SHOT', ModelVersion: '1.0' },
            { Type: 'TECHNICAL_CUE', ModelVersion: '2.0' },
          ],
        }
      : { VideoMetadata: metadata }),
    ...(modelKey ? { [modelKey]: '7.0' } : {}),
    [ITEMS_KEY[family]]: page,
    ...(next ? { NextToken: next } : {}),
  };
}
