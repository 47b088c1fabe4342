import { z } from 'zod';
import { DEFAULT_MEDIA_SUFFIXES } from '../../common/media-suffixes';
import { DEFAULT_BEDROCK_MODEL_ID, DEFAULT_TASK_QUEUE } from '../../common/constants';
import { DEFAULT_DEPLOYMENT_NAME } from '../../common/worker-deployment';

const secretArn = z.string().regex(/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/, 'a complete secret ARN (with its 6-character suffix)');

const keyPrefix = z.string().regex(/^([^/*]+\/)+$/, 'a key prefix ending in "/", e.g. incoming/');

/**
 * Where Temporal runs. Cloud: the worker and the starter read an API key or an mTLS pair from
 * a Secrets Manager secret the stack creates (value set out of band, never in a template).
 * Self-hosted: a plain gRPC endpoint reachable from the stack's VPC (peering or a shared VPC),
 * so the starter Lambda runs in the VPC too.
 */
const temporal = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('cloud'),
    address: z.string().regex(/^[\w.-]+:\d+$/, 'host:port, e.g. my-ns.a1b2c.tmprl.cloud:7233'),
    namespace: z.string().min(1),
    /** An existing credential secret; unset, the stack creates an empty one. */
    credentialSecretArn: secretArn.optional(),
  }),
  z.object({
    mode: z.literal('self-hosted'),
    address: z.string().regex(/^[\w.-]+:\d+$/, 'host:port, e.g. temporal.internal:7233'),
    namespace: z.string().min(1).default('default'),
  }),
]);

/** Fargate's valid CPU/memory pairs for the sizes a media worker uses. */
const fargateMemoryByCpu: Record<number, [number, number]> = { 512: [1024, 4096], 1024: [2048, 8192], 2048: [4096, 16384], 4096: [8192, 30720] };

/** As the worker validates REELSCOPE_DEPLOYMENT_NAME and REELSCOPE_BUILD_ID (worker/config.ts). */
const deploymentName = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" and "-" (no "."), at most 100 characters');
const buildId = z.string().regex(/^[A-Za-z0-9_.+-]{1,255}$/, 'letters, digits, "_", "-", "." and "+", at most 255 characters');

const worker = z
  .object({
    cpu: z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(2048),
    memoryMiB: z.number().int().default(4096),
    minTasks: z.number().int().min(1).default(1),
    maxTasks: z.number().int().min(1).default(10),
    // A job-polling activity is idle almost all the time: aws workers hold many at once.
    maxConcurrentActivities: z.number().int().positive().default(50),
    maxConcurrentWorkflowTasks: z.number().int().min(2).optional(),
    maxCachedWorkflows: z.number().int().nonnegative().optional(),
    /** Seconds an in-flight activity gets after SIGTERM; the ECS stop timeout adds headroom. */
    shutdownGraceSeconds: z.number().int().positive().max(110).default(25),
    /** A prebuilt image in this account's ECR; unset builds ./Dockerfile at deploy time. */
    image: z.object({ repository: z.string().min(2), tag: z.string().min(1) }).optional(),
    /** The Worker Deployment every build of the worker polls as (docs/DEPLOYING.md, "Worker versioning"). */
    deploymentName: deploymentName.default(DEFAULT_DEPLOYMENT_NAME),
    /**
     * The build the service runs, as the server routes to it; unset, the image tag. Without
     * either (an image built at deploy time) the workers are unversioned.
     */
    buildId: buildId.optional(),
    /**
     * Earlier builds kept polling beside the current one, each a service of its own from the same
     * repository, until their pinned runs end: removing one stops its workers.
     */
    drainingBuilds: z.array(z.object({ buildId, tag: z.string().min(1) })).default([]),
  })
  .refine((w) => w.minTasks <= w.maxTasks, { message: 'minTasks must not exceed maxTasks' })
  .refine((w) => w.drainingBuilds.length === 0 || w.image, { path: ['drainingBuilds'], message: 'needs worker.image: a draining build runs its tag from that repository' })
  .refine((w) => new Set([w.buildId ?? w.image?.tag, ...w.drainingBuilds.map((b) => b.buildId)]).size === w.drainingBuilds.length + 1, {
    path: ['drainingBuilds'],
    message: 'every build id appears once: the current build (buildId, else image.tag) and each draining one',
  })
  .refine((w) => {
    const [low, high] = fargateMemoryByCpu[w.cpu] ?? [0, 0];
    return w.memoryMiB >= low && w.memoryMiB <= high && w.memoryMiB % 1024 === 0;
  }, { message: 'memoryMiB must be a Fargate size for the chosen cpu (a multiple of 1024 within its range)' });

/**
 * Cognito's rules for a prefix domain (`<prefix>.auth.<region>.amazoncognito.com`): lower-case
 * letters, digits and inner hyphens, and none of the reserved words.
 */
const authDomainPrefix = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens, at most 63 characters')
  .refine((prefix) => !/aws|amazon|cognito/.test(prefix), { message: 'must not contain "aws", "amazon" or "cognito" (reserved by Cognito)' });

const api = z.object({
  /** The hosted UI's prefix domain, unique in the region; unset, `<stack name>-<account id>`. */
  authDomainPrefix: authDomainPrefix.optional(),
  /** Steady requests per second and burst the HTTP API stage admits (the app limits per tenant besides). */
  throttleRatePerSecond: z.number().positive().max(10_000).default(50),
  throttleBurst: z.number().int().positive().max(5_000).default(100),
  memoryMiB: z.number().int().min(256).max(10_240).default(1024),
});

export const infraConfigSchema = z.object({
  stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('Reelscope'),
  taskQueue: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  temporal: temporal.default({ mode: 'cloud', address: 'my-namespace.my-account.tmprl.cloud:7233', namespace: 'my-namespace.my-account' }),
  incomingPrefix: keyPrefix.default('incoming/'),
  /** File endings the starter analyses (compared case-insensitively). */
  suffixes: z.array(z.string().regex(/^\.[a-z0-9]+$/)).min(1).default([...DEFAULT_MEDIA_SUFFIXES]),
  /** Objects smaller than this never start a workflow (empty placeholders, folder markers). */
  minSizeBytes: z.number().int().min(1).default(1),
  bedrockModelId: z.string().min(1).default(DEFAULT_BEDROCK_MODEL_ID),
  /** Encrypts workflow payloads with keys from a secret the stack creates. */
  payloadEncryption: z.boolean().default(true),
  /** An existing keyring secret; unset (with encryption on), the stack creates an empty one. */
  payloadKeysSecretArn: secretArn.optional(),
  /** The stack VPC's range: pick one that does not overlap a network it is peered with. */
  vpcCidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/(1[6-9]|2[0-4])$/, 'an IPv4 CIDR from /16 to /24').default('10.40.0.0/16'),
  /** Subscribed to the failure topic when set. */
  alarmEmail: z.email().optional(),
  worker: worker.default(worker.parse({})),
  /** Further REELSCOPE_* settings for the worker (tiers, thresholds, prices...). */
  workerEnvironment: z.record(z.string().regex(/^REELSCOPE_[A-Z_]+$/), z.string()).default({}),
  /** Further REELSCOPE_* settings for the starter (tenants, tiers, review...); the API starts media too, so it gets them as well. */
  starterEnvironment: z.record(z.string().regex(/^REELSCOPE_[A-Z_]+$/), z.string()).default({}),
  api: api.default(api.parse({})),
  /** Further REELSCOPE_* settings for the API only (upload sizes, rate limits...). */
  apiEnvironment: z.record(z.string().regex(/^REELSCOPE_[A-Z_]+$/), z.string()).default({}),
  /** The custom EventBridge bus completion events go to (not "default": the account's AWS events live there). */
  eventBusName: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,256}$/, 'letters, digits, ".", "_" and "-", at most 256 characters')
    .refine((name) => name !== 'default', { message: 'a custom bus, not the account\'s default bus' })
    .default('reelscope'),
});

export type InfraConfig = z.infer<typeof infraConfigSchema>;

/**
 * The stack's settings from the `reelscope` context value (cdk.json, or `-c reelscope='{...}'`
 * on the command line, where it arrives as a JSON string). Invalid settings fail the synth
 * with every problem named.
 */
export function parseInfraConfig(context: unknown): InfraConfig {
  const raw = typeof context === 'string' ? (JSON.parse(context) as unknown) : (context ?? {});
  const result = infraConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  reelscope.${i.path.join('.')}: ${i.message}`).join('\n');
  throw new Error(`invalid reelscope context:\n${problems}`);
}
