import type { ConverseRequest } from './bedrock-converse';
import type { ScriptedCue } from './rekognition-results';
import type { FakeService, JobFamily, JobService, RekognitionFamily } from './services';

/** What a Start* asked for, for predicates that pick which jobs fail or hang. */
export interface JobInfo {
  family: JobFamily;
  operation: string;
  bucket: string;
  key: string;
  request: Record<string, unknown>;
}

/** A face the fake sees on an image; `person` is its identity, which searches match by. */
export interface ScriptedFace {
  person?: string;
  /** Percent; generated when absent. */
  confidence?: number;
}

/** Someone the fake sees in a video over [start, end] seconds. */
export interface ScriptedVideoFace {
  person: string;
  start: number;
  end: number;
}

/** Families, or a predicate over the started job. */
export type JobMatcher = ReadonlySet<JobFamily> | ((job: JobInfo) => boolean);

/** One value for every service, or values per service (missing ones mean 0). */
export type PerService<T> = T | Partial<Record<FakeService, T>>;

export interface FakeAwsConfig {
  /** How long a job stays IN_PROGRESS, read when the job starts. */
  jobDurationMs: Record<JobFamily, number>;
  /** The first part of a transcription job's duration it spends QUEUED before IN_PROGRESS. */
  transcriptionQueuedMs: number;
  /** Service quotas on concurrent jobs: one more Start* gets LimitExceededException. */
  concurrentJobLimit: Record<JobService, number>;
  /** Spreads generated timestamps and sizes VideoMetadata; read when the job starts. */
  mediaDurationSeconds: (bucket: string, key: string) => number;
  /** EventBridge buses that exist (names); PutEvents to any other is refused per entry. */
  eventBuses: string[];
  /** Items each Rekognition job returns; above 1000 forces pagination. */
  resultCounts: Record<RekognitionFamily, number>;
  /**
   * The technical cues a segment detection job asking for TECHNICAL_CUE finds, read when the
   * job starts; shots fill the rest of its result count. By default one BlackFrames cue over the
   * last second beside shots, or every cue type in turn when the job asked for cues alone.
   */
  technicalCues?: (job: JobInfo) => ScriptedCue[];
  /**
   * The faces on an image, by the sha256 (hex) of its bytes, largest first; undefined leaves the
   * image to the default rule (0, 1 or 2 strangers from the hash). See faces.ts.
   */
  imageFaces?: (sha256: string) => ScriptedFace[] | undefined;
  /** Who a face detection or face search job sees, read when the job starts; undefined: two strangers. */
  videoFaces?: (job: JobInfo) => ScriptedVideoFace[] | undefined;
  /** Sentences the fake Transcribe hears, spread over the media; speakers alternate per sentence. */
  transcriptScript: string[];
  /**
   * Share of requests (0..1) answered with the service's throttling error: the error each
   * service sends when a caller exceeds its request rate (see THROTTLING_CODE).
   */
  throttleRate: PerService<number>;
  /** Share of requests (0..1) answered with the service's 5xx. */
  serverErrorRate: PerService<number>;
  /**
   * Scripted failures: the next requests of an operation (key 'StartLabelDetection', 'Converse')
   * or of a service (key 'bedrock') fail with these error codes, one per request, in order.
   */
  nextErrors: Record<string, string[]>;
  /** Jobs that end FAILED with a StatusMessage / FailureReason. */
  failJobs: JobMatcher;
  /** Jobs that never leave IN_PROGRESS. */
  stuckJobs: JobMatcher;
  /**
   * DeleteTranscriptionJob refuses a QUEUED or IN_PROGRESS job with BadRequestException, which
   * the API reference allows; by default it deletes the job whatever its state.
   */
  refuseRunningTranscriptionDeletes: boolean;
  /** The next N Converse answers are malformed: broken JSON text, then a tool input missing required fields, alternately. */
  malformedModelResponses: number;
  /** The model's tool input (or text, without tools); by default a value generated from the tool's JSON Schema. */
  modelResponder?: (request: ConverseRequest) => unknown;
  /**
   * Where job-end notifications go: each one is POSTed there as the SQS message body a Lambda
   * would receive (an SNS envelope for Rekognition, an EventBridge event for Transcribe). Read
   * at each delivery; unset, notifications are still published and logged, but delivered nowhere.
   */
  notificationUrl?: string;
  /** Jobs whose notification is published but never delivered (SNS and EventBridge are best effort). Read when the job starts. */
  lostNotifications: JobMatcher;
  /** Jobs whose notification is delivered twice (SQS delivers at least once). Read when the job starts. */
  duplicatedNotifications: JobMatcher;
  /** How long after the job's end its notification is delivered. Read when the job starts. */
  notificationDelayMs: (job: JobInfo) => number;
  /**
   * Seeded random faults per notification, each a share (0..1): lost, delivered twice, or held
   * back by an extra 250 to 1000 ms so notifications published after it overtake it. Read when the job starts.
   */
  notificationFaultRates: NotificationFaultRates;
  /** A refused delivery (non-2xx, connection error) is tried `retries` more times, `backoffMs` doubling, then dead-lettered. */
  notificationRedelivery: { retries: number; backoffMs: number };
}

export interface NotificationFaultRates {
  lose?: number;
  duplicate?: number;
  reorder?: number;
}

export function defaultConfig(): FakeAwsConfig {
  return {
    jobDurationMs: {
      LabelDetection: 300,
      ContentModeration: 300,
      CelebrityRecognition: 300,
      TextDetection: 300,
      SegmentDetection: 300,
      FaceDetection: 300,
      FaceSearch: 300,
      Transcription: 300,
    },
    transcriptionQueuedMs: 50,
    // The default quotas of both services.
    concurrentJobLimit: { rekognition: 20, transcribe: 100 },
    mediaDurationSeconds: () => 30,
    eventBuses: ['default', 'reelscope'],
    resultCounts: { LabelDetection: 12, ContentModeration: 12, CelebrityRecognition: 12, TextDetection: 12, SegmentDetection: 12, FaceDetection: 12, FaceSearch: 12 },
    transcriptScript: [
      'Welcome back to the show.',
      'Today we look at how durable workflows replace state machines.',
      'That sounds like a lot of polling.',
      'It is one activity per job, and the history stays small.',
    ],
    throttleRate: 0,
    serverErrorRate: 0,
    nextErrors: {},
    failJobs: new Set(),
    stuckJobs: new Set(),
    refuseRunningTranscriptionDeletes: false,
    malformedModelResponses: 0,
    lostNotifications: new Set(),
    duplicatedNotifications: new Set(),
    notificationDelayMs: () => 0,
    notificationFaultRates: {},
    // Three more tries, 200 ms doubling: a queue redelivering after its visibility timeout, shortened for tests.
    notificationRedelivery: { retries: 3, backoffMs: 200 },
  };
}

export function matchesJob(matcher: JobMatcher, job: JobInfo): boolean {
  return typeof matcher === 'function' ? matcher(job) : matcher.has(job.family);
}

export function rateFor(rate: PerService<number>, service: FakeService): number {
  return typeof rate === 'number' ? rate : (rate[service] ?? 0);
}
