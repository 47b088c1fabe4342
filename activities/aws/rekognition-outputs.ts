import type { Interval, TechnicalCues } from '../media/technical-cues';
import type { CelebritiesOutput, LabelsOutput, TextOutput, VisualModerationOutput } from '../spine/branch-outputs';
import type { FeatureItems, VideoJobResults } from './rekognition-video';

/**
 * Rekognition's results in the branch-output contract reduce reads, whichever backend ran:
 * seconds instead of milliseconds, confidences 0..1 instead of percent.
 */

/** Rekognition samples content moderation about once a second; one sample stands for that long. */
const MODERATION_SAMPLE_SECONDS = 1;

export function labelsOutput(results: VideoJobResults<FeatureItems['LabelDetection']>): LabelsOutput {
  return {
    model: model('LabelDetection', results.modelVersion),
    detections: results.items.flatMap(({ Timestamp, Label }) =>
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
    ),
  };
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

export function celebritiesOutput(results: VideoJobResults<FeatureItems['CelebrityRecognition']>): CelebritiesOutput {
  return {
    model: model('CelebrityRecognition', results.modelVersion),
    detections: results.items.flatMap(({ Timestamp, Celebrity }) =>
      Celebrity?.Name
        ? [{ time: seconds(Timestamp), name: Celebrity.Name, id: Celebrity.Id ?? '', confidence: fraction(Celebrity.Confidence), urls: Celebrity.Urls ?? [] }]
        : [],
    ),
  };
}

/** Lines only: Rekognition also reports each word of a line separately. */
export function textOutput(results: VideoJobResults<FeatureItems['TextDetection']>): TextOutput {
  return {
    model: model('TextDetection', results.modelVersion),
    detections: results.items.flatMap(({ Timestamp, TextDetection }) =>
      TextDetection?.Type === 'LINE' && TextDetection.DetectedText
        ? [{ time: seconds(Timestamp), name: TextDetection.DetectedText, confidence: fraction(TextDetection.Confidence) }]
        : [],
    ),
  };
}

/**
 * Shots and black frames from segment detection. Silence and loudness need the audio
 * signal, which Rekognition does not measure: they stay empty on this backend.
 */
export function segmentsOutput(results: VideoJobResults<FeatureItems['SegmentDetection']>): TechnicalCues {
  const interval = (s: FeatureItems['SegmentDetection']): Interval => ({
    start: seconds(s.StartTimestampMillis),
    end: seconds(s.EndTimestampMillis),
  });
  const shots = results.items.filter((s) => s.Type === 'SHOT').map(interval).sort((a, b) => a.start - b.start);
  return {
    sceneCuts: shots.map((s) => s.start).filter((t) => t > 0),
    shots,
    blackSegments: results.items.filter((s) => s.TechnicalCueSegment?.Type === 'BlackFrames').map(interval),
    silences: [],
  };
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
