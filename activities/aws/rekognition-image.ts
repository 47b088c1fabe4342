import {
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  type ContentModerationDetection,
  type LabelDetection,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RekognitionImageApi } from '../cost/price-table';
import { isTransientAwsError } from './aws-errors';
import type { VideoJobResults } from './rekognition-video';

/** One frame's detections as the video API's items for the same feature. */
export interface FrameDetections {
  items: (LabelDetection | ContentModerationDetection)[];
  modelVersion?: string;
}

export interface FrameImage {
  /** Seconds into the media. */
  time: number;
  jpeg: Uint8Array;
}

/** Attempts per frame on top of the SDK's own: a throttled frame waits rather than failing the run. */
const FRAME_ATTEMPTS = 5;
const FRAME_BACKOFF_MS = 500;

/**
 * One image API call for a sampled frame, its detections stamped with the frame's time in the
 * video API's shapes, so the video path's normalisers read both.
 */
export async function detectInFrame(
  client: RekognitionClient,
  api: RekognitionImageApi,
  frame: FrameImage,
  minConfidence: number,
  signal: AbortSignal,
): Promise<FrameDetections> {
  const Timestamp = Math.round(frame.time * 1000);
  const request = { Image: { Bytes: frame.jpeg }, MinConfidence: minConfidence };
  for (let attempt = 1; ; attempt++) {
    try {
      if (api === 'DetectLabels') {
        const out = await client.send(new DetectLabelsCommand(request), { abortSignal: signal });
        const items: LabelDetection[] = (out.Labels ?? []).map((Label) => ({ Timestamp, Label }));
        return { items, modelVersion: out.LabelModelVersion };
      }
      const out = await client.send(new DetectModerationLabelsCommand(request), { abortSignal: signal });
      const items: ContentModerationDetection[] = (out.ModerationLabels ?? []).map((ModerationLabel) => ({ Timestamp, ModerationLabel }));
      return { items, modelVersion: out.ModerationModelVersion };
    } catch (err) {
      if (attempt >= FRAME_ATTEMPTS || !isTransientAwsError(err) || signal.aborted) throw err;
      await sleep(FRAME_BACKOFF_MS * 2 ** (attempt - 1), undefined, { signal });
    }
  }
}

/** Every frame's detections in time order, as one video job would have returned them. */
export function joinFrameResults<Item>(frames: { items: Item[]; modelVersion?: string }[]): VideoJobResults<Item> {
  return { items: frames.flatMap((f) => f.items), modelVersion: frames.find((f) => f.modelVersion)?.modelVersion, pages: frames.length };
}
