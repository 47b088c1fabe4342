import { ApplicationFailure } from '@temporalio/activity';
import { FfprobeError } from './media/ffprobe';
import { MediaRejectedError } from './media/media-facts';

// ffprobe's words for files that will never probe, whatever the retry; the most specific first,
// since a moov-less MP4 also reports invalid data.
const UNREADABLE: { pattern: RegExp; type: 'UnrecognizedMedia' | 'CorruptMedia'; reason: string }[] = [
  { pattern: /moov atom not found/i, type: 'CorruptMedia', reason: 'the MP4 index (moov atom) is missing: the upload is incomplete or was never finalised' },
  { pattern: /Invalid data found/i, type: 'UnrecognizedMedia', reason: 'not a media file ffmpeg can read' },
  { pattern: /could not find codec parameters|unspecified size|no decoder/i, type: 'CorruptMedia', reason: 'a stream cannot be decoded' },
];

/**
 * Maps service errors to Temporal failures once, for every activity: rejections become
 * non-retryable failures with their stable type; anything unknown stays retryable.
 */
export function toActivityFailure(err: unknown): unknown {
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
