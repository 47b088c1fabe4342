import { ApplicationFailure, CancelledFailure, CompleteAsyncError, Context } from '@temporalio/activity';
import { redactSecrets } from '../common/redact-secrets';
import { AnalysisJobFailedError, AnalysisJobTimedOutError } from '../backends/aws/analysis-job-errors';
import { classifyAwsError } from '../backends/aws/aws-errors';
import { FfprobeError } from '../media/ffprobe';
import { ModelOutputInvalidError } from '../report/model-output-invalid-error';
import { MediaRejectedError } from '../media/media-facts';
import { MediaUnusableError } from '../media/media-unusable-error';
import { OutcomePublishError } from '../notifications/outcome-publisher';
import { WebhookDeliveryError } from '../notifications/webhook-delivery';
import { WebhookTargetRefused } from '../notifications/webhook-target';

// ffprobe's words for files that will never probe, whatever the retry; the most specific first,
// since a moov-less MP4 also reports invalid data.
const UNREADABLE: { pattern: RegExp; type: 'UnrecognizedMedia' | 'UnsupportedFormat' | 'CorruptMedia'; reason: string }[] = [
  // A playlist or script (HLS, concat, ...) under a media name: input-policy refused to open it.
  { pattern: /not on whitelist/i, type: 'UnsupportedFormat', reason: 'a playlist or container format that is not accepted (playlists and scripts are never followed)' },
  { pattern: /moov atom not found/i, type: 'CorruptMedia', reason: 'the MP4 index (moov atom) is missing: the upload is incomplete or was never finalised' },
  { pattern: /Invalid data found/i, type: 'UnrecognizedMedia', reason: 'not a media file ffmpeg can read' },
  { pattern: /could not find codec parameters|unspecified size|no decoder/i, type: 'CorruptMedia', reason: 'a stream cannot be decoded' },
];

/** Longest pause before retrying a throttled call; the retry policy's own cap still applies. */
const MAX_THROTTLE_DELAY_MS = 60_000;

/**
 * Maps service errors to Temporal failures once, for every activity: rejections and
 * request errors become non-retryable failures with their stable type; throttling retries
 * after a jittered pause so many workers do not retry in step; anything unknown stays
 * retryable.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof AnalysisJobFailedError) {
    return ApplicationFailure.create({ type: 'AnalysisJobFailed', message: err.message, nonRetryable: true, details: [{ jobId: err.jobId }] });
  }
  if (err instanceof AnalysisJobTimedOutError) {
    return ApplicationFailure.create({ type: 'AnalysisJobTimedOut', message: err.message, nonRetryable: true, details: [{ jobId: err.jobId }] });
  }
  if (err instanceof ModelOutputInvalidError) {
    return ApplicationFailure.create({ type: 'InvalidAnalysisOutput', message: err.message, nonRetryable: true, cause: err });
  }
  if (err instanceof WebhookDeliveryError) {
    return ApplicationFailure.create({
      type: err.retryable ? 'WebhookUnavailable' : 'WebhookRejected',
      message: err.message,
      nonRetryable: !err.retryable,
      // A receiver's Retry-After may lengthen the wait, never shorten it below the backoff (0 would retry at once).
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(err.retryAfterMs, webhookBackoffMs()) } : {}),
    });
  }
  if (err instanceof WebhookTargetRefused) return ApplicationFailure.create({ type: 'WebhookTargetRefused', message: err.message, nonRetryable: true });
  if (err instanceof OutcomePublishError) {
    return ApplicationFailure.create({ type: err.retryable ? 'OutcomeEventUnpublished' : 'OutcomeEventRefused', message: err.message, nonRetryable: !err.retryable });
  }
  const aws = classifyAwsError(err);
  if (aws && err instanceof Error) {
    return ApplicationFailure.create({
      type: aws.type,
      message: `${err.name}: ${err.message}`,
      nonRetryable: !aws.retryable,
      ...(aws.type === 'AwsThrottled' || aws.type === 'AwsLimitExceeded' ? { nextRetryDelay: throttleDelayMs() } : {}),
    });
  }
  // A rejection ends the run; unusable media fails only the analysis that could not use it.
  if (err instanceof MediaRejectedError || err instanceof MediaUnusableError) {
    return ApplicationFailure.create({ type: err.type, message: err.message, nonRetryable: true });
  }
  if (err instanceof FfprobeError) {
    const known = UNREADABLE.find((u) => u.pattern.test(err.stderr));
    if (known) {
      return ApplicationFailure.create({ type: known.type, message: `${known.reason} (ffprobe: ${err.message})`, nonRetryable: true });
    }
  }
  return err;
}

/**
 * Runs an activity body, translating its errors through {@link toActivityFailure}, and
 * redacting every message that leaves: what an activity throws lands in history, the record,
 * the report and the workflow's logs, so no presigned URL, credential or local path may ride
 * along. Unknown errors keep their name as the failure type and stay retryable; their cause
 * chain (which may quote a URL) stays in the worker.
 */
export async function withFailureMapping<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw abortReason() ?? redacted(toActivityFailure(err), err);
  }
}

/**
 * Once the server has asked the attempt to stop (a cancellation, pause or reset), whatever the
 * body threw is that abort's consequence: an SDK call's AbortError, a killed ffmpeg. The SDK's
 * own reason goes back, so the attempt is reported as what it was; mapped, it would be a
 * failure, and a cancelled run's analyses would read "failed" instead of stopped.
 */
function abortReason(): unknown {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    // Called outside an activity (a unit test of the mapping): no attempt to abort.
    return undefined;
  }
  const { cancellationSignal: signal, cancellationDetails: details } = context;
  // A worker shutdown or a timeout is no cancellation the server asked for: the mapped error
  // goes back, retryable, so the next attempt starts at once instead of after a timeout.
  const asked = details?.cancelRequested === true || details?.paused === true || details?.reset === true;
  return signal.aborted && asked ? (signal.reason as unknown) : undefined;
}

function redacted(failure: unknown, original: unknown): unknown {
  // Cancellation (the SDK's, or the abort of a call it cancelled) and async completion must
  // reach the SDK as they are: it reports an attempt cancelled only when it sees one of these.
  if (failure instanceof CancelledFailure || failure instanceof CompleteAsyncError || (failure instanceof Error && failure.name === 'AbortError')) return failure;
  const clean =
    failure instanceof ApplicationFailure
      ? ApplicationFailure.create({
          type: failure.type ?? 'Error',
          message: redactSecrets(failure.message),
          nonRetryable: failure.nonRetryable ?? false,
          ...(failure.details?.length ? { details: failure.details } : {}),
          ...(failure.nextRetryDelay != null ? { nextRetryDelay: failure.nextRetryDelay } : {}),
        })
      : ApplicationFailure.create({
          type: failure instanceof Error ? failure.name : 'Error',
          message: redactSecrets(failure instanceof Error ? failure.message : String(failure)),
          nonRetryable: false,
        });
  // The stack of what was thrown, where it happened: its frames (function, line) kept, the
  // worker's paths and anything its first line quotes redacted.
  const stack = original instanceof Error && original.stack ? original.stack : clean.stack;
  if (stack) clean.stack = redactSecrets(stack);
  return clean;
}

/** The delivery policy's own backoff for this attempt (2 s doubling, 5 min at most: workflows/policies.ts). */
function webhookBackoffMs(): number {
  return Math.min(5 * 60_000, 2_000 * 2 ** (Context.current().info.attempt - 1));
}

/** Full jitter over an exponential ceiling that grows with the attempt number. */
function throttleDelayMs(): number {
  const attempt = Context.current().info.attempt;
  const ceiling = Math.min(MAX_THROTTLE_DELAY_MS, 1_000 * 2 ** attempt);
  return Math.round(Math.random() * ceiling) + 250;
}
