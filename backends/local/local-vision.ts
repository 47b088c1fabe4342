import type { AnalysisRun } from '../analysis-backend';
import type { AnalysisSettings } from '../analysis-settings';
import { decodeImageRgb, detectVision, type VisionParts, type VisionResult } from '../../media/human-models';
import { withKeyframes, type KeyframeSampling } from '../../media/keyframe-sampler';
import { MediaUnusableError } from '../../media/media-unusable-error';

/**
 * Keyframes looked at per media at most, for objects and for faces alike. A keyframe costs
 * 0.15 to 0.5 CPU seconds per analysis here (docs/benchmarks/local-vision.json), so 600 is at
 * most about five CPU minutes however long the media (its interval widens instead), well
 * inside the analysis budget of workflows/policies.ts.
 */
export const MAX_VISION_FRAMES = 600;
const STILL_IMAGE: KeyframeSampling = { intervalSeconds: 1, maxFrames: 1 };

/** Named as Node names its aborted calls: the worker reports an attempt cancelled only for an AbortError. */
export class VisionAbortedError extends Error {
  override readonly name = 'AbortError';
}

/** Which keyframes were looked at. */
export interface KeyframesSeen {
  frames: number;
  first: number;
  last: number;
}

/**
 * Runs Human's models on the keyframes the other picture analyses sample (one per frame-sample
 * interval, as the text and aws image paths do), handing each frame's findings to `onFrame`.
 * No frame decoded is nothing checked, and fails as unusable media rather than "nothing found".
 */
export async function lookAtKeyframes(
  { input, mediaUrl, signal, heartbeat }: AnalysisRun,
  settings: AnalysisSettings,
  parts: VisionParts,
  onFrame: (time: number, seen: VisionResult) => void,
): Promise<KeyframesSeen> {
  const sampling = input.media.kind === 'image' ? STILL_IMAGE : { intervalSeconds: settings.frameSampleSeconds, maxFrames: MAX_VISION_FRAMES };
  const seen = await withKeyframes(mediaUrl, input.media.durationSeconds, sampling, signal, async (frames) => {
    for (const [i, frame] of frames.entries()) {
      if (signal.aborted) throw new VisionAbortedError('object and face detection was stopped between frames: its run was cancelled', { cause: signal.reason });
      onFrame(frame.time, await detectVision(await decodeImageRgb(frame.path, signal), parts));
      heartbeat({ keyframesDone: i + 1, keyframes: frames.length });
    }
    return { frames: frames.length, first: frames[0]?.time ?? 0, last: frames[frames.length - 1]?.time ?? 0 };
  });
  if (seen.frames === 0) {
    const what = parts.faces ? 'face detection' : 'object detection';
    throw new MediaUnusableError('NoDecodableFrames', `no keyframe of the picture could be decoded for ${what}`);
  }
  return seen;
}

/** "12 keyframes, 0.0–55.0 s", or "the still image". */
export function describeKeyframes(run: AnalysisRun, seen: KeyframesSeen): string {
  if (run.input.media.kind === 'image') return 'the still image';
  return `${seen.frames} keyframe${seen.frames === 1 ? '' : 's'}, ${seen.first.toFixed(1)}–${seen.last.toFixed(1)} s`;
}
