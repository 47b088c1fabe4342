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
}

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
  if (secretId) {
    if (!readSecret) throw new Error('REELSCOPE_TEMPORAL_SECRET_ID is set but no secret reader was given');
    profile = withSecret(profile, await readTemporalSecret(readSecret, secretId));
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  return { connectionOptions, namespace: namespace ?? 'default', dataConverter: dataConverterFor(await withCodecSecret(env, readSecret)) };
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
