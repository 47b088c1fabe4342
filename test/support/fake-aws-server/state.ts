/** Shared state of the fake AWS: configuration, counters and the jobs it runs. */

export type JobFamily =
  | 'LabelDetection'
  | 'ContentModeration'
  | 'CelebrityRecognition'
  | 'TextDetection'
  | 'SegmentDetection'
  | 'Transcription';
export type FakeService = 'rekognition' | 'transcribe' | 'bedrock';
export type InjectedError = 'throttling' | 'server' | 'limit';

export interface ConverseRequestBody {
  messages?: { role: string; content: Record<string, unknown>[] }[];
  system?: { text?: string }[];
  inferenceConfig?: Record<string, unknown>;
  toolConfig?: { tools?: { toolSpec?: { name: string; inputSchema?: { json?: unknown } } }[]; toolChoice?: unknown };
}

export interface FakeAwsConfig {
  /** How long a job stays IN_PROGRESS. */
  jobDurationMs: Record<JobFamily, number>;
  /** Service quotas on concurrent jobs; one more Start* gets LimitExceededException. */
  concurrentJobLimit: { rekognition: number; transcribe: number };
  mediaDurationSeconds: (bucket: string, key: string) => number;
  /** Detections each Rekognition job produces (set it above 1000 to force pagination). */
  resultCount: number;
  /** Sentences the fake Transcribe hears; speakers alternate per sentence. */
  transcriptScript: string[];
  /** Share of requests (0..1) answered with the service's throttling error. */
  throttleRate: number;
  /** Share of requests (0..1) answered with a 5xx. */
  serverErrorRate: number;
  /** Families whose jobs end FAILED. */
  failJobs: Set<JobFamily>;
  /** Families whose jobs never leave IN_PROGRESS. */
  stuckJobs: Set<JobFamily>;
  /** The next N Converse answers are malformed (alternately: broken JSON text, schema-violating tool input). */
  malformedModelResponses: number;
  /** The model's tool input; by default a value generated from the tool's JSON schema. */
  modelResponder?: (request: ConverseRequestBody) => unknown;
}

export function defaultConfig(): FakeAwsConfig {
  return {
    jobDurationMs: {
      LabelDetection: 300,
      ContentModeration: 300,
      CelebrityRecognition: 300,
      TextDetection: 300,
      SegmentDetection: 300,
      Transcription: 300,
    },
    concurrentJobLimit: { rekognition: 20, transcribe: 100 },
    mediaDurationSeconds: () => 30,
    resultCount: 12,
    transcriptScript: [
      'Welcome back to the show.',
      'Today we look at how durable workflows replace state machines.',
      'That sounds like a lot of polling.',
      'It is one activity per job, and the history stays small.',
    ],
    throttleRate: 0,
    serverErrorRate: 0,
    failJobs: new Set(),
    stuckJobs: new Set(),
    malformedModelResponses: 0,
  };
}

export interface FakeJob {
  id: string;
  family: JobFamily;
  service: 'rekognition' | 'transcribe';
  startOperation: string;
  startedAt: number;
  durationMs: number;
  outcome: 'succeed' | 'fail' | 'stuck';
  bucket: string;
  key: string;
  request: Record<string, unknown>;
  /** Set once the job's output exists (Transcribe writes files to S3 once). */
  delivered?: boolean;
}

export function jobState(job: FakeJob, now = Date.now()): 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' {
  if (job.outcome === 'stuck' || now < job.startedAt + job.durationMs) return 'IN_PROGRESS';
  return job.outcome === 'fail' ? 'FAILED' : 'SUCCEEDED';
}

/** What the fake saw: for assertions such as "exactly one StartLabelDetection". */
export class FakeAwsCounters {
  private readonly callsByOperation = new Map<string, number>();
  private readonly jobsByOperation = new Map<string, number>();
  private readonly errors = new Map<InjectedError, number>();
  private readonly peak = new Map<string, number>();
  readonly converse = { calls: 0, inputTokens: 0, outputTokens: 0, requests: [] as ConverseRequestBody[] };
  /** Every Rekognition and Transcribe request body that reached a handler, in order. */
  readonly requests: { operation: string; body: Record<string, unknown> }[] = [];

  constructor(private readonly jobs: () => Iterable<FakeJob>) {}

  call(operation: string): void {
    this.callsByOperation.set(operation, this.calls(operation) + 1);
  }

  calls(operation: string): number {
    return this.callsByOperation.get(operation) ?? 0;
  }

  /** Start* requests that reached the handler (idempotent repeats included, injected errors not). */
  starts(operation: string): number {
    return this.calls(operation);
  }

  /** Distinct jobs a Start* operation created. */
  jobsStarted(operation: string): number {
    return this.jobsByOperation.get(operation) ?? 0;
  }

  jobCreated(job: FakeJob): void {
    this.jobsByOperation.set(job.startOperation, this.jobsStarted(job.startOperation) + 1);
    this.peak.set(job.service, Math.max(this.peakConcurrentJobs(job.service), this.runningJobs(job.service)));
  }

  runningJobs(service: 'rekognition' | 'transcribe'): number {
    let running = 0;
    for (const job of this.jobs()) if (job.service === service && jobState(job) === 'IN_PROGRESS') running += 1;
    return running;
  }

  peakConcurrentJobs(service: 'rekognition' | 'transcribe'): number {
    return this.peak.get(service) ?? 0;
  }

  injected(kind: InjectedError): void {
    this.errors.set(kind, this.injectedErrors(kind) + 1);
  }

  injectedErrors(kind: InjectedError): number {
    return this.errors.get(kind) ?? 0;
  }
}

/** An error the fake answers with, in the service's own wire form. */
export class AwsWireError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** mulberry32: a tiny seeded generator, so faults and generated results repeat run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable number from a string, to seed each job's generated results. */
export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
