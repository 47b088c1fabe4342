import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  RecognizeCelebritiesCommand,
  SearchFacesByImageCommand,
  type BoundingBox,
  type CelebrityRecognition,
  type ContentModerationDetection,
  type FaceDetection,
  type FaceMatch,
  type LabelDetection,
  type PersonMatch,
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

/** One frame's faces as the video API's items: FaceDetection's, or FaceSearch's when a collection was searched. */
export interface FrameFaces {
  items: FaceDetection[] | PersonMatch[];
  /** Whether SearchFacesByImage was called (and billed) for this frame. */
  searched: boolean;
}

/** How many candidate matches to ask for: the best known one is kept, the rest rank it. */
const SEARCH_MATCHES = 5;

/**
 * DetectFaces on a sampled frame, then, when a collection is given and the frame shows a
 * face, SearchFacesByImage. That API searches only the largest face of an image: its match
 * goes to the detected face whose box it overlaps most, the other faces stay unnamed.
 */
export async function detectFacesInFrame(
  client: RekognitionClient,
  frame: FrameImage,
  search: { collectionId: string; faceMatchThreshold: number } | undefined,
  signal: AbortSignal,
): Promise<FrameFaces> {
  const Timestamp = Math.round(frame.time * 1000);
  const Image = { Bytes: frame.jpeg };
  const options = { abortSignal: signal };
  const retried = <T>(call: () => Promise<T>) => retryThrottled(call, { ...FRAME_BACKOFF, signal, isRetryable: isTransientAwsError });
  const detected = await retried(() => client.send(new DetectFacesCommand({ Image, Attributes: ['DEFAULT'] }), options));
  const faces = detected.FaceDetails ?? [];
  if (!search || faces.length === 0) return { items: faces.map((Face) => ({ Timestamp, Face })), searched: false };
  const found = await retried(async () => {
    try {
      return await client.send(
        new SearchFacesByImageCommand({
          CollectionId: search.collectionId,
          Image,
          MaxFaces: SEARCH_MATCHES,
          FaceMatchThreshold: search.faceMatchThreshold,
          QualityFilter: 'AUTO',
        }),
        options,
      );
    } catch (err) {
      // The search's own detector found no face DetectFaces did: nothing to compare, not a
      // failure. Any other invalid parameter (collection, threshold, image) is one.
      if (err instanceof Error && err.name === 'InvalidParameterException' && /no faces in the image/i.test(err.message)) {
        return { FaceMatches: [] as FaceMatch[], SearchedFaceBoundingBox: undefined };
      }
      throw err;
    }
  });
  const searchedIndex = closestBox(
    faces.map((f) => f.BoundingBox),
    found.SearchedFaceBoundingBox,
  );
  const items: PersonMatch[] = faces.map((Face, Index) => ({
    Timestamp,
    Person: { Index, BoundingBox: Face.BoundingBox, Face },
    // Left out for the faces the search did not compare: an empty list would read as "no match".
    ...(Index === searchedIndex ? { FaceMatches: found.FaceMatches ?? [] } : {}),
  }));
  return { items, searched: true };
}

/** The index of the box that overlaps `target` most (intersection over union), or -1. */
function closestBox(boxes: (BoundingBox | undefined)[], target: BoundingBox | undefined): number {
  if (!target) return -1;
  let best = -1;
  let bestOverlap = 0;
  boxes.forEach((box, i) => {
    const overlap = box ? intersectionOverUnion(box, target) : 0;
    if (overlap > bestOverlap) [best, bestOverlap] = [i, overlap];
  });
  return best;
}

function intersectionOverUnion(a: BoundingBox, b: BoundingBox): number {
  const [ax, ay, aw, ah] = [a.Left ?? 0, a.Top ?? 0, a.Width ?? 0, a.Height ?? 0];
  const [bx, by, bw, bh] = [b.Left ?? 0, b.Top ?? 0, b.Width ?? 0, b.Height ?? 0];
  const w = Math.max(0, Math.min(ax + aw, bx + bw) - Math.max(ax, bx));
  const h = Math.max(0, Math.min(ay + ah, by + bh) - Math.max(ay, by));
  const union = aw * ah + bw * bh - w * h;
  return union > 0 ? (w * h) / union : 0;
}
