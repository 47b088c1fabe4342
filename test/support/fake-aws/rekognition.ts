import type { FakeAwsContext } from './context';
import { wireError } from './errors';
import { jobStatus, type FakeJob } from './jobs';
import { checkFaceJobRequest, faceJobResults, faceOperation, isFaceOperation } from './faces';
import { snsEnvelopeBody } from './notification-messages';
import { detectInImage, isImageOperation } from './rekognition-image';
import { audioMetadata, generateDetections, videoMetadata, type SegmentRequest } from './rekognition-results';
import { isRekognitionFamily, type RekognitionFamily } from './services';

const PAGE_MAX = 1000;
const TOKEN = /^[a-zA-Z0-9-_]{1,64}$/;
/** The Start* operations' JobTag constraint, from the API reference: `[a-zA-Z0-9_.\-:+=\/]+`, 1 to 1024 characters. */
const JOB_TAG = /^[a-zA-Z0-9_.\-:+=/]{1,1024}$/;
/**
 * NotificationChannel's members, with the API model's patterns. Smithy patterns are not
 * implicitly anchored, so the RoleArn one, which has no anchors, matches anywhere in the value.
 */
const SNS_TOPIC_ARN = /(^arn:aws:sns:.*:\w{12}:.+$)/;
const ROLE_ARN = /arn:aws:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+/;
const ITEMS_KEY: Record<RekognitionFamily, string> = {
  LabelDetection: 'Labels',
  ContentModeration: 'ModerationLabels',
  CelebrityRecognition: 'Celebrities',
  TextDetection: 'TextDetections',
  SegmentDetection: 'Segments',
  FaceDetection: 'Faces',
  FaceSearch: 'Persons',
};
const MODEL_VERSION: Partial<Record<RekognitionFamily, Record<string, string>>> = {
  LabelDetection: { LabelModelVersion: '3.0' },
  ContentModeration: { ModerationModelVersion: '6.1' },
  TextDetection: { TextModelVersion: '3.0' },
};
// What SortBy other than TIMESTAMP orders by, per family that accepts it.
const SORT_KEY: Partial<Record<RekognitionFamily, { value: string; key: (item: Item) => string }>> = {
  LabelDetection: { value: 'NAME', key: (item) => String(item['Label']?.['Name']) },
  ContentModeration: { value: 'NAME', key: (item) => String(item['ModerationLabel']?.['Name']) },
  CelebrityRecognition: { value: 'ID', key: (item) => String(item['Celebrity']?.['Id']) },
  FaceSearch: { value: 'INDEX', key: (item) => String(item['Person']?.['Index']).padStart(6, '0') },
};

type Body = Record<string, unknown>;
type Item = Record<string, Record<string, unknown> | undefined> & { Timestamp?: number };

const invalid = (message: string) => wireError('rekognition', 'InvalidParameterException', message);

/** RekognitionService Start* and Get* for stored video, and the image APIs keyframe sampling calls; JSON 1.1. */
export async function rekognition(context: FakeAwsContext, operation: string, body: Body): Promise<unknown> {
  if (isImageOperation(operation)) return detectInImage(context, operation, body);
  if (isFaceOperation(operation)) return faceOperation(context, operation, body);
  const [, verb, family = ''] = /^(Start|Get)(\w+)$/.exec(operation) ?? [];
  if (!isRekognitionFamily(family)) throw wireError('rekognition', 'UnknownOperationException', `The fake Rekognition does not implement ${operation}.`);
  return verb === 'Start' ? start(context, operation, family, body) : get(context, family, body);
}

async function start(context: FakeAwsContext, operation: string, family: RekognitionFamily, body: Body) {
  const s3Object = (body['Video'] as { S3Object?: { Bucket?: unknown; Name?: unknown } } | undefined)?.S3Object;
  const bucket = s3Object?.Bucket;
  const key = s3Object?.Name;
  if (typeof bucket !== 'string' || typeof key !== 'string' || !bucket || !key) throw invalid('Video.S3Object.Bucket and Video.S3Object.Name are required.');
  const token = body['ClientRequestToken'];
  if (token !== undefined && (typeof token !== 'string' || !TOKEN.test(token))) throw invalid('ClientRequestToken must match ^[a-zA-Z0-9-_]{1,64}$.');
  const minConfidence = body['MinConfidence'] ?? 50;
  if (typeof minConfidence !== 'number' || minConfidence < 0 || minConfidence > 100) throw invalid('MinConfidence must be between 0 and 100.');
  if (family === 'SegmentDetection') {
    checkSegmentTypes(body['SegmentTypes']);
    segmentFilters(body);
  }
  const faceFamily = family === 'FaceDetection' || family === 'FaceSearch';
  const collection = faceFamily ? checkFaceJobRequest(context, family, body) : undefined;
  const jobTag = body['JobTag'];
  if (jobTag !== undefined && (typeof jobTag !== 'string' || !JOB_TAG.test(jobTag))) {
    // A model constraint: answered before the service looks at the request, as AWS's common ValidationException.
    throw wireError('rekognition', 'ValidationException', `1 validation error detected: Value '${typeof jobTag === 'string' ? jobTag : JSON.stringify(jobTag)}' at 'jobTag' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-:+=\\/]+`);
  }
  const channel = notificationChannel(body['NotificationChannel']);

  const idempotencyKey = token ? `${operation}:${token}` : undefined;
  if (token) context.counters.recordStartKey(token);
  const earlier = () => (idempotencyKey ? context.jobs.withKey(idempotencyKey) : undefined);
  const known = earlier();
  if (known) return repeat(known, body);
  if (!(await context.objectExists(bucket, key))) {
    throw wireError('rekognition', 'InvalidS3ObjectException', 'Unable to get object metadata from S3. Check object key, region and/or access permissions.');
  }
  // A twin request with the same token may have started the job while this one checked S3.
  const twin = earlier();
  if (twin) return repeat(twin, body);
  const limit = context.config.concurrentJobLimit.rekognition;
  const open = context.jobs.running('rekognition');
  if (open >= limit) {
    context.counters.recordError('limit', operation);
    throw wireError('rekognition', 'LimitExceededException', `${open} open Jobs for User arn:aws:iam::123456789012:user/fake Maximum limit: ${limit}`);
  }
  const job = context.jobs.create(context.config, {
    family,
    operation,
    service: 'rekognition',
    bucket,
    key,
    request: body,
    idempotencyKey,
    resultCount: context.config.resultCounts[family],
  });
  // Generated now, so a test changing the config later does not rewrite a running job's results.
  job.results = faceFamily ? faceJobResults(context, job, collection) : generateDetections({
    family,
    seedText: `${context.seed}|${job.family}|${job.bucket}/${job.key}`,
    count: job.resultCount,
    durationSeconds: job.mediaSeconds,
    minConfidence: Number(body['MinConfidence'] ?? 50),
    segmentTypes: (body['SegmentTypes'] as string[] | undefined) ?? [],
    ...(family === 'SegmentDetection' ? { segments: { ...segmentFilters(body), scriptedCues: context.config.technicalCues?.(job) } } : {}),
  });
  context.counters.recordJob(job);
  // Only a job started with a channel publishes its end; without one, Get* is the only way to learn it.
  if (channel) {
    const tag = typeof jobTag === 'string' ? jobTag : undefined;
    context.notifications.schedule(job, 'sns', (messageId) =>
      snsEnvelopeBody(
        { jobId: job.id, status: job.outcome === 'fail' ? 'FAILED' : 'SUCCEEDED', api: operation, jobTag: tag, endedAt: job.startedAt + job.durationMs, bucket, key },
        channel.SNSTopicArn,
        messageId,
        context.publisher,
      ),
    );
  }
  return { JobId: job.id };
}

/** The optional channel; once given, both members are required and must match the model's patterns. */
function notificationChannel(value: unknown): { SNSTopicArn: string; RoleArn: string } | undefined {
  if (value === undefined) return undefined;
  const channel = (value ?? {}) as Record<string, unknown>;
  const topic = channel['SNSTopicArn'];
  const role = channel['RoleArn'];
  if (typeof topic !== 'string' || typeof role !== 'string') throw invalid('NotificationChannel requires both SNSTopicArn and RoleArn.');
  if (!SNS_TOPIC_ARN.test(topic)) throw invalid(`NotificationChannel.SNSTopicArn ${topic} does not match (^arn:aws:sns:.*:\\w{12}:.+$).`);
  if (!ROLE_ARN.test(role)) throw invalid(`NotificationChannel.RoleArn ${role} does not match arn:aws:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+.`);
  return { SNSTopicArn: topic, RoleArn: role };
}

/** The same token returns the same job, unless the rest of the request changed. */
function repeat(job: FakeJob, body: Body) {
  const { ClientRequestToken: token, ...now } = body;
  const { ClientRequestToken: _first, ...then } = job.request;
  if (stableJson(now) !== stableJson(then)) {
    throw wireError('rekognition', 'IdempotentParameterMismatchException', `The ClientRequestToken: ${String(token)} you have supplied is already in use.`);
  }
  return { JobId: job.id };
}

function checkSegmentTypes(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0 || !value.every((t) => t === 'SHOT' || t === 'TECHNICAL_CUE')) {
    throw invalid('SegmentTypes must list SHOT and/or TECHNICAL_CUE.');
  }
}

/**
 * The confidence floors of StartSegmentDetection's Filters (50 unless given, which the API
 * reference also makes the least allowed), refusing values out of the documented ranges.
 */
function segmentFilters(body: Body): Omit<SegmentRequest, 'scriptedCues'> {
  const filters = (body['Filters'] ?? {}) as { TechnicalCueFilter?: Record<string, unknown>; ShotFilter?: Record<string, unknown> };
  const floor = (value: unknown, name: string): number => {
    if (value === undefined) return 50;
    if (typeof value !== 'number' || value < 50 || value > 100) throw invalid(`${name}.MinSegmentConfidence must be between 50 and 100.`);
    return value;
  };
  const black = (filters.TechnicalCueFilter?.['BlackFrame'] ?? {}) as Record<string, unknown>;
  const within = (value: unknown, max: number) => value === undefined || (typeof value === 'number' && value >= 0 && value <= max);
  if (!within(black['MaxPixelThreshold'], 1) || !within(black['MinCoveragePercentage'], 100)) {
    throw invalid('BlackFrame.MaxPixelThreshold must be between 0 and 1 and MinCoveragePercentage between 0 and 100.');
  }
  return {
    shotMinConfidence: floor(filters.ShotFilter?.['MinSegmentConfidence'], 'ShotFilter'),
    cueMinConfidence: floor(filters.TechnicalCueFilter?.['MinSegmentConfidence'], 'TechnicalCueFilter'),
  };
}

function get(context: FakeAwsContext, family: RekognitionFamily, body: Body) {
  const jobId = body['JobId'];
  if (typeof jobId !== 'string' || !TOKEN.test(jobId)) throw invalid('JobId must match ^[a-zA-Z0-9-_]{1,64}$.');
  const job = context.jobs.get(jobId);
  if (!job || job.family !== family) throw wireError('rekognition', 'ResourceNotFoundException', `The job ${jobId} was not found.`);
  const maxResults = body['MaxResults'] ?? PAGE_MAX;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1) throw invalid('MaxResults must be an integer of at least 1.');
  if (body['AggregateBy'] === 'SEGMENTS') throw invalid('The fake Rekognition does not model AggregateBy SEGMENTS.');

  const head = { JobId: job.id, Video: { S3Object: { Bucket: job.bucket, Name: job.key } }, ...(job.request['JobTag'] ? { JobTag: job.request['JobTag'] } : {}) };
  const status = jobStatus(job);
  if (status === 'IN_PROGRESS') return { JobStatus: status, ...head };
  if (status === 'FAILED') return { JobStatus: status, StatusMessage: 'Unsupported codec or corrupt video stream.', ...head };

  const items = ordered(family, (job.results ?? []) as Item[], body['SortBy']);
  const offset = pageOffset(body['NextToken'], job, items.length);
  const end = offset + Math.min(PAGE_MAX, maxResults);
  const metadata = videoMetadata(job.mediaSeconds);
  return {
    JobStatus: status,
    ...head,
    ...(family === 'SegmentDetection'
      ? {
          VideoMetadata: [metadata],
          AudioMetadata: [audioMetadata(job.mediaSeconds)],
          SelectedSegmentTypes: (job.request['SegmentTypes'] as string[]).map((Type) => ({ Type, ModelVersion: Type === 'SHOT' ? '1.0' : '2.0' })),
        }
      : { VideoMetadata: metadata }),
    ...MODEL_VERSION[family],
    ...(family === 'LabelDetection' || family === 'ContentModeration'
      ? { GetRequestMetadata: { SortBy: body['SortBy'] ?? 'TIMESTAMP', AggregateBy: body['AggregateBy'] ?? 'TIMESTAMPS' } }
      : {}),
    [ITEMS_KEY[family]]: items.slice(offset, end),
    // The last page has no NextToken at all.
    ...(end < items.length ? { NextToken: Buffer.from(JSON.stringify({ job: job.id, offset: end })).toString('base64') } : {}),
  };
}

function ordered(family: RekognitionFamily, items: Item[], sortBy: unknown): Item[] {
  const sort = SORT_KEY[family];
  if (sortBy === undefined || sortBy === 'TIMESTAMP') return items;
  if (!sort || sortBy !== sort.value) throw invalid(`SortBy ${JSON.stringify(sortBy)} is not valid here.`);
  return [...items].sort((a, b) => sort.key(a).localeCompare(sort.key(b)) || (a.Timestamp ?? 0) - (b.Timestamp ?? 0));
}

function pageOffset(token: unknown, job: FakeJob, total: number): number {
  if (token === undefined) return 0;
  try {
    if (typeof token !== 'string') throw new TypeError('NextToken is not a string');
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { job?: string; offset?: number };
    if (parsed.job === job.id && Number.isInteger(parsed.offset) && (parsed.offset as number) >= 0 && (parsed.offset as number) < total) return parsed.offset as number;
  } catch {
    // answered below
  }
  throw wireError('rekognition', 'InvalidPaginationTokenException', 'Invalid Pagination Token');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
