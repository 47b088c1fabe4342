import { setTimeout } from 'node:timers/promises';
import { AnalysisJobFailedError, AnalysisJobTimedOutError } from './analysis-job-errors';
import { isTransientAwsError } from './aws-errors';

/** What is kept in heartbeat details, so a retried or restarted attempt re-attaches to the job. */
export interface JobCheckpoint {
  jobId: string;
  /** Epoch ms when the job was started: the deadline counts from here, across attempts. */
  startedAt: number;
  polls: number;
}

export type JobState =
  | { state: 'running'; progressPercent?: number }
  | { state: 'succeeded' }
  | { state: 'failed'; message: string };

export interface PollSchedule {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface JobPollOptions {
  service: string;
  /** Starts the job idempotently (same token, same job) and returns its id. */
  start: () => Promise<string>;
  check: (jobId: string) => Promise<JobState>;
  /** The previous attempt's last heartbeat details, if any. */
  resumeFrom?: unknown;
  /** Records the checkpoint with Temporal; called on every poll. */
  heartbeat: (checkpoint: JobCheckpoint) => void;
  signal: AbortSignal;
  /** How long the job may stay in progress, from its start. */
  deadlineMs: number;
  schedule: PollSchedule;
  now?: () => number;
  onTransientError?: (err: unknown) => void;
  /**
   * The job notifies its end: after the first check, a job still running is left to its
   * notification ({@link JobAwaitsNotification}) instead of being polled.
   */
  awaitNotification?: boolean;
}

/**
 * Thrown where a notified job is still running: the activity hands its completion to the
 * relay and ends its attempt without a result, so nothing polls and nothing heartbeats.
 */
export class JobAwaitsNotification extends Error {
  override readonly name = 'JobAwaitsNotification';
  constructor(readonly checkpoint: JobCheckpoint) {
    super(`job ${checkpoint.jobId} runs on; its notification ends the wait`);
  }
}

export interface FinishedJob {
  jobId: string;
  polls: number;
  /** Whether this attempt re-attached to a job an earlier attempt started. */
  resumed: boolean;
}

/**
 * Runs one asynchronous service job to completion inside one activity: starts it (or
 * resumes the job named in the last heartbeat), polls with capped exponential backoff,
 * heartbeats the checkpoint on every poll, and stops at the deadline or on cancellation.
 * A job of any length costs the workflow the same few history events.
 */
export async function runJobToCompletion(options: JobPollOptions): Promise<FinishedJob> {
  const now = options.now ?? Date.now;
  const previous = asCheckpoint(options.resumeFrom);
  const checkpoint: JobCheckpoint = previous ?? { jobId: await options.start(), startedAt: now(), polls: 0 };
  options.heartbeat(checkpoint);
  let delay = options.schedule.initialMs;
  for (;;) {
    const elapsed = now() - checkpoint.startedAt;
    if (elapsed > options.deadlineMs) {
      throw new AnalysisJobTimedOutError(options.service, checkpoint.jobId, Math.round(elapsed / 1000));
    }
    let state: JobState | undefined;
    try {
      state = await options.check(checkpoint.jobId);
    } catch (err) {
      // A throttled or failed poll says nothing about the job: skip it and poll again later.
      if (!isTransientAwsError(err) || options.signal.aborted) throw err;
      options.onTransientError?.(err);
    }
    checkpoint.polls += 1;
    options.heartbeat(checkpoint);
    if (state?.state === 'succeeded') return { jobId: checkpoint.jobId, polls: checkpoint.polls, resumed: !!previous };
    if (state?.state === 'failed') throw new AnalysisJobFailedError(options.service, checkpoint.jobId, state.message);
    if (options.awaitNotification) throw new JobAwaitsNotification(checkpoint);
    await setTimeout(Math.min(delay, Math.max(0, options.deadlineMs - elapsed)), undefined, { signal: options.signal });
    delay = Math.min(options.schedule.maxMs, delay * options.schedule.factor);
  }
}

function asCheckpoint(details: unknown): JobCheckpoint | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const { jobId, startedAt, polls } = details as Partial<JobCheckpoint>;
  if (typeof jobId !== 'string' || typeof startedAt !== 'number') return undefined;
  return { jobId, startedAt, polls: typeof polls === 'number' ? polls : 0 };
}
