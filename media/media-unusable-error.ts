import type { MediaUnusableType } from '../common/failure-types';

/**
 * One analysis cannot use this media (no frame or no audio sample decodes): the analysis
 * fails non-retryably with `type`, the other analyses and the run carry on. Unlike
 * MediaRejectedError it does not reject the media as a whole.
 */
export class MediaUnusableError extends Error {
  override readonly name = 'MediaUnusableError';
  constructor(
    readonly type: MediaUnusableType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// ffmpeg's words when the bytes arrived but no frame decodes from them, and its words when
// the bytes did not arrive at all (those stay retryable: a later read may succeed).
const UNDECODABLE = /Cannot determine format of input stream|Invalid NAL unit size|Error while decoding stream|Decoding error|no frame!/i;
const UNREACHABLE = /Server returned|Connection (refused|reset|timed out)|timed out|I\/O error|End of file|Stalled/i;

/** Whether ffmpeg failed on the content itself (nothing decodable), not on reading it. */
export function failedOnContent(err: unknown): boolean {
  const tail = err instanceof Error && 'stderrTail' in err && typeof err.stderrTail === 'string' ? err.stderrTail : '';
  return UNDECODABLE.test(tail) && !UNREACHABLE.test(tail);
}
