import { z } from 'zod';
import type { AnalysisSettings } from '../activities/analysis-settings';
import { DEFAULT_TASK_QUEUE } from '../common/constants';
import { commaList, keyValueList, parseEnv } from '../common/env-schema';

const fraction = z.coerce.number().min(0).max(1);
const positiveInt = z.coerce.number().int().positive();

const workerEnv = z.object({
  REELSCOPE_BACKEND: z.enum(['local']).default('local'),
  REELSCOPE_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  REELSCOPE_BUCKET: z.string().min(3).default('reelscope-media'),
  REELSCOPE_RECORDS_TABLE: z.string().min(3).default('reelscope-media'),
  REELSCOPE_FAILURES_TABLE: z.string().min(3).default('reelscope-failures'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  REELSCOPE_S3_ENDPOINT: z.url().optional(),
  REELSCOPE_DYNAMODB_ENDPOINT: z.url().optional(),
  REELSCOPE_ACCEPTED_KINDS: commaList.pipe(z.array(z.enum(['video', 'audio', 'image'])).min(1)).default(['video']),
  REELSCOPE_TIER_MAX_SECONDS: keyValueList(z.coerce.number().positive()).default({ free: 600, standard: 14_400 }),
  REELSCOPE_MIN_CONFIDENCE: fraction.default(0.2),
  REELSCOPE_MODERATION_THRESHOLD: fraction.default(0.7),
  REELSCOPE_SCENE_THRESHOLD: fraction.default(0.3),
  REELSCOPE_FRAME_SAMPLE_SECONDS: z.coerce.number().positive().default(2),
  REELSCOPE_MAX_KEYFRAMES: positiveInt.default(24),
  REELSCOPE_THUMBNAIL_WIDTH: positiveInt.default(320),
  REELSCOPE_POCKETSPHINX_BIN: z.string().min(1).default('pocketsphinx_continuous'),
  REELSCOPE_POCKETSPHINX_MODEL_DIR: z.string().min(1).optional(),
  REELSCOPE_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(4),
  REELSCOPE_SHUTDOWN_GRACE_SECONDS: positiveInt.max(120).default(25),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

export interface WorkerConfig {
  backend: 'local';
  taskQueue: string;
  bucket: string;
  tables: { records: string; failures: string };
  aws: { region: string; s3Endpoint?: string; dynamoDbEndpoint?: string };
  analysis: AnalysisSettings;
  maxConcurrentActivities: number;
  shutdownGraceSeconds: number;
  logLevel: z.infer<typeof workerEnv>['LOG_LEVEL'];
}

/** The worker's settings from the environment (Temporal connection aside: see envconfig). */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(workerEnv, env, 'worker');
  return {
    backend: e.REELSCOPE_BACKEND,
    taskQueue: e.REELSCOPE_TASK_QUEUE,
    bucket: e.REELSCOPE_BUCKET,
    tables: { records: e.REELSCOPE_RECORDS_TABLE, failures: e.REELSCOPE_FAILURES_TABLE },
    aws: { region: e.AWS_REGION, s3Endpoint: e.REELSCOPE_S3_ENDPOINT, dynamoDbEndpoint: e.REELSCOPE_DYNAMODB_ENDPOINT },
    analysis: {
      acceptedKinds: e.REELSCOPE_ACCEPTED_KINDS,
      tierMaxSeconds: e.REELSCOPE_TIER_MAX_SECONDS,
      minConfidence: e.REELSCOPE_MIN_CONFIDENCE,
      moderationThreshold: e.REELSCOPE_MODERATION_THRESHOLD,
      sceneThreshold: e.REELSCOPE_SCENE_THRESHOLD,
      frameSampleSeconds: e.REELSCOPE_FRAME_SAMPLE_SECONDS,
      maxKeyframes: e.REELSCOPE_MAX_KEYFRAMES,
      thumbnailWidth: e.REELSCOPE_THUMBNAIL_WIDTH,
      pocketsphinxBinary: e.REELSCOPE_POCKETSPHINX_BIN,
      pocketsphinxModelDir: e.REELSCOPE_POCKETSPHINX_MODEL_DIR,
    },
    maxConcurrentActivities: e.REELSCOPE_MAX_CONCURRENT_ACTIVITIES,
    shutdownGraceSeconds: e.REELSCOPE_SHUTDOWN_GRACE_SECONDS,
    logLevel: e.LOG_LEVEL,
  };
}
