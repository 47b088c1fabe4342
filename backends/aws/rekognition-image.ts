import {
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  RecognizeCelebritiesCommand,
  type CelebrityRecognition,
  type ContentModerationDetection,
  type LabelDetection,
  type RekognitionClient,
  type TextDetectionResult,
} from '@aws-sdk/client-rekognition';
import type { RekognitionImageApi } from '../../cost/price-table';
import { isTransientAwsError } from './aws-errors';
import { retryThrottled } from './throttle-retry';
import type { VideoJobResults } from './rekognition-video';

/** One frame's detections as the video API's items for the same feature. */
export interface FrameDetections {
  items: (LabelDetection | ContentModerationDetection | CelebrityRecognition | TextDetectionResult)[];
  modelVersion?: string;
}

export interface FrameImage {
  /** Seconds into the media. */
  time: number;
  jpeg: Uint8Array;
}

/** Retries per frame on top of the SDK's own: a throttled frame waits rather than failing the run. */
const FRAME_BACKOFF = { maxRetries: 4, baseMs: 500, capMs: 4_000 };

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
  const options = { abortSignal: signal };
  const call = async (): Promise<FrameDetections> => {
    switch (api) {
      case 'DetectLabels': {
        const out = await client.send(new DetectLabelsCommand(request), options);
        const items: LabelDetection[] = (out.Labels ?? []).map((Label) => ({ Timestamp, Label }));
        return { items, modelVersion: out.LabelModelVersion };
      }
      case 'DetectModerationLabels': {
        const out = await client.send(new DetectModerationLabelsCommand(request), options);
        const items: ContentModerationDetection[] = (out.ModerationLabels ?? []).map((ModerationLabel) => ({ Timestamp, ModerationLabel }));
        return { items, modelVersion: out.ModerationModelVersion };
      }
      case 'RecognizeCelebrities': {
        // No MinConfidence parameter here: the video job's threshold is applied to the match.
        const out = await client.send(new RecognizeCelebritiesCommand({ Image: request.Image }), options);
        const items: CelebrityRecognition[] = (out.CelebrityFaces ?? [])
          .filter((c) => (c.MatchConfidence ?? 0) >= minConfidence)
          .map(({ Name, Id, Urls, MatchConfidence, Face, KnownGender }) => ({
            Timestamp,
            Celebrity: { Name, Id, Urls, Confidence: MatchConfidence, BoundingBox: Face?.BoundingBox, KnownGender },
          }));
        return { items };
      }
      case 'DetectText': {
        const filters = { WordFilter: { MinConfidence: minConfidence } };
        const out = await client.send(new DetectTextCommand({ Image: request.Image, Filters: filters }), options);
        const items: TextDetectionResult[] = (out.TextDetections ?? []).map((TextDetection) => ({ Timestamp, TextDetection }));
        return { items, modelVersion: out.TextModelVersion };
      }
    }
  };
  return retryThrottled(call, { ...FRAME_BACKOFF, signal, isRetryable: isTransientAwsError });
}

/** Every frame's detections in time order, as one video job would have returned them. */
export function joinFrameResults<Item>(frames: { items: Item[]; modelVersion?: string }[]): VideoJobResults<Item> {
  return { items: frames.flatMap((f) => f.items), modelVersion: frames.find((f) => f.modelVersion)?.modelVersion, pages: frames.length };
}
