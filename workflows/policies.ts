import { ActivityCancellationType, type ActivityOptions, type LocalActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_TYPES } from '../common/failure-types';

/**
 * Every timeout and retry policy of analyzeMedia, in one place. Durations are strings
 * throughout. Rejections and other non-retryable types are listed here as well as thrown
 * non-retryable, so the contract holds even if an activity forgets to mark one.
 */

const nonRetryableErrorTypes = [...NON_RETRYABLE_TYPES];

const quickIoRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 8,
  nonRetryableErrorTypes,
};

/**
 * Stage writes to the metadata store: small, idempotent, run as local activities, and best
 * effort. The stage is progress for readers of the record (the final persist carries the
 * truth), so a store outage costs each stage about 15 s of backoff (30 s at most) and never
 * fails the run. The attempt limit is what bounds it: core enforces a local activity's
 * schedule-to-close only while an attempt runs, not during the backoff between attempts.
 * Backoffs stay below the local retry threshold (1 minute), or retries would become timers.
 */
export const recordOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 seconds',
  retry: { ...quickIoRetry, maximumInterval: '10 seconds', maximumAttempts: 5 },
};

/** Quota permit requests (signal-with-start, as local activities): quick I/O, retried like it. */
export const quotaRequestOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: quickIoRetry,
};

/** ffprobe over a presigned URL reads headers only, so it is quick whatever the media size. */
export const probeOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { ...quickIoRetry, maximumAttempts: 5 },
};

const ANALYSIS_ATTEMPTS = 3;

/**
 * Analyses scale with the media: a fixed timeout is what broke long media in the Step
 * Functions design. Heartbeats catch a dead worker long before the start-to-close does.
 * A cancelled run waits for its analyses to stop (a Transcribe job deleted, a local process
 * killed), so its record can say what was stopped; the heartbeat timeout bounds that wait
 * when the worker running one is gone.
 */
export function analysisOptions(durationSeconds: number): ActivityOptions {
  return {
    startToCloseTimeout: `${analysisBudgetSeconds(durationSeconds)} seconds`,
    heartbeatTimeout: '30 seconds',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: ANALYSIS_ATTEMPTS,
      nonRetryableErrorTypes,
    },
  };
}

/**
 * Waiting for a notified job (async completion, woken by the completion relay). Each attempt
 * lasts the media's duration plus the safety net, and has no heartbeat timeout: nobody
 * heartbeats a wait, and a worker crash loses nothing, since no worker holds it. When an
 * attempt runs out (the notification was lost or is late) the retry checks the job itself and,
 * if it is done, reads it. The schedule-to-close bounds the whole wait like an analysis's
 * retries do. Cancelling a wait does not wait for it: no worker runs it to answer, and its job
 * is left to finish.
 */
export function jobWaitOptions(durationSeconds: number, safetyNetSeconds: number): ActivityOptions {
  return {
    // The safety net counts from when the job could have ended (a job takes about as long as its
    // media, or less): a long media's wait is not checked, and billed, every few minutes.
    startToCloseTimeout: `${safetyNetSeconds + Math.ceil(durationSeconds)} seconds`,
    scheduleToCloseTimeout: `${analysisBudgetSeconds(durationSeconds) * ANALYSIS_ATTEMPTS} seconds`,
    cancellationType: ActivityCancellationType.TRY_CANCEL,
    // A timed-out attempt retries at once; one that keeps failing (throttled Starts, S3) backs off.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: Number.POSITIVE_INFINITY, nonRetryableErrorTypes },
  };
}

function analysisBudgetSeconds(durationSeconds: number): number {
  return 300 + Math.ceil(durationSeconds * 4);
}

/**
 * Quota permits: a lease outlives every attempt its analysis may make (a holder that
 * vanished gives its slot back when the lease expires); the queue wait has a deadline too,
 * so no media waits forever behind a backlog.
 */
export function permitOptions(durationSeconds: number): { leaseTimeoutMs: number; maxWaitMs: number } {
  return {
    leaseTimeoutMs: (analysisBudgetSeconds(durationSeconds) * ANALYSIS_ATTEMPTS + 600) * 1000,
    maxWaitMs: 6 * 60 * 60 * 1000,
  };
}

/** Reduce and report read every branch output: sized like an analysis, retried like I/O. */
export function reduceAndReportOptions(durationSeconds: number): ActivityOptions {
  return {
    startToCloseTimeout: `${120 + Math.ceil(durationSeconds / 2)} seconds`,
    retry: { ...quickIoRetry, maximumAttempts: 5 },
  };
}

/**
 * How long writing a run's outcome (COMPLETED, AWAITING_REVIEW, REJECTED, FAILED) keeps trying
 * through a metadata store outage. Regional outages have lasted hours; past this deadline the
 * run fails visibly instead of waiting without end.
 */
export const PERSIST_DEADLINE = '6 hours';

/** The outcome's write: retried, at most 30 s apart, until the store is back or the deadline passes. */
export const persistOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: PERSIST_DEADLINE,
  // No attempt limit: the deadline bounds the retries, and attempts cost no history events.
  retry: { ...quickIoRetry, maximumAttempts: Number.POSITIVE_INFINITY },
};

/**
 * Publishing an outcome to the bus: quick I/O, retried for ten minutes. PutEvents is not
 * idempotent, so a retry may publish twice; the event id lets consumers drop the copy.
 */
export const publishOutcomeOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { ...quickIoRetry, maximumInterval: '1 minute', maximumAttempts: Number.POSITIVE_INFINITY },
};

/**
 * Delivering an outcome to a tenant's webhook: a receiver that is down is retried with
 * backoff (2 s doubling to 5 min between attempts, or the receiver's Retry-After) for up to an
 * hour, then given up on, logged; the record and the bus event stay the durable truth.
 * The run stays open while it retries, which is what the Web UI shows as "announcing".
 */
export const WEBHOOK_DEADLINE = '1 hour';
export const deliverWebhookOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: WEBHOOK_DEADLINE,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: Number.POSITIVE_INFINITY, nonRetryableErrorTypes },
};

/**
 * The browser proxy encodes the whole media once: sized like an analysis, heartbeated, and
 * retried twice; the media plays in no browser without it, but nothing else waits on it.
 */
export function playbackProxyOptions(durationSeconds: number): ActivityOptions {
  return { ...analysisOptions(durationSeconds), retry: { ...analysisOptions(durationSeconds).retry, maximumAttempts: 2 } };
}

/**
 * Copying the original to the archive: S3 copies server-side at tens of MB/s a part and more,
 * so a minute per GiB is ample; heartbeats catch a dead worker. Retried like I/O, a little: the
 * copy is housekeeping, and one that keeps failing leaves the media where it was, recorded.
 */
export function archiveCopyOptions(sizeBytes: number): ActivityOptions {
  return {
    startToCloseTimeout: `${120 + Math.ceil(sizeBytes / 1024 ** 3) * 60} seconds`,
    heartbeatTimeout: '1 minute',
    retry: { ...quickIoRetry, maximumAttempts: 5 },
  };
}

/** Removing the archived original: one quick delete, retried like I/O; a failure leaves both copies. */
export const removeOriginalOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { ...quickIoRetry, maximumAttempts: 5 },
};
