import { createHash } from 'node:crypto';
import { matchesJob, type FakeAwsConfig, type JobInfo } from './config';
import type { JobService } from './services';

export type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface FakeJob extends JobInfo {
  id: string;
  service: JobService;
  /** ClientRequestToken or TranscriptionJobName, scoped to the operation. */
  idempotencyKey?: string;
  startedAt: number;
  durationMs: number;
  outcome: 'succeed' | 'fail' | 'stuck';
  /** Read once at start, so a test changing the config later does not rewrite a running job. */
  mediaSeconds: number;
  resultCount: number;
  /** Generated results, kept so every page of a job comes from one list. */
  results?: unknown[];
  /** Transcribe's output files, written once. */
  delivery?: Promise<void>;
}

/** The lifecycle in wall-clock time: IN_PROGRESS for the job's duration, then its outcome. */
export function jobStatus(job: FakeJob, now = Date.now()): JobStatus {
  if (job.outcome === 'stuck' || now < job.startedAt + job.durationMs) return 'IN_PROGRESS';
  return job.outcome === 'fail' ? 'FAILED' : 'SUCCEEDED';
}

/** All jobs the fake started, by id and by idempotency key. */
export class JobStore {
  private readonly byId = new Map<string, FakeJob>();
  private readonly byKey = new Map<string, FakeJob>();
  private sequence = 0;

  constructor(private readonly seed: number) {}

  /** A fresh job from a Start* request, its outcome decided by the current config. */
  create(config: FakeAwsConfig, info: JobInfo & { service: JobService; id?: string; idempotencyKey?: string; resultCount?: number }): FakeJob {
    this.sequence += 1;
    const job: FakeJob = {
      ...info,
      // Rekognition job ids are 64 hex characters; derived from the seed so a run repeats.
      id: info.id ?? createHash('sha256').update(`${this.seed}:${this.sequence}:${info.operation}`).digest('hex'),
      startedAt: Date.now(),
      durationMs: config.jobDurationMs[info.family],
      outcome: matchesJob(config.stuckJobs, info) ? 'stuck' : matchesJob(config.failJobs, info) ? 'fail' : 'succeed',
      mediaSeconds: config.mediaDurationSeconds(info.bucket, info.key),
      resultCount: info.resultCount ?? 0,
    };
    this.byId.set(job.id, job);
    if (job.idempotencyKey) this.byKey.set(job.idempotencyKey, job);
    return job;
  }

  get(id: string): FakeJob | undefined {
    return this.byId.get(id);
  }

  /** Forgets a deleted job: its id and its idempotency key are free again. */
  remove(job: FakeJob): void {
    this.byId.delete(job.id);
    if (job.idempotencyKey) this.byKey.delete(job.idempotencyKey);
  }

  withKey(key: string): FakeJob | undefined {
    return this.byKey.get(key);
  }

  running(service: JobService, now = Date.now()): number {
    let count = 0;
    for (const job of this.byId.values()) if (job.service === service && jobStatus(job, now) === 'IN_PROGRESS') count += 1;
    return count;
  }

  all(): IterableIterator<FakeJob> {
    return this.byId.values();
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
    this.sequence = 0;
  }
}
