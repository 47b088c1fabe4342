/**
 * AWS service cost per video at list prices (cost/price-table.ts), for 1, 10 and
 * 60 minutes of media, next to the seed moderation design's table. The same functions price
 * every real run into its record, so these figures are what the records would show.
 * Writes docs/benchmarks/cost.json.
 *   npm run bench:cost
 */
import {
  DEFAULT_PRICES,
  bedrockCost,
  rekognitionCost,
  rekognitionImageCost,
  totalUsd,
  transcribeCost,
  type RekognitionFeature,
} from '../../cost/price-table';
import { DEFAULT_BEDROCK_MODEL_ID } from '../../common/constants';
import { benchOutput } from './bench-output';
import { runBench } from './bench-stack';
import { TEMPORAL_USD_PER_ACTION, heartbeatsReachingServer } from './step-functions-model';

const SEED_TABLE: Record<number, number> = { 1: 0.33, 10: 3.24, 60: 19.44 };
const ALL: RekognitionFeature[] = ['LabelDetection', 'ContentModeration', 'CelebrityRecognition', 'TextDetection', 'SegmentDetection'];
/** Selective invocation: the uploader skips text and shots (`skip` in the start input), the seed design's set. */
const SELECTIVE: RekognitionFeature[] = ['LabelDetection', 'ContentModeration', 'CelebrityRecognition'];
/**
 * Keyframe sampling (REELSCOPE_KEYFRAME_SAMPLING_SECONDS=5, the default cap of 720 frames):
 * labels, moderation and celebrities as image calls, at most one frame per 5 s slot. The frame count is
 * the upper bound; media with keyframes further apart than 5 s yields fewer.
 */
const SAMPLING_SECONDS = 5;
const SAMPLING_MAX_FRAMES = 720;

/**
 * Report tokens, an assumption until real Bedrock runs are measured: a fixed prompt and
 * schema of ~3,000 tokens plus ~400 per minute of timeline (speech at ~150 words a minute
 * and the label, moderation and shot lanes), 1,500 tokens out; over the 24,000-token chunk
 * budget the map-reduce pass adds a second read of about a tenth.
 */
function reportTokens(minutes: number): { input: number; output: number } {
  const input = 3_000 + 400 * minutes;
  return input > 24_000 ? { input: Math.round(input * 1.1), output: 3_000 } : { input, output: 1_500 };
}

function videoCost(minutes: number, features: RekognitionFeature[]): number {
  const seconds = minutes * 60;
  const tokens = reportTokens(minutes);
  return totalUsd([
    ...features.map((feature) => rekognitionCost(feature, seconds, DEFAULT_PRICES)),
    transcribeCost(seconds, DEFAULT_PRICES),
    ...bedrockCost(DEFAULT_BEDROCK_MODEL_ID, tokens.input, tokens.output, DEFAULT_PRICES),
  ]);
}

/** The selective set (labels, moderation, celebrities), each from its image API on sampled keyframes. */
function keyframeCost(minutes: number): number {
  const seconds = minutes * 60;
  const tokens = reportTokens(minutes);
  const frames = Math.min(SAMPLING_MAX_FRAMES, Math.ceil(seconds / SAMPLING_SECONDS));
  return totalUsd([
    rekognitionImageCost('DetectLabels', frames, DEFAULT_PRICES),
    rekognitionImageCost('DetectModerationLabels', frames, DEFAULT_PRICES),
    rekognitionImageCost('RecognizeCelebrities', frames, DEFAULT_PRICES),
    transcribeCost(seconds, DEFAULT_PRICES),
    ...bedrockCost(DEFAULT_BEDROCK_MODEL_ID, tokens.input, tokens.output, DEFAULT_PRICES),
  ]);
}

/** Temporal Cloud actions per video: 54 in the history (bench:pipeline, 2026-12-01) plus heartbeats of six 1x-real-time jobs. */
function temporalCost(minutes: number): number {
  return (54 + 6 * heartbeatsReachingServer(minutes * 60, 30)) * TEMPORAL_USD_PER_ACTION;
}

async function main(): Promise<void> {
  const output = benchOutput('cost');
  const rows = [1, 10, 60].map((minutes) => ({
    mediaMinutes: minutes,
    seedDesignUsd: SEED_TABLE[minutes]!,
    allAnalysesUsd: videoCost(minutes, ALL),
    selectiveUsd: videoCost(minutes, SELECTIVE),
    selectiveKeyframeSamplingUsd: keyframeCost(minutes),
    temporalCloudActionsUsd: temporalCost(minutes),
  }));
  console.log(`| media | seed design | reelscope, all analyses | selective (seed set) | selective + keyframe sampling (${SAMPLING_SECONDS} s) | Temporal Cloud actions |`);
  console.log('|---|---|---|---|---|---|');
  const usd = (n: number) => `$${n.toFixed(n < 0.1 ? 4 : 2)}`;
  for (const r of rows) {
    console.log(`| ${r.mediaMinutes} min | ${usd(r.seedDesignUsd)} | ${usd(r.allAnalysesUsd)} | ${usd(r.selectiveUsd)} | ${usd(r.selectiveKeyframeSamplingUsd)} | ${usd(r.temporalCloudActionsUsd)} |`);
  }
  await output.write({
    assumptions: { samplingSeconds: SAMPLING_SECONDS, samplingMaxFrames: SAMPLING_MAX_FRAMES, bedrockModelId: DEFAULT_BEDROCK_MODEL_ID, reportTokens: 'input 3,000 + 400 per minute (x1.1 over 24,000), output 1,500 (3,000 over 24,000)' },
    prices: DEFAULT_PRICES,
    perVideo: rows,
  });
}

runBench(main);
