import { LanguageCode, PiiEntityType } from '@aws-sdk/client-transcribe';
import { z } from 'zod';
import type { AnalysisSettings } from '../backends/analysis-settings';
import type { AwsBackendSettings, TranscribeTenantOptions } from '../backends/aws/aws-backend-settings';
import { resolveBedrockModelId } from '../backends/aws/bedrock-model-id';
import { DEFAULT_PRICES, type PriceTable } from '../cost/price-table';
import type { BedrockSettings } from '../report/bedrock/bedrock-report-writer';
import type { JobQuota } from '../common/types';
import { parseWebhookTable, type WebhookEndpoint } from '../notifications/webhook-registry';
import type { AwsClientSettings } from '../common/aws-clients';
import { DEFAULT_BEDROCK_MODEL_ID, DEFAULT_TASK_QUEUE } from '../common/constants';
import { DEFAULT_DEPLOYMENT_NAME, type WorkerDeploymentVersion } from '../common/worker-deployment';
import { commaList, keyValueList, parseEnv } from '../common/env-schema';
import { canonicalTenant } from '../intake/media-identity';
import { storeEnvShape } from '../common/store-env';

const fraction = z.coerce.number().min(0).max(1);
const positiveInt = z.coerce.number().int().positive();

const percent = z.coerce.number().min(0).max(100);
const milliseconds = z.coerce.number().int().positive();
/** A key prefix as the starter reads one: segments ending in "/", or empty for the whole bucket. */
const keyPrefix = z.string().regex(/^([^/]+\/)*$/, 'a key prefix ending in "/" (or empty)');

/**
 * A language Transcribe batch jobs accept: its API's LanguageCode enum as the SDK ships it,
 * so `en` or `xx-YY` fail at start instead of at the first StartTranscriptionJob.
 */
const TRANSCRIBE_LANGUAGES: readonly string[] = Object.values(LanguageCode);
const transcribeLanguage = z.string().superRefine((code, ctx) => {
  if (!TRANSCRIBE_LANGUAGES.includes(code)) {
    ctx.addIssue({ code: 'custom', message: `"${code}" is not a Transcribe language code; expected one like en-US, en-GB or de-DE (the LanguageCode enum of @aws-sdk/client-transcribe)` });
  }
});

/** VocabularyName and VocabularyFilterName as the API model constrains them. */
const transcribeResourceName = z
  .string()
  .regex(/^[0-9a-zA-Z._-]{1,200}$/, 'a Transcribe resource name: letters, digits, ".", "_" and "-", 1 to 200 characters');
const PII_ENTITY_TYPES: readonly string[] = Object.values(PiiEntityType);
const languageVocabulary = z.strictObject({ vocabularyName: transcribeResourceName.optional(), vocabularyFilterName: transcribeResourceName.optional() });
const tenantTranscribeOptions = z.strictObject({
  languageCode: transcribeLanguage.optional(),
  identifyLanguages: z.enum(['single', 'multiple']).optional(),
  languageOptions: z.array(transcribeLanguage).min(2).optional(),
  vocabularyName: transcribeResourceName.optional(),
  vocabularyFilterName: transcribeResourceName.optional(),
  vocabularyFilterMethod: z.enum(['mask', 'remove', 'tag']).optional(),
  languageVocabularies: z.record(transcribeLanguage, languageVocabulary).optional(),
  redaction: z
    .strictObject({
      piiEntityTypes: z
        .array(z.string().refine((t) => PII_ENTITY_TYPES.includes(t), { message: `a PII entity type: one of ${PII_ENTITY_TYPES.join(', ')}` }))
        .min(1)
        .max(11)
        .optional(),
    })
    .optional(),
  toxicityDetection: z.boolean().optional(),
});

/**
 * Per-tenant Transcribe options as JSON keyed by tenant id, `*` the default for tenants not
 * listed: `{"*":{},"acme":{"languageCode":"en-US","vocabularyName":"acme-terms","redaction":{},"toxicityDetection":true}}`.
 */
const tenantTranscribeTable = z
  .string()
  .max(256 * 1024)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not JSON (${err instanceof Error ? err.message : String(err)}); expected an object keyed by tenant id, "*" for the default` });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), tenantTranscribeOptions))
  // Keys take the tenant's one spelling, as the starter's tenant settings do: an entry no key could match fails here.
  .transform((table, ctx) => {
    const canonical: Record<string, z.infer<typeof tenantTranscribeOptions>> = {};
    for (const [tenant, options] of Object.entries(table)) {
      const id = tenant === '*' ? tenant : canonicalTenant(tenant);
      if (!id) ctx.addIssue({ code: 'custom', message: `"${tenant}" is not a tenant id (letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters) nor "*"` });
      else if (id in canonical) ctx.addIssue({ code: 'custom', message: `tenant ${id} is listed twice` });
      else canonical[id] = options;
    }
    return canonical;
  });

/**
 * The combinations StartTranscriptionJob refuses, refused here instead, per tenant: `global`
 * is the worker's language setting the tenant's options fall back on.
 */
function checkTenantTranscribeOptions(tenant: string, options: TranscribeTenantOptions, global: { languageCode?: string; languageOptions: string[] }, ctx: z.RefinementCtx): void {
  const problem = (message: string) => ctx.addIssue({ code: 'custom', path: ['REELSCOPE_TRANSCRIBE_TENANT_OPTIONS', tenant], message });
  if (options.languageCode && options.identifyLanguages) problem('set languageCode or identifyLanguages, not both');
  const fixed = options.identifyLanguages ? undefined : (options.languageCode ?? global.languageCode);
  const candidates = options.languageOptions ?? global.languageOptions;
  if (fixed) {
    if (options.languageOptions) problem(`languageOptions are candidates for identification; the language is fixed to ${fixed}`);
    if (options.languageVocabularies) problem(`languageVocabularies apply to an identified language; with the language fixed to ${fixed}, use vocabularyName and vocabularyFilterName`);
  } else {
    if (options.vocabularyName || options.vocabularyFilterName) {
      problem('with language identification a vocabulary goes per language (languageVocabularies, sent as LanguageIdSettings), not in vocabularyName / vocabularyFilterName');
    }
    for (const code of Object.keys(options.languageVocabularies ?? {})) {
      if (!candidates.includes(code)) problem(`languageVocabularies names ${code}, which is not among the language options (${candidates.join(', ')})`);
    }
  }
  const filterNamed = !!options.vocabularyFilterName || Object.values(options.languageVocabularies ?? {}).some((v) => v.vocabularyFilterName);
  if (filterNamed && !options.vocabularyFilterMethod) problem('a vocabulary filter needs vocabularyFilterMethod (mask, remove or tag)');
  if (!filterNamed && options.vocabularyFilterMethod) problem('vocabularyFilterMethod is set without a vocabulary filter name');
  const identify = options.identifyLanguages ?? (fixed ? undefined : 'single');
  // The Transcribe developer guide: redaction is not supported with multi-language identification.
  if (options.redaction && identify === 'multiple') problem('redaction cannot be combined with identifyLanguages "multiple" (Transcribe does not support it)');
  // Transcribe detects toxicity in US English batch jobs only: refused here rather than silently skipped per job.
  if (options.toxicityDetection && fixed !== 'en-US') {
    problem(`toxicityDetection needs the language fixed to en-US (Transcribe scores US English only); this tenant's language is ${fixed ?? 'identified'}`);
  }
}

/**
 * Price overrides: `rekognition.LabelDetection=0.08,rekognition.image=0.0008,transcribe=0.015,bedrock.input=3,bedrock.output=15`.
 * The names come from the price table itself, so a feature added there is configurable at once.
 */
const IMAGE_PRICE_KEY = 'rekognition.image';
const PRICE_KEYS: readonly string[] = [
  ...Object.keys(DEFAULT_PRICES.rekognitionPerMinute).map((feature) => `rekognition.${feature}`),
  IMAGE_PRICE_KEY,
  'transcribe',
  ...Object.keys(DEFAULT_PRICES.bedrockPerMillionTokens).map((unit) => `bedrock.${unit}`),
];
const priceOverrides = keyValueList(z.coerce.number().nonnegative()).pipe(
  z.record(z.string(), z.number()).refine((r) => Object.keys(r).every((k) => PRICE_KEYS.includes(k)), {
    message: `price names are ${PRICE_KEYS.join(', ')}`,
  }),
);

/** Compose passes a variable the host did not set as null, a shell as ''; both mean unset. */
const unsetWhenEmpty = (value: unknown) => (value === '' || value === null ? undefined : value);
/**
 * The server's rules for a Worker Deployment name (no ".": its old version strings joined name
 * and build id with one) and a build id (at most 255 characters, limit.workerBuildIdSize), kept
 * to characters an image tag, a git sha or a semver can use.
 */
const deploymentName = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" and "-" (no "."), at most 100 characters');
const buildId = z.string().regex(/^[A-Za-z0-9_.+-]{1,255}$/, 'letters, digits, "_", "-", "." and "+", at most 255 characters, e.g. an image tag or a git sha');

const workerEnv = z.object({
  REELSCOPE_BACKEND: z.enum(['local', 'aws']).default('local'),
  REELSCOPE_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  REELSCOPE_DEPLOYMENT_NAME: z.preprocess(unsetWhenEmpty, deploymentName.default(DEFAULT_DEPLOYMENT_NAME)),
  REELSCOPE_BUILD_ID: z.preprocess(unsetWhenEmpty, buildId.optional()),
  ...storeEnvShape,
  REELSCOPE_TIER_MAX_SECONDS: keyValueList(z.coerce.number().positive()).default({ free: 600, standard: 14_400 }),
  REELSCOPE_MIN_CONFIDENCE: fraction.default(0.2),
  REELSCOPE_MODERATION_THRESHOLD: fraction.default(0.7),
  REELSCOPE_SCENE_THRESHOLD: fraction.default(0.3),
  REELSCOPE_FRAME_SAMPLE_SECONDS: z.coerce.number().positive().default(2),
  REELSCOPE_MAX_KEYFRAMES: positiveInt.default(24),
  REELSCOPE_THUMBNAIL_WIDTH: positiveInt.default(320),
  REELSCOPE_POCKETSPHINX_BIN: z.string().min(1).default('pocketsphinx_continuous'),
  REELSCOPE_POCKETSPHINX_MODEL_DIR: z.string().min(1).optional(),
  REELSCOPE_REKOGNITION_ENDPOINT: z.url().optional(),
  REELSCOPE_TRANSCRIBE_ENDPOINT: z.url().optional(),
  REELSCOPE_BEDROCK_ENDPOINT: z.url().optional(),
  REELSCOPE_BEDROCK_REGION: z.string().min(1).optional(),
  REELSCOPE_BEDROCK_MODEL_ID: z.string().min(1).default(DEFAULT_BEDROCK_MODEL_ID),
  REELSCOPE_BEDROCK_MAX_OUTPUT_TOKENS: positiveInt.default(4096),
  REELSCOPE_REPORT_CHUNK_TOKENS: positiveInt.default(24_000),
  REELSCOPE_REKOGNITION_MIN_CONFIDENCE: percent.default(50),
  // Rekognition's own default for face search; lower names more strangers, higher misses more of the enrolled.
  REELSCOPE_FACE_MATCH_THRESHOLD: percent.default(80),
  REELSCOPE_TRANSCRIBE_LANGUAGE: transcribeLanguage.optional(),
  REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS: commaList.pipe(z.array(transcribeLanguage).min(1)).default(['en-US', 'en-GB', 'es-US', 'fr-FR', 'de-DE']),
  REELSCOPE_TRANSCRIBE_MAX_SPEAKERS: z.coerce.number().int().min(2).max(30).default(4),
  REELSCOPE_TRANSCRIBE_SUBTITLES: commaList.pipe(z.array(z.enum(['vtt', 'srt']))).default(['vtt', 'srt']),
  REELSCOPE_TRANSCRIBE_AUDIO_TRACK_OVER_BYTES: positiveInt.default(1_900_000_000),
  REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: z.preprocess(unsetWhenEmpty, tenantTranscribeTable.optional()),
  REELSCOPE_KEYFRAME_SAMPLING_SECONDS: z.coerce.number().positive().optional(),
  REELSCOPE_KEYFRAME_SAMPLING_MAX_FRAMES: positiveInt.max(10_000).default(720),
  REELSCOPE_POLL_INITIAL_MS: milliseconds.default(1_000),
  REELSCOPE_POLL_MAX_MS: milliseconds.default(10_000),
  // Rekognition Video publishes a job's end to this topic, assuming this role (both or neither).
  REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN: z.preprocess(unsetWhenEmpty, z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'an SNS topic ARN').optional()),
  REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN: z.preprocess(unsetWhenEmpty, z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/, 'an IAM role ARN').optional()),
  // An EventBridge rule sends Transcribe's job state changes to the completion relay.
  REELSCOPE_TRANSCRIBE_NOTIFICATIONS: z.stringbool().default(false),
  // With notifications, how long an analysis waits before checking its job itself: what a lost notification costs.
  REELSCOPE_JOB_SAFETY_NET_SECONDS: positiveInt.max(3_600).default(600),
  REELSCOPE_JOB_DEADLINE_BASE_SECONDS: positiveInt.default(240),
  REELSCOPE_JOB_DEADLINE_PER_MEDIA_SECOND: z.coerce.number().nonnegative().default(2),
  REELSCOPE_QUOTA_REKOGNITION_VIDEO: positiveInt.default(20),
  REELSCOPE_QUOTA_TRANSCRIBE: positiveInt.default(100),
  REELSCOPE_QUOTA_SCOPE: z.string().regex(/^[\w.-]+$/).optional(),
  REELSCOPE_KMS_KEY_ID: z.string().min(1).optional(),
  REELSCOPE_PRICES: priceOverrides.default({}),
  REELSCOPE_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(4),
  REELSCOPE_SHUTDOWN_GRACE_SECONDS: positiveInt.max(120).default(25),
  REELSCOPE_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  /**
   * Sticky cache size. The SDK's own default is derived from V8's heap limit, not from the task's
   * memory: max(10, (heap_size_limit MiB - 200) x 600 / 1024) with reuseV8Context, i.e. 895 under
   * the image's --max-old-space-size=1536, about 1,200 with the CDK's half-the-task heap, 2,395 on a
   * 24 GB machine with no flag. Measured (docs/BENCHMARKS.md section 4, bench:scale at 500 in flight):
   * a cached analysis holds about 0.8 MiB of the workflow thread's heap (414 MiB used with 500
   * cached; RSS 1,538 MiB with all 500 cached, 1,339 MiB with 100), while a cache smaller than the
   * runs in flight replays them: at 100, 3,472 cache misses, 59% more worker CPU, 27% less throughput
   * and a workflow-task schedule-to-start median of 5-10 s instead of 0.5-1 s. So the default holds
   * issue 16's 500 analyses plus their announce children and the quota semaphores (at exactly 500
   * the cache still missed 296 times), and caps the workflow side near 500 MiB whatever the heap
   * flag says; beyond that, scale out rather than replay. Bounding V8's young generation too
   * (--max-semi-space-size=16 in the image: 32 instead of 128 MiB per isolate, two isolates) took
   * 500 in flight from 1,361 to 1,149 MiB, still above issue 16's 1 GiB; activity slots (50 or 200)
   * barely move it, the cached runs do.
   */
  REELSCOPE_MAX_CACHED_WORKFLOWS: z.coerce.number().int().nonnegative().default(600),
  REELSCOPE_METRICS_BIND_ADDRESS: z.string().regex(/^[\w.:[\]-]+:\d+$/, 'host:port, e.g. 0.0.0.0:9464').optional(),
  REELSCOPE_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  REELSCOPE_EVENT_BUS: z.string().min(1).max(1600).optional(),
  REELSCOPE_EVENTBRIDGE_ENDPOINT: z.url().optional(),
  REELSCOPE_WEBHOOKS: z.string().min(2).max(4 * 1024 * 1024).optional(),
  REELSCOPE_WEBHOOKS_SECRET_ID: z.string().min(1).max(2048).optional(),
  REELSCOPE_WEBHOOK_ALLOW_PRIVATE_TARGETS: z.stringbool().default(false),
  // Below the delivery activity's 30 s start-to-close, so an attempt ends by its own timeout, not Temporal's.
  REELSCOPE_WEBHOOK_TIMEOUT_MS: milliseconds.max(25_000).default(10_000),
  REELSCOPE_ARCHIVE_ORIGINALS: z.stringbool().default(true),
  // The starter's variable: the worker archives only what came in under it.
  REELSCOPE_INCOMING_PREFIX: keyPrefix.default('incoming/'),
  REELSCOPE_ARCHIVE_PREFIX: keyPrefix.default('processed/'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
})
  // An archive under the intake prefix would be taken in again: every copy would start an analysis.
  .refine((e) => !e.REELSCOPE_ARCHIVE_ORIGINALS || !e.REELSCOPE_ARCHIVE_PREFIX.startsWith(e.REELSCOPE_INCOMING_PREFIX), {
    path: ['REELSCOPE_ARCHIVE_PREFIX'],
    message: 'must not lie under REELSCOPE_INCOMING_PREFIX (an archived copy would start an analysis); set another prefix, or REELSCOPE_ARCHIVE_ORIGINALS=false',
  })
  .refine((e) => !e.REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN === !e.REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN, {
    path: ['REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN'],
    message: 'set REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN and REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN together: Rekognition needs the topic and the role it publishes with',
  })
  .refine((e) => !(e.REELSCOPE_WEBHOOKS && e.REELSCOPE_WEBHOOKS_SECRET_ID), {
    path: ['REELSCOPE_WEBHOOKS'],
    message: 'set REELSCOPE_WEBHOOKS or REELSCOPE_WEBHOOKS_SECRET_ID, not both',
  })
  .superRefine((e, ctx) => {
    const global = { languageCode: e.REELSCOPE_TRANSCRIBE_LANGUAGE, languageOptions: e.REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS };
    for (const [tenant, options] of Object.entries(e.REELSCOPE_TRANSCRIBE_TENANT_OPTIONS ?? {})) checkTenantTranscribeOptions(tenant, options, global, ctx);
  })
  // The aws backend calls Bedrock: the model id must be one the Bedrock region can invoke.
  .superRefine((e, ctx) => {
    if (e.REELSCOPE_BACKEND !== 'aws') return;
    const resolved = resolveBedrockModelId(e.REELSCOPE_BEDROCK_MODEL_ID, e.REELSCOPE_BEDROCK_REGION ?? e.AWS_REGION);
    if (!resolved.ok) ctx.addIssue({ code: 'custom', path: ['REELSCOPE_BEDROCK_MODEL_ID'], message: resolved.problem });
  });

/** Where outcomes are announced: the event bus, and the tenants' webhooks. */
export interface AnnounceSettings {
  /** EventBridge bus name or ARN; unset, outcomes are announced as a log line. */
  eventBus?: string;
  /** The webhook table given inline (REELSCOPE_WEBHOOKS), or the secret that holds it. */
  webhooks: { table: Map<string, WebhookEndpoint> } | { secretId: string } | undefined;
  delivery: { allowPrivate: boolean; timeoutMs: number };
}

/**
 * Where an analysed original goes once its media is COMPLETED: `<intakePrefix><rest>` is moved
 * to `<archivePrefix><rest>` in the same bucket; objects outside the intake prefix stay put.
 */
export interface ArchiveSettings {
  enabled: boolean;
  intakePrefix: string;
  archivePrefix: string;
}

/** How much one worker process takes on; the SDK's defaults where unset (the sticky cache is always set). */
export interface WorkerTuning {
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks?: number;
  /** Sticky cache size: runs kept in memory so workflow tasks need not replay (REELSCOPE_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows: number;
  /** Drain time on SIGTERM; keep it under the orchestrator's stop timeout. */
  shutdownGraceSeconds: number;
}

export interface WorkerConfig {
  backend: 'local' | 'aws';
  taskQueue: string;
  /** The Worker Deployment version this build polls as; unset (no build id), the worker is unversioned. */
  deployment?: WorkerDeploymentVersion;
  /** The Worker Deployment the builds belong to, set or not: the CLI inspects and promotes its builds. */
  deploymentName: string;
  bucket: string;
  tables: { records: string; failures: string };
  aws: AwsClientSettings & { bedrockRegion: string; kmsKeyId?: string };
  analysis: AnalysisSettings;
  awsBackend: AwsBackendSettings;
  bedrock: BedrockSettings;
  /** Account-wide concurrent job limits, shared by every worker through the quota workflows. */
  quotas: Record<JobQuota, number>;
  /** Deployments sharing an AWS account share this; default: the task queue. */
  quotaScope?: string;
  prices: PriceTable;
  tuning: WorkerTuning;
  /** Prometheus scrape endpoint of the SDK runtime (`host:port`); unset, no metrics are served. */
  metricsBindAddress?: string;
  /** Port of the /healthz endpoint (container health checks); unset, none is served. */
  healthPort?: number;
  announce: AnnounceSettings;
  archive: ArchiveSettings;
  logLevel: z.infer<typeof workerEnv>['LOG_LEVEL'];
}

/** The worker's settings from the environment (Temporal connection aside: see envconfig). */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parseEnv(workerEnv, env, 'worker');
  const bedrockRegion = e.REELSCOPE_BEDROCK_REGION ?? e.AWS_REGION;
  const model = resolveBedrockModelId(e.REELSCOPE_BEDROCK_MODEL_ID, bedrockRegion);
  return {
    backend: e.REELSCOPE_BACKEND,
    taskQueue: e.REELSCOPE_TASK_QUEUE,
    ...(e.REELSCOPE_BUILD_ID ? { deployment: { deploymentName: e.REELSCOPE_DEPLOYMENT_NAME, buildId: e.REELSCOPE_BUILD_ID } } : {}),
    deploymentName: e.REELSCOPE_DEPLOYMENT_NAME,
    bucket: e.REELSCOPE_BUCKET,
    tables: { records: e.REELSCOPE_RECORDS_TABLE, failures: e.REELSCOPE_FAILURES_TABLE },
    aws: {
      region: e.AWS_REGION,
      s3Endpoint: e.REELSCOPE_S3_ENDPOINT,
      dynamoDbEndpoint: e.REELSCOPE_DYNAMODB_ENDPOINT,
      rekognitionEndpoint: e.REELSCOPE_REKOGNITION_ENDPOINT,
      transcribeEndpoint: e.REELSCOPE_TRANSCRIBE_ENDPOINT,
      bedrockEndpoint: e.REELSCOPE_BEDROCK_ENDPOINT,
      eventBridgeEndpoint: e.REELSCOPE_EVENTBRIDGE_ENDPOINT,
      bedrockRegion,
      kmsKeyId: e.REELSCOPE_KMS_KEY_ID,
    },
    awsBackend: {
      rekognitionMinConfidence: e.REELSCOPE_REKOGNITION_MIN_CONFIDENCE,
      faceMatchThreshold: e.REELSCOPE_FACE_MATCH_THRESHOLD,
      transcribe: {
        languageCode: e.REELSCOPE_TRANSCRIBE_LANGUAGE,
        languageOptions: e.REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS,
        maxSpeakers: e.REELSCOPE_TRANSCRIBE_MAX_SPEAKERS,
        subtitleFormats: e.REELSCOPE_TRANSCRIBE_SUBTITLES,
        extractAudioOverBytes: e.REELSCOPE_TRANSCRIBE_AUDIO_TRACK_OVER_BYTES,
        ...(e.REELSCOPE_TRANSCRIBE_TENANT_OPTIONS ? { tenantOptions: e.REELSCOPE_TRANSCRIBE_TENANT_OPTIONS } : {}),
      },
      poll: { initialMs: e.REELSCOPE_POLL_INITIAL_MS, maxMs: e.REELSCOPE_POLL_MAX_MS, factor: 1.5 },
      ...(e.REELSCOPE_KEYFRAME_SAMPLING_SECONDS
        ? {
            keyframeSampling: {
              intervalSeconds: e.REELSCOPE_KEYFRAME_SAMPLING_SECONDS,
              maxFrames: e.REELSCOPE_KEYFRAME_SAMPLING_MAX_FRAMES,
            },
          }
        : {}),
      jobDeadline: { baseSeconds: e.REELSCOPE_JOB_DEADLINE_BASE_SECONDS, perMediaSecond: e.REELSCOPE_JOB_DEADLINE_PER_MEDIA_SECOND },
      notifications: {
        ...(e.REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN && e.REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN
          ? { rekognition: { topicArn: e.REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN, roleArn: e.REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN } }
          : {}),
        transcribe: e.REELSCOPE_TRANSCRIBE_NOTIFICATIONS,
        safetyNetSeconds: e.REELSCOPE_JOB_SAFETY_NET_SECONDS,
      },
    },
    bedrock: {
      // A backend that never calls Bedrock keeps the id as configured.
      modelId: model.ok ? model.modelId : e.REELSCOPE_BEDROCK_MODEL_ID,
      maxOutputTokens: e.REELSCOPE_BEDROCK_MAX_OUTPUT_TOKENS,
      chunkTokenBudget: e.REELSCOPE_REPORT_CHUNK_TOKENS,
    },
    quotas: { 'rekognition-video': e.REELSCOPE_QUOTA_REKOGNITION_VIDEO, transcribe: e.REELSCOPE_QUOTA_TRANSCRIBE },
    quotaScope: e.REELSCOPE_QUOTA_SCOPE,
    prices: applyPriceOverrides(e.REELSCOPE_PRICES),
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
    tuning: {
      maxConcurrentActivities: e.REELSCOPE_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: e.REELSCOPE_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: e.REELSCOPE_MAX_CACHED_WORKFLOWS,
      shutdownGraceSeconds: e.REELSCOPE_SHUTDOWN_GRACE_SECONDS,
    },
    metricsBindAddress: e.REELSCOPE_METRICS_BIND_ADDRESS,
    healthPort: e.REELSCOPE_HEALTH_PORT,
    announce: {
      eventBus: e.REELSCOPE_EVENT_BUS,
      webhooks: e.REELSCOPE_WEBHOOKS
        ? { table: parseWebhookTable(e.REELSCOPE_WEBHOOKS, 'REELSCOPE_WEBHOOKS') }
        : e.REELSCOPE_WEBHOOKS_SECRET_ID
          ? { secretId: e.REELSCOPE_WEBHOOKS_SECRET_ID }
          : undefined,
      delivery: { allowPrivate: e.REELSCOPE_WEBHOOK_ALLOW_PRIVATE_TARGETS, timeoutMs: e.REELSCOPE_WEBHOOK_TIMEOUT_MS },
    },
    archive: { enabled: e.REELSCOPE_ARCHIVE_ORIGINALS, intakePrefix: e.REELSCOPE_INCOMING_PREFIX, archivePrefix: e.REELSCOPE_ARCHIVE_PREFIX },
    logLevel: e.LOG_LEVEL,
  };
}

function applyPriceOverrides(overrides: Record<string, number>): PriceTable {
  const prices: PriceTable = structuredClone(DEFAULT_PRICES);
  for (const [name, value] of Object.entries(overrides)) {
    const [service, item] = name.split('.');
    if (service === 'transcribe') prices.transcribePerMinute = value;
    else if (name === IMAGE_PRICE_KEY) prices.rekognitionPerImage = value;
    else if (service === 'bedrock' && (item === 'input' || item === 'output')) prices.bedrockPerMillionTokens[item] = value;
    else if (service === 'rekognition' && item && item in prices.rekognitionPerMinute) {
      prices.rekognitionPerMinute[item as keyof PriceTable['rekognitionPerMinute']] = value;
    }
  }
  return prices;
}
