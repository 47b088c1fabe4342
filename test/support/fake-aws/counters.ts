import type { ConverseRequest } from './bedrock-converse';
import type { FakeJob, JobStore } from './jobs';
import type { JobService } from './services';

/** Why the fake answered with an error: injected by config, a quota it enforces, or a bad model answer. */
export type ErrorKind = 'throttling' | 'server' | 'scripted' | 'limit' | 'malformed';

export interface RecordedConverse extends ConverseRequest {
  /** Decoded from the request path. */
  modelId: string;
}

/**
 * What the fake saw, shaped for assertions such as "exactly one StartLabelDetection per media":
 * `starts(op)` counts requests, `jobsStarted(op)` distinct jobs, `startsFor(token)` one key's requests,
 * `deletesFor(name)` one job's delete requests and `jobsDeleted(service)` the jobs deletes removed.
 */
export class FakeAwsCounters {
  private readonly attemptsByOperation = new Map<string, number>();
  private readonly callsByOperation = new Map<string, number>();
  private readonly jobsByOperation = new Map<string, number>();
  private readonly startsByKey = new Map<string, number>();
  private readonly deletesByName = new Map<string, number>();
  private readonly deletedByService = new Map<JobService, number>();
  private readonly errors = new Map<string, number>();
  private readonly peaks = new Map<JobService, number>();
  readonly converse = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    get totalTokens(): number {
      return this.inputTokens + this.outputTokens;
    },
    /** Every Converse request the model answered, for tests that inspect the prompts. */
    requests: [] as RecordedConverse[],
  };

  constructor(private readonly jobs: JobStore) {}

  /** Every request of an operation that arrived, including those answered with an injected fault. */
  attempts(operation: string): number {
    return this.attemptsByOperation.get(operation) ?? 0;
  }

  /** Requests of an operation the service handled (injected faults excluded, its own errors included). */
  calls(operation: string): number {
    return this.callsByOperation.get(operation) ?? 0;
  }

  /** Start* requests handled, idempotent repeats included; all Start* operations without an argument. */
  starts(operation?: string): number {
    if (operation) return this.calls(operation);
    return sum([...this.callsByOperation].filter(([name]) => name.startsWith('Start')).map(([, n]) => n));
  }

  /** Distinct jobs an operation started (all operations without an argument). */
  jobsStarted(operation?: string): number {
    if (operation) return this.jobsByOperation.get(operation) ?? 0;
    return sum([...this.jobsByOperation.values()]);
  }

  /** Start* requests that carried this ClientRequestToken or TranscriptionJobName. */
  startsFor(idempotencyKey: string): number {
    return this.startsByKey.get(idempotencyKey) ?? 0;
  }

  /** Delete* requests the service handled for this job name, refused ones included. */
  deletesFor(jobName: string): number {
    return this.deletesByName.get(jobName) ?? 0;
  }

  /** Jobs a Delete* request removed. */
  jobsDeleted(service: JobService): number {
    return this.deletedByService.get(service) ?? 0;
  }

  runningJobs(service: JobService): number {
    return this.jobs.running(service);
  }

  /** The most jobs of the service that were IN_PROGRESS at once. */
  peakConcurrentJobs(service: JobService): number {
    return this.peaks.get(service) ?? 0;
  }

  /** Errors of a kind, for one operation or all. */
  injectedErrors(kind: ErrorKind, operation?: string): number {
    return this.errors.get(operation ? `${kind}:${operation}` : kind) ?? 0;
  }

  /** Handled calls per operation, for a `toEqual` over the whole conversation. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.callsByOperation].sort(([a], [b]) => a.localeCompare(b)));
  }

  // Recording, used by the fake itself.

  recordAttempt(operation: string): void {
    increment(this.attemptsByOperation, operation);
  }

  recordCall(operation: string): void {
    increment(this.callsByOperation, operation);
  }

  recordStartKey(idempotencyKey: string): void {
    increment(this.startsByKey, idempotencyKey);
  }

  recordDeleteKey(jobName: string): void {
    increment(this.deletesByName, jobName);
  }

  recordDeletedJob(job: FakeJob): void {
    increment(this.deletedByService, job.service);
  }

  recordJob(job: FakeJob): void {
    increment(this.jobsByOperation, job.operation);
    // Concurrency only rises when a job starts, so the peak is only checked then.
    this.peaks.set(job.service, Math.max(this.peakConcurrentJobs(job.service), this.jobs.running(job.service)));
  }

  recordError(kind: ErrorKind, operation: string): void {
    increment(this.errors, kind);
    increment(this.errors, `${kind}:${operation}`);
  }
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
