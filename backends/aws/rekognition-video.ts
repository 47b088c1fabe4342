import {
  GetCelebrityRecognitionCommand,
  GetContentModerationCommand,
  GetFaceDetectionCommand,
  GetFaceSearchCommand,
  GetLabelDetectionCommand,
  GetSegmentDetectionCommand,
  GetTextDetectionCommand,
  paginateGetCelebrityRecognition,
  paginateGetContentModeration,
  paginateGetFaceDetection,
  paginateGetFaceSearch,
  paginateGetLabelDetection,
  paginateGetSegmentDetection,
  paginateGetTextDetection,
  StartCelebrityRecognitionCommand,
  StartContentModerationCommand,
  StartFaceDetectionCommand,
  StartFaceSearchCommand,
  StartLabelDetectionCommand,
  StartSegmentDetectionCommand,
  StartTextDetectionCommand,
  type CelebrityRecognition,
  type ContentModerationDetection,
  type FaceDetection,
  type PersonMatch,
  type LabelDetection,
  type RekognitionClient,
  type SegmentDetection,
  type TextDetectionResult,
  type Video,
  type VideoJobStatus,
  type VideoMetadata,
} from '@aws-sdk/client-rekognition';
import type { RekognitionFeature } from '../../cost/price-table';
import { AnalysisJobFailedError } from './analysis-job-errors';
import type { JobState } from './job-poller';

/** Rekognition's largest page: fewer Get calls against its per-account TPS quota. */
const PAGE_SIZE = 1000;

export interface VideoJobRequest {
  bucket: string;
  key: string;
  versionId?: string;
  /** Idempotency: the same token returns the same job instead of starting another. */
  clientRequestToken: string;
  /** Shows up in job notifications and the console; the media id. */
  jobTag: string;
  /** Percent, 0..100: detections below it are not returned (labels and moderation). */
  minConfidence: number;
  /** FaceSearch only: the tenant's collection, and the similarity (percent) a match must reach. */
  faceSearch?: { collectionId: string; faceMatchThreshold: number };
  /** Where Rekognition publishes the job's end, and the role it publishes with. */
  notificationChannel?: { topicArn: string; roleArn: string };
}

/** Everything one finished job found, all pages joined. */
export interface VideoJobResults<Item> {
  items: Item[];
  videoMetadata?: VideoMetadata;
  modelVersion?: string;
  pages: number;
}

/** One Get* page of a finished job, in the same shape for every feature. */
export interface VideoJobPage<Item> {
  items: Item[];
  videoMetadata?: VideoMetadata;
  modelVersion?: string;
}

export interface FeatureItems {
  LabelDetection: LabelDetection;
  ContentModeration: ContentModerationDetection;
  CelebrityRecognition: CelebrityRecognition;
  TextDetection: TextDetectionResult;
  SegmentDetection: SegmentDetection;
  FaceDetection: FaceDetection;
  FaceSearch: PersonMatch;
}

interface StatusPage {
  JobStatus?: VideoJobStatus;
  StatusMessage?: string;
  JobTag?: string;
}

/**
 * The feature a job notification's API names: `StartFaceSearch` or, as Rekognition's guide
 * shows it, `FACE_SEARCH`, both `FaceSearch`.
 */
export function featureOfNotifiedApi(api: string): string {
  const bare = api.replace(/^Start/, '');
  if (!/^[A-Z_]+$/.test(bare)) return bare;
  return bare.toLowerCase().replace(/(?:^|_)([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Starts a stored-video job for one feature; returns the job id. */
export async function startVideoJob(
  client: RekognitionClient,
  feature: RekognitionFeature,
  request: VideoJobRequest,
  signal: AbortSignal,
): Promise<string> {
  const video: Video = { S3Object: { Bucket: request.bucket, Name: request.key, Version: request.versionId } };
  const channel = request.notificationChannel;
  const common = {
    Video: video,
    ClientRequestToken: request.clientRequestToken,
    JobTag: request.jobTag,
    ...(channel ? { NotificationChannel: { SNSTopicArn: channel.topicArn, RoleArn: channel.roleArn } } : {}),
  };
  const options = { abortSignal: signal };
  const started = await (() => {
    switch (feature) {
      case 'LabelDetection':
        return client.send(new StartLabelDetectionCommand({ ...common, MinConfidence: request.minConfidence }), options);
      case 'ContentModeration':
        return client.send(new StartContentModerationCommand({ ...common, MinConfidence: request.minConfidence }), options);
      case 'CelebrityRecognition':
        return client.send(new StartCelebrityRecognitionCommand(common), options);
      case 'TextDetection':
        return client.send(new StartTextDetectionCommand(common), options);
      case 'SegmentDetection':
        return client.send(new StartSegmentDetectionCommand({ ...common, SegmentTypes: ['SHOT', 'TECHNICAL_CUE'] }), options);
      case 'FaceDetection':
        return client.send(new StartFaceDetectionCommand({ ...common, FaceAttributes: 'DEFAULT' }), options);
      case 'FaceSearch': {
        if (!request.faceSearch) throw new Error('StartFaceSearch needs a collection and a match threshold');
        const { collectionId, faceMatchThreshold } = request.faceSearch;
        return client.send(new StartFaceSearchCommand({ ...common, CollectionId: collectionId, FaceMatchThreshold: faceMatchThreshold }), options);
      }
    }
  })();
  if (!started.JobId) throw new Error(`Start${feature} returned no JobId`);
  return started.JobId;
}

/**
 * The job's state, read with the smallest page Rekognition allows. With `expectedTag`, a job
 * that carries another tag (a notification named a job this analysis did not start) is refused.
 */
export async function videoJobState(
  client: RekognitionClient,
  feature: RekognitionFeature,
  jobId: string,
  signal: AbortSignal,
  expectedTag?: string,
): Promise<JobState> {
  const input = { JobId: jobId, MaxResults: 1 };
  const options = { abortSignal: signal };
  const page: StatusPage = await (() => {
    switch (feature) {
      case 'LabelDetection':
        return client.send(new GetLabelDetectionCommand(input), options);
      case 'ContentModeration':
        return client.send(new GetContentModerationCommand(input), options);
      case 'CelebrityRecognition':
        return client.send(new GetCelebrityRecognitionCommand(input), options);
      case 'TextDetection':
        return client.send(new GetTextDetectionCommand(input), options);
      case 'SegmentDetection':
        return client.send(new GetSegmentDetectionCommand(input), options);
      case 'FaceDetection':
        return client.send(new GetFaceDetectionCommand(input), options);
      case 'FaceSearch':
        return client.send(new GetFaceSearchCommand(input), options);
    }
  })();
  if (expectedTag !== undefined && page.JobTag !== expectedTag) {
    throw new AnalysisJobFailedError(`rekognition ${feature}`, jobId, 'the notification named a job this analysis did not start');
  }
  if (page.JobStatus === 'SUCCEEDED') return { state: 'succeeded' };
  if (page.JobStatus === 'FAILED') return { state: 'failed', message: page.StatusMessage ?? '' };
  return { state: 'running' };
}

/**
 * The pages of a finished job, one Get* call each, following NextToken to the last page:
 * the caller writes each page away before the next is fetched, so a job's results never
 * need to fit in memory. Checks the signal between pages so a cancelled activity stops reading.
 */
export async function* videoJobPages<F extends RekognitionFeature>(
  client: RekognitionClient,
  feature: F,
  jobId: string,
  signal: AbortSignal,
): AsyncGenerator<VideoJobPage<FeatureItems[F]>> {
  const config = { client, pageSize: PAGE_SIZE };
  const pages = (() => {
    switch (feature) {
      case 'LabelDetection':
        return mapPages(paginateGetLabelDetection(config, { JobId: jobId, SortBy: 'TIMESTAMP' }), (p) => ({ items: p.Labels, version: p.LabelModelVersion, videoMetadata: p.VideoMetadata }));
      case 'ContentModeration':
        return mapPages(paginateGetContentModeration(config, { JobId: jobId, SortBy: 'TIMESTAMP' }), (p) => ({ items: p.ModerationLabels, version: p.ModerationModelVersion, videoMetadata: p.VideoMetadata }));
      case 'CelebrityRecognition':
        return mapPages(paginateGetCelebrityRecognition(config, { JobId: jobId, SortBy: 'TIMESTAMP' }), (p) => ({ items: p.Celebrities, videoMetadata: p.VideoMetadata }));
      case 'TextDetection':
        return mapPages(paginateGetTextDetection(config, { JobId: jobId }), (p) => ({ items: p.TextDetections, version: p.TextModelVersion, videoMetadata: p.VideoMetadata }));
      case 'SegmentDetection':
        return mapPages(paginateGetSegmentDetection(config, { JobId: jobId }), (p) => ({ items: p.Segments, videoMetadata: p.VideoMetadata?.[0] }));
      case 'FaceDetection':
        return mapPages(paginateGetFaceDetection(config, { JobId: jobId }), (p) => ({ items: p.Faces, videoMetadata: p.VideoMetadata }));
      case 'FaceSearch':
        return mapPages(paginateGetFaceSearch(config, { JobId: jobId, SortBy: 'TIMESTAMP' }), (p) => ({ items: p.Persons, videoMetadata: p.VideoMetadata }));
      default:
        throw new Error(`unknown Rekognition feature ${String(feature)}`);
    }
  })();
  for await (const page of pages) {
    signal.throwIfAborted();
    yield { items: (page.items ?? []) as FeatureItems[F][], videoMetadata: page.videoMetadata, modelVersion: page.version };
  }
}

/**
 * Every page of a finished job joined in memory. For tests and small jobs only: the aws
 * backend writes pages as they arrive (rekognition-results-writer) instead.
 */
export async function collectVideoJobResults<F extends RekognitionFeature>(
  client: RekognitionClient,
  feature: F,
  jobId: string,
  signal: AbortSignal,
): Promise<VideoJobResults<FeatureItems[F]>> {
  const results: VideoJobResults<FeatureItems[F]> = { items: [], pages: 0 };
  for await (const page of videoJobPages(client, feature, jobId, signal)) {
    results.pages += 1;
    results.items.push(...page.items);
    results.videoMetadata ??= page.videoMetadata;
    results.modelVersion ??= page.modelVersion;
  }
  return results;
}

interface NormalizedPage {
  items?: unknown[];
  version?: string;
  videoMetadata?: VideoMetadata;
}

async function* mapPages<P>(pages: AsyncIterable<P>, normalize: (page: P) => NormalizedPage): AsyncGenerator<NormalizedPage> {
  for await (const page of pages) yield normalize(page);
}
