import type { AnalysisKind, AnalysisOutcome, CostLine } from '../common/types';

/**
 * Prices in USD, us-east-1 list prices (checked November 2026; override per region or
 * contract with REELSCOPE_PRICES). Rekognition Video bills per minute of video per API,
 * Rekognition Image per image per API, Transcribe per second of audio with a 15 s minimum
 * per job, Bedrock per token.
 */
export interface PriceTable {
  rekognitionPerMinute: Record<RekognitionFeature, number>;
  /** Image APIs (DetectLabels, DetectModerationLabels, RecognizeCelebrities, DetectText, DetectFaces, SearchFacesByImage), first million images a month. */
  rekognitionPerImage: number;
  transcribePerMinute: number;
  bedrockPerMillionTokens: { input: number; output: number };
}

export type RekognitionFeature =
  | 'LabelDetection'
  | 'ContentModeration'
  | 'CelebrityRecognition'
  | 'TextDetection'
  | 'SegmentDetection'
  | 'FaceDetection'
  | 'FaceSearch';

/** The image APIs keyframe sampling calls instead of a video job. */
export type RekognitionImageApi = 'DetectLabels' | 'DetectModerationLabels' | 'RecognizeCelebrities' | 'DetectText';

/** The image APIs the faces analysis calls per keyframe: every face, then the largest one searched. */
export type FaceImageApi = 'DetectFaces' | 'SearchFacesByImage';

export const DEFAULT_PRICES: PriceTable = {
  rekognitionPerMinute: {
    LabelDetection: 0.1,
    ContentModeration: 0.1,
    CelebrityRecognition: 0.1,
    TextDetection: 0.1,
    // Shot and technical-cue detection are billed $0.05 a minute each; reelscope asks for both.
    SegmentDetection: 0.1,
    FaceDetection: 0.1,
    // Searching a collection; the faces stored in it are billed apart, a few cents per 1000 faces a month.
    FaceSearch: 0.1,
  },
  rekognitionPerImage: 0.001,
  transcribePerMinute: 0.024,
  bedrockPerMillionTokens: { input: 1, output: 5 },
};

/** Transcribe bills at least this many seconds per job. */
export const TRANSCRIBE_MINIMUM_SECONDS = 15;

/** The feature each Rekognition-backed analysis runs. */
export const REKOGNITION_FEATURE: Partial<Record<AnalysisKind, RekognitionFeature>> = {
  labels: 'LabelDetection',
  visualModeration: 'ContentModeration',
  celebrities: 'CelebrityRecognition',
  text: 'TextDetection',
  shots: 'SegmentDetection',
};

/** With keyframe sampling on: the image API that replaces each analysis' video job. */
export const KEYFRAME_API: Partial<Record<AnalysisKind, RekognitionImageApi>> = {
  labels: 'DetectLabels',
  visualModeration: 'DetectModerationLabels',
  celebrities: 'RecognizeCelebrities',
  text: 'DetectText',
};

export function rekognitionImageCost(api: RekognitionImageApi | FaceImageApi, images: number, prices: PriceTable): CostLine {
  return { service: 'rekognition', item: api, unit: 'image', quantity: images, usd: usd(images * prices.rekognitionPerImage) };
}

/** Minutes of video analysed, prorated to the second: an estimate, the bill is authoritative. */
export function rekognitionCost(feature: RekognitionFeature, durationSeconds: number, prices: PriceTable): CostLine {
  const minutes = Math.round((durationSeconds / 60) * 100) / 100;
  return { service: 'rekognition', item: feature, unit: 'video-minute', quantity: minutes, usd: usd(minutes * prices.rekognitionPerMinute[feature]) };
}

export function transcribeCost(durationSeconds: number, prices: PriceTable): CostLine {
  const seconds = Math.max(TRANSCRIBE_MINIMUM_SECONDS, Math.ceil(durationSeconds));
  return { service: 'transcribe', item: 'StartTranscriptionJob', unit: 'audio-second', quantity: seconds, usd: usd((seconds / 60) * prices.transcribePerMinute) };
}

export function bedrockCost(modelId: string, inputTokens: number, outputTokens: number, prices: PriceTable): CostLine[] {
  const { input, output } = prices.bedrockPerMillionTokens;
  return [
    { service: 'bedrock', item: modelId, unit: 'input-token', quantity: inputTokens, usd: usd((inputTokens / 1e6) * input) },
    { service: 'bedrock', item: modelId, unit: 'output-token', quantity: outputTokens, usd: usd((outputTokens / 1e6) * output) },
  ];
}

/** The sum of cost lines, to the hundredth of a cent. */
export function totalUsd(lines: readonly CostLine[]): number {
  return usd(lines.reduce((sum, line) => sum + line.usd, 0));
}

function usd(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Every cost line of a media: its analyses' and its report's; undefined when nothing was billed. */
export function mediaCost(
  outcomes: readonly Pick<AnalysisOutcome, 'cost'>[],
  reportCost: readonly CostLine[] = [],
): { totalUsd: number; lines: CostLine[] } | undefined {
  const lines = [...outcomes.flatMap((o) => o.cost ?? []), ...reportCost];
  return lines.length > 0 ? { totalUsd: totalUsd(lines), lines } : undefined;
}

/**
 * The outcomes run `runId` produced itself, which it was billed for: a re-run's reused outcomes
 * were billed to the run that produced them. Outcomes without a run id predate re-runs.
 */
export function outcomesOfRun<T extends Pick<AnalysisOutcome, 'runId'>>(outcomes: readonly T[], runId: string): T[] {
  return outcomes.filter((outcome) => outcome.runId === undefined || outcome.runId === runId);
}
