import { TechnicalCueType } from '@aws-sdk/client-rekognition';
import type { Interval } from '../../media/technical-cues';
import type { CelebritiesOutput, FacesOutput, LabelsOutput, ShotsOutput, TechnicalCue, TextOutput, VisualModerationOutput } from '../../spine/branch-outputs';
import type { RekognitionFeature } from '../../cost/price-table';
import type { FeatureItems, VideoJobResults } from './rekognition-video';

/**
 * Rekognition's results in the branch-output contract reduce reads, whichever backend ran:
 * seconds instead of milliseconds, confidences 0..1 instead of percent.
 */

/** Rekognition samples content moderation about once a second; one sample stands for that long. */
const MODERATION_SAMPLE_SECONDS = 1;

export function labelsOutput(results: VideoJobResults<FeatureItems['LabelDetection']>): LabelsOutput {
  return { model: model('LabelDetection', results.modelVersion), detections: labelDetections(results.items) };
}

function labelDetections(items: FeatureItems['LabelDetection'][]): LabelsOutput['detections'] {
  return items.flatMap(({ Timestamp, Label }) =>
    Label?.Name
      ? [
          {
            time: seconds(Timestamp),
            name: Label.Name,
            confidence: fraction(Label.Confidence),
            parents: (Label.Parents ?? []).flatMap((p) => (p.Name ? [p.Name] : [])),
            categories: (Label.Categories ?? []).flatMap((c) => (c.Name ? [c.Name] : [])),
          },
        ]
      : [],
  );
}

/** Detections at the same timestamp become one sample with a score per moderation label. */
export function moderationOutput(
  results: VideoJobResults<FeatureItems['ContentModeration']>,
  /** How long one sample stands for: about a second from a video job, the interval between sampled keyframes. */
  sampleSeconds = MODERATION_SAMPLE_SECONDS,
): VisualModerationOutput {
  const samples = new Map<number, Record<string, number>>();
  for (const { Timestamp, ModerationLabel } of results.items) {
    if (!ModerationLabel?.Name) continue;
    const time = seconds(Timestamp);
    const scores = samples.get(time) ?? {};
    scores[ModerationLabel.Name] = Math.max(scores[ModerationLabel.Name] ?? 0, fraction(ModerationLabel.Confidence));
    samples.set(time, scores);
  }
  return {
    model: model('ContentModeration', results.modelVersion),
    intervalSeconds: sampleSeconds,
    samples: [...samples.entries()].sort((a, b) => a[0] - b[0]).map(([time, scores]) => ({ time, scores })),
  };
}

/**
 * The same samples from items in time order (Get* with SortBy TIMESTAMP), page by page: a
 * sample is complete when a later timestamp arrives, so only the last one is ever held back.
 */
class ModerationSampler {
  private open?: VisualModerationOutput['samples'][number];

  add(items: FeatureItems['ContentModeration'][]): VisualModerationOutput['samples'] {
    const done: VisualModerationOutput['samples'] = [];
    for (const { Timestamp, ModerationLabel } of items) {
      if (!ModerationLabel?.Name) continue;
      const time = seconds(Timestamp);
      if (this.open && this.open.time !== time) done.push(this.open);
      if (!this.open || this.open.time !== time) this.open = { time, scores: {} };
      const { scores } = this.open;
      scores[ModerationLabel.Name] = Math.max(scores[ModerationLabel.Name] ?? 0, fraction(ModerationLabel.Confidence));
    }
    return done;
  }

  flush(): VisualModerationOutput['samples'] {
    const last = this.open;
    this.open = undefined;
    return last ? [last] : [];
  }
}

export function celebritiesOutput(results: VideoJobResults<FeatureItems['CelebrityRecognition']>): CelebritiesOutput {
  return { model: model('CelebrityRecognition', results.modelVersion), detections: celebrityDetections(results.items) };
}

function celebrityDetections(items: FeatureItems['CelebrityRecognition'][]): CelebritiesOutput['detections'] {
  return items.flatMap(({ Timestamp, Celebrity }) =>
    Celebrity?.Name ? [{ time: seconds(Timestamp), name: Celebrity.Name, id: Celebrity.Id ?? '', confidence: fraction(Celebrity.Confidence), urls: Celebrity.Urls ?? [] }] : [],
  );
}

/** Lines only: Rekognition also reports each word of a line separately. */
export function textOutput(results: VideoJobResults<FeatureItems['TextDetection']>): TextOutput {
  return { model: model('TextDetection', results.modelVersion), detections: textDetections(results.items) };
}

function textDetections(items: FeatureItems['TextDetection'][]): TextOutput['detections'] {
  return items.flatMap(({ Timestamp, TextDetection }) =>
    TextDetection?.Type === 'LINE' && TextDetection.DetectedText ? [{ time: seconds(Timestamp), name: TextDetection.DetectedText, confidence: fraction(TextDetection.Confidence) }] : [],
  );
}

/** What faces are compared with: the tenant's collection and the people enrolled in it. */
export interface FaceSearchContext {
  /** The collection searched; absent when no search ran (nobody enrolled). */
  collectionId?: string;
  /** Known people's names by person id, the ExternalImageId each enrolled face carries. */
  names: ReadonlyMap<string, string>;
  /** Similarity (percent) a match had to reach. */
  faceMatchThreshold: number;
  /**
   * Items without FaceMatches were not compared (keyframe image search, which compares the
   * largest face only). Unset for video FaceSearch, which compares every person it tracks.
   */
  faceMatchesMarkCompared?: boolean;
}

type FaceFeature = 'FaceDetection' | 'FaceSearch';
type FaceItem = FeatureItems['FaceDetection'] | FeatureItems['FaceSearch'];

export function facesOutput<F extends FaceFeature>(feature: F, results: VideoJobResults<FeatureItems[F]>, context: FaceSearchContext): FacesOutput {
  return { faces: faceDetections(feature, results.items, context), ...facesMembers(feature, results.modelVersion, context) };
}

function facesMembers(feature: FaceFeature, version: string | undefined, context: FaceSearchContext): Omit<FacesOutput, 'faces'> {
  const searched = feature === 'FaceSearch' && context.collectionId !== undefined;
  return {
    model: `${model(feature, version)}${searched ? ` collection ${context.collectionId}` : ''}`,
    knownPeopleSearched: searched ? context.names.size : 0,
    ...(searched ? { matchThreshold: context.faceMatchThreshold / 100 } : {}),
  };
}

/**
 * Each sighting of a face, with its best match among the tenant's known people. A match whose
 * ExternalImageId names nobody enrolled any more (removed after the job started) is dropped:
 * the report names only people the tenant still keeps.
 */
function faceDetections(feature: FaceFeature, items: FaceItem[], context: FaceSearchContext): FacesOutput['faces'] {
  if (feature === 'FaceDetection') {
    return (items as FeatureItems['FaceDetection'][]).flatMap(({ Timestamp, Face }) =>
      Face ? [{ time: seconds(Timestamp), confidence: fraction(Face.Confidence), ...faceBox(Face.BoundingBox) }] : [],
    );
  }
  return (items as FeatureItems['FaceSearch'][]).flatMap(({ Timestamp, Person, FaceMatches }) => {
    const best = (FaceMatches ?? [])
      .filter((m) => m.Face?.ExternalImageId !== undefined && context.names.has(m.Face.ExternalImageId))
      .sort((a, b) => (b.Similarity ?? 0) - (a.Similarity ?? 0))[0];
    const face = Person?.Face;
    if (!face && !best) return [];
    const personId = best?.Face?.ExternalImageId;
    return [
      {
        time: seconds(Timestamp),
        confidence: fraction(face?.Confidence ?? best?.Face?.Confidence),
        ...faceBox(face?.BoundingBox ?? Person?.BoundingBox),
        ...(best && personId ? { match: { personId, name: context.names.get(personId) ?? '', similarity: fraction(best.Similarity) } } : {}),
        ...(context.faceMatchesMarkCompared && FaceMatches === undefined ? { compared: false as const } : {}),
      },
    ];
  });
}

function faceBox(box: { Left?: number; Top?: number; Width?: number; Height?: number } | undefined): { box?: NonNullable<FacesOutput['faces'][number]['box']> } {
  if (box?.Left === undefined || box.Top === undefined || box.Width === undefined || box.Height === undefined) return {};
  return { box: { left: box.Left, top: box.Top, width: box.Width, height: box.Height } };
}

/**
 * Shots and every technical cue from segment detection (black frames also as
 * `blackSegments`, which the spine marks shots black by). Silence and loudness need the audio
 * signal, which Rekognition does not measure: they stay empty on this backend.
 */
export function segmentsOutput(results: VideoJobResults<FeatureItems['SegmentDetection']>): ShotsOutput {
  const segments = new SegmentIntervals();
  segments.add(results.items);
  return segments.cues();
}

/** The cue types segment detection looks for when asked for TECHNICAL_CUE: every one the API model lists. */
const REKOGNITION_CUE_TYPES: string[] = Object.values(TechnicalCueType);

/** Shot and cue intervals: a few numbers per segment, whatever the raw segment carried. */
class SegmentIntervals {
  private readonly shots: Interval[] = [];
  private readonly technicalCues: TechnicalCue[] = [];

  add(items: FeatureItems['SegmentDetection'][]): void {
    for (const s of items) {
      const interval = { start: seconds(s.StartTimestampMillis), end: seconds(s.EndTimestampMillis) };
      if (s.Type === 'SHOT') this.shots.push(interval);
      const cue = s.Type === 'TECHNICAL_CUE' ? s.TechnicalCueSegment : undefined;
      if (cue?.Type) {
        this.technicalCues.push({ type: cue.Type, ...interval, ...(cue.Confidence !== undefined ? { confidence: fraction(cue.Confidence) } : {}) });
      }
    }
  }

  cues(): ShotsOutput {
    const byStart = (a: Interval, b: Interval) => a.start - b.start || a.end - b.end;
    // The service orders segments by type, then by time: the timeline wants them by time alone.
    const shots = [...this.shots].sort(byStart);
    const technicalCues = [...this.technicalCues].sort((a, b) => byStart(a, b) || a.type.localeCompare(b.type));
    return {
      sceneCuts: shots.map((s) => s.start).filter((t) => t > 0),
      shots,
      blackSegments: technicalCues.filter((c) => c.type === 'BlackFrames').map(({ start, end }) => ({ start, end })),
      // Segment detection times shots and cues, not silence.
      silences: [],
      silencesMeasured: false,
      technicalCues,
      cueTypesChecked: [...REKOGNITION_CUE_TYPES],
    };
  }
}

/**
 * A branch output built while a job's pages arrive, for a writer that streams it to S3: the
 * member that grows with the media (`streamed`) gets each page's entries as the page comes,
 * the other members come at the end, once every page (and the model version) is known.
 */
export interface StreamedOutput<Item> {
  streamed: string;
  /** This page's entries of the streamed member (some may be held back until a later page). */
  add(items: Item[]): unknown[];
  /** The entries still held back, and the other members of the output. */
  end(modelVersion: string | undefined): { entries: unknown[]; members: Record<string, unknown> };
}

/**
 * The streamed form of each feature's branch output; the same documents the functions above
 * write. `durationSeconds` is the video's: Rekognition Video moderates the whole video and
 * lists only moments with findings, so the output says it covered all of it.
 */
export function streamedOutput<F extends RekognitionFeature>(
  feature: F,
  durationSeconds: number,
  /** The faces features' names and collection; without it a face search names nobody. */
  faceSearch: FaceSearchContext = { names: new Map(), faceMatchThreshold: 0 },
): StreamedOutput<FeatureItems[F]> {
  const detections = <Item>(map: (items: Item[]) => unknown[]): StreamedOutput<Item> => ({
    streamed: 'detections',
    add: map,
    end: (version) => ({ entries: [], members: { model: model(feature, version) } }),
  });
  switch (feature) {
    case 'LabelDetection':
      return detections(labelDetections);
    case 'CelebrityRecognition':
      return detections(celebrityDetections);
    case 'TextDetection':
      return detections(textDetections);
    case 'ContentModeration': {
      const sampler = new ModerationSampler();
      const output: StreamedOutput<FeatureItems['ContentModeration']> = {
        streamed: 'samples',
        add: (items) => sampler.add(items),
        end: (version) => ({
          entries: sampler.flush(),
          members: { model: model(feature, version), intervalSeconds: MODERATION_SAMPLE_SECONDS, coverage: { start: 0, end: durationSeconds } },
        }),
      };
      return output;
    }
    case 'FaceDetection':
    case 'FaceSearch': {
      const faces: FaceFeature = feature === 'FaceDetection' ? 'FaceDetection' : 'FaceSearch';
      const output: StreamedOutput<FaceItem> = {
        streamed: 'faces',
        add: (items) => faceDetections(faces, items, faceSearch),
        end: (version) => ({ entries: [], members: facesMembers(faces, version, faceSearch) }),
      };
      return output;
    }
    case 'SegmentDetection': {
      // Shots come a few per minute, and sceneCuts derive from all of them: kept as intervals, written at the end.
      const segments = new SegmentIntervals();
      const output: StreamedOutput<FeatureItems['SegmentDetection']> = {
        streamed: 'shots',
        add: (items) => (segments.add(items), []),
        end: () => {
          const { shots, ...members } = segments.cues();
          return { entries: shots, members };
        },
      };
      return output;
    }
    default:
      throw new Error(`unknown Rekognition feature ${String(feature)}`);
  }
}

function model(feature: string, version: string | undefined): string {
  return `amazon-rekognition ${feature}${version ? ` ${version}` : ''}`;
}

function seconds(millis: number | undefined): number {
  return Math.round(millis ?? 0) / 1000;
}

function fraction(percent: number | undefined): number {
  return Math.round((percent ?? 0) * 10) / 1000;
}
