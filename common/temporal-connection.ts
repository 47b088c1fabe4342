import type { DataConverter } from '@temporalio/common';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { dataConverterFor } from '../codec/codec-config';

// Not for workflows/: this module reads the environment and secrets.

/**
 * How to reach Temporal Cloud from a secret: an API key, or an mTLS client certificate pair
 * (PEM). The address and namespace may travel with the credential so rotating to another
 * namespace is one secret update.
 */
const temporalSecret = z.union([
  z.object({ apiKey: z.string().min(1), address: z.string().optional(), namespace: z.string().optional() }).strict(),
  z
    .object({
      tlsCert: z.string().includes('BEGIN CERTIFICATE'),
      tlsKey: z.string().includes('PRIVATE KEY'),
      serverCaCert: z.string().optional(),
      serverName: z.string().optional(),
      address: z.string().optional(),
      namespace: z.string().optional(),
    })
    .strict(),
]);

/** Reads a secret's string value by id or ARN (Secrets Manager in production). */
export type SecretReader = (secretId: string) => Promise<string>;

export interface TemporalSettings {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  /** Carries the payload codec when encryption is on; the same for worker, starter and CLI. */
  dataConverter: DataConverter;
  /**
   * Set when the API key came from a secret, which can be rotated under a running process:
   * {@link keepApiKeyFresh} re-reads it every `refreshMs` (0: only on demand).
   */
  apiKeySecret?: { secretId: string; refreshMs: number; apiKey: string; address?: string; namespace?: string };
}

/** How often a secret-sourced API key is re-read by default: a rotated key is in use within 5 minutes. */
const DEFAULT_REFRESH_SECONDS = 300;
const refreshSeconds = z.coerce.number().nonnegative().default(DEFAULT_REFRESH_SECONDS);

/**
 * Temporal connection settings from the standard TEMPORAL_* variables (address, namespace,
 * API key, TLS files: the envconfig profile every Temporal tool reads), overlaid with a
 * credential from `REELSCOPE_TEMPORAL_SECRET_ID` when set, so the Lambda and the Fargate
 * tasks never carry a key in their environment.
 */
export async function loadTemporalSettings(env: NodeJS.ProcessEnv = process.env, readSecret?: SecretReader): Promise<TemporalSettings> {
  const envVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  let profile: ClientConfigProfile = loadClientConfigProfile({ overrideEnvVars: envVars, disableFile: !env['TEMPORAL_CONFIG_FILE'] });
  const secretId = env['REELSCOPE_TEMPORAL_SECRET_ID'];
  let apiKeySecret: TemporalSettings['apiKeySecret'];
  if (secretId) {
    if (!readSecret) throw new Error('REELSCOPE_TEMPORAL_SECRET_ID is set but no secret reader was given');
    const secret = await readTemporalSecret(readSecret, secretId);
    profile = withSecret(profile, secret);
    if ('apiKey' in secret) {
      const refresh = refreshSeconds.safeParse(env['REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS']);
      if (!refresh.success) throw new Error('REELSCOPE_TEMPORAL_SECRET_REFRESH_SECONDS: seconds between re-reads of the Temporal secret (0: never)');
      apiKeySecret = { secretId, refreshMs: refresh.data * 1000, apiKey: secret.apiKey, address: secret.address, namespace: secret.namespace };
    }
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  return {
    connectionOptions,
    namespace: namespace ?? 'default',
    dataConverter: dataConverterFor(await withCodecSecret(env, readSecret)),
    ...(apiKeySecret ? { apiKeySecret } : {}),
  };
}

/**
 * A connection whose API key can be replaced while it stays open: the client's `Connection`
 * and the worker's `NativeConnection` both have `setApiKey`.
 */
export interface ApiKeyHolder {
  setApiKey(apiKey: string): unknown;
}

export interface ApiKeyRefreshHooks {
  /** A new key is in use on every connection (log it; never the key). */
  onRotated?: (secretId: string) => void;
  /** A re-read failed or asked for something a live connection cannot change; the old key stays. */
  onError?: (err: unknown) => void;
}

/** The handle {@link keepApiKeyFresh} returns; `stop()` before the connections close. */
export interface ApiKeyRefresh {
  /** Re-reads the secret now; true when it held a new key, now set on every connection. */
  refresh(): Promise<boolean>;
  /**
   * Runs `call`; if Temporal answers Unauthenticated (a revoked or expired key), re-reads the
   * secret and, when the key changed, runs `call` once more with the new one.
   */
  retryUnauthenticated<T>(call: () => Promise<T>): Promise<T>;
  stop(): void;
}

/** gRPC's UNAUTHENTICATED status: what Temporal Cloud answers for a revoked or expired API key. */
const GRPC_UNAUTHENTICATED = 16;

/** Whether an error (or one in its cause chain) is Temporal's Unauthenticated answer. */
export function isUnauthenticated(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === GRPC_UNAUTHENTICATED) return true;
  }
  return false;
}

/**
 * Keeps the API key of live connections in step with its secret: re-reads the secret every
 * `settings.apiKeySecret.refreshMs` and on demand, and sets a changed key on every holder,
 * so a key rotated in Secrets Manager is picked up without a restart. Rotate by adding the
 * new key to Temporal Cloud, putting it in the secret, and revoking the old key only after one
 * refresh interval. A failed re-read keeps the old key and goes to `onError`; the timer never
 * keeps the process alive. Without a secret-sourced key there is nothing to refresh.
 */
export function keepApiKeyFresh(settings: TemporalSettings, readSecret: SecretReader, holders: ApiKeyHolder[], hooks: ApiKeyRefreshHooks = {}): ApiKeyRefresh {
  const source = settings.apiKeySecret;
  let current = source?.apiKey;
  let inFlight: Promise<boolean> | undefined;

  const reread = async (): Promise<boolean> => {
    if (!source) return false;
    const secret = await readTemporalSecret(readSecret, source.secretId);
    if (!('apiKey' in secret)) throw new Error(`secret ${source.secretId} now holds an mTLS pair; a live connection keeps its API key until the process restarts`);
    if ((secret.address ?? source.address) !== source.address || (secret.namespace ?? source.namespace) !== source.namespace) {
      hooks.onError?.(new Error(`secret ${source.secretId} names another address or namespace; restart to connect there (the API key is still refreshed)`));
    }
    if (secret.apiKey === current) return false;
    for (const holder of holders) await holder.setApiKey(secret.apiKey);
    current = secret.apiKey;
    hooks.onRotated?.(source.secretId);
    return true;
  };
  // One re-read at a time: a burst of Unauthenticated calls reads the secret once.
  const refresh = () => (inFlight ??= reread().finally(() => (inFlight = undefined)));

  const timer =
    source && source.refreshMs > 0
      ? setInterval(() => void refresh().catch((err: unknown) => hooks.onError?.(err)), source.refreshMs)
      : undefined;
  timer?.unref();

  return {
    refresh,
    async retryUnauthenticated(call) {
      try {
        return await call();
      } catch (err) {
        const renewed = isUnauthenticated(err) && (await refresh().catch((refreshErr: unknown) => (hooks.onError?.(refreshErr), false)));
        if (!renewed) throw err;
        return call();
      }
    },
    stop: () => clearInterval(timer),
  };
}

const codecSecret = z.object({ keys: z.string().min(1), activeKey: z.string().min(1).optional() }).strict();

/**
 * Payload keys from `REELSCOPE_CODEC_SECRET_ID` (`{"keys": "id:base64,...", "activeKey": "id"}`)
 * in place of REELSCOPE_CODEC_KEYS: the Lambda cannot inject secrets into its environment
 * the way ECS does, and one secret for every component keeps them on the same keyring.
 */
async function withCodecSecret(env: NodeJS.ProcessEnv, readSecret?: SecretReader): Promise<NodeJS.ProcessEnv> {
  const secretId = env['REELSCOPE_CODEC_SECRET_ID'];
  if (!secretId) return env;
  if (!readSecret) throw new Error('REELSCOPE_CODEC_SECRET_ID is set but no secret reader was given');
  let json: unknown;
  try {
    json = JSON.parse(await readSecret(secretId));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    json = undefined;
  }
  const parsed = codecSecret.safeParse(json);
  if (!parsed.success) {
    throw new Error(`secret ${secretId} is not payload keys; expected {"keys": "id:base64key[,...]", "activeKey": "id"} (set it with: aws secretsmanager put-secret-value)`);
  }
  return { ...env, REELSCOPE_CODEC_KEYS: parsed.data.keys, REELSCOPE_CODEC_ACTIVE_KEY: parsed.data.activeKey };
}

async function readTemporalSecret(readSecret: SecretReader, secretId: string): Promise<z.infer<typeof temporalSecret>> {
  const raw = await readSecret(secretId);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`secret ${secretId} is not JSON; expected {"apiKey": ...} or {"tlsCert": ..., "tlsKey": ...}`);
  }
  const parsed = temporalSecret.safeParse(json);
  // The error names fields only: the values are credentials and must never reach a log.
  if (!parsed.success) {
    throw new Error(`secret ${secretId} has neither an apiKey nor a tlsCert/tlsKey pair (fields: ${Object.keys(json ?? {}).join(', ')})`);
  }
  return parsed.data;
}

function withSecret(profile: ClientConfigProfile, secret: z.infer<typeof temporalSecret>): ClientConfigProfile {
  const located = {
    ...profile,
    ...(secret.address ? { address: secret.address } : {}),
    ...(secret.namespace ? { namespace: secret.namespace } : {}),
  };
  if ('apiKey' in secret) return { ...located, apiKey: secret.apiKey };
  return {
    ...located,
    tls: {
      clientCert: { data: secret.tlsCert },
      clientKey: { data: secret.tlsKey },
      ...(secret.serverCaCert ? { serverCACert: { data: secret.serverCaCert } } : {}),
      ...(secret.serverName ? { serverName: secret.serverName } : {}),
    },
  };
}
