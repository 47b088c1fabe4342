import { ApplicationFailure, Context } from '@temporalio/activity';
import { AnalysisJobFailedError, AnalysisJobTimedOutError } from './aws/analysis-job-errors';
import { classifyAwsError } from './aws/aws-errors';
import { FfprobeError } from './media/ffprobe';
import { ModelOutputInvalidError } from './report/model-output-invalid-error';
import { MediaRejectedError } from './media/media-facts';

// ffprobe's words for files that will never probe, whatever the retry; the most specific first,
// since a moov-less MP4 also reports invalid data.
const UNREADABLE: { pattern: RegExp; type: 'UnrecognizedMedia' | 'CorruptMedia'; reason: string }[] = [
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
  const aws = classifyAwsError(err);
  if (aws && err instanceof Error) {
    return ApplicationFailure.create({
      type: aws.type,
      message: `${err.name}: ${err.message}`,
      nonRetryable: !aws.retryable,
      ...(aws.type === 'AwsThrottled' || aws.type === 'AwsLimitExceeded' ? { nextRetryDelay: throttleDelayMs() } : {}),
    });
  }
  if (err instanceof MediaRejectedError) {
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

/** Runs an activity body, translating its errors through {@link toActivityFailure}. */
export async function withFailureMapping<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/** Full jitter over an exponential ceiling that grows with the attempt number. */
function throttleDelayMs(): number {
  const attempt = Context.current().info.attempt;
  const ceiling = Math.min(MAX_THROTTLE_DELAY_MS, 1_000 * 2 ** attempt);
  return Math.round(Math.random() * ceiling) + 250;
}
