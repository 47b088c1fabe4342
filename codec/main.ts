import { z } from 'zod';
import { commaList, parseEnv } from '../common/env-schema';
import { AesGcmPayloadCodec } from './aes-gcm-payload-codec';
import { loadKeyring } from './codec-config';
import { MIN_TOKEN_LENGTH, startCodecServer } from './codec-server';
import { isLoopbackAddress } from './loopback';

/**
 * `npm run codec-server`: serves /encode and /decode with the keys in REELSCOPE_CODEC_KEYS.
 * Point the Web UI at it (Settings → Codec Server, or `temporal server start-dev
 * --ui-codec-endpoint`) or the CLI (`temporal workflow show --codec-endpoint --codec-auth`).
 */
const serverEnv = z
  .object({
    REELSCOPE_CODEC_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8888),
    REELSCOPE_CODEC_SERVER_HOST: z.string().default('127.0.0.1'),
    REELSCOPE_CODEC_SERVER_ORIGINS: commaList.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
    /** Comma-separated, so a new token can be added before the old one is removed. */
    REELSCOPE_CODEC_SERVER_TOKEN: commaList.pipe(z.array(z.string().min(MIN_TOKEN_LENGTH, `expected tokens of at least ${MIN_TOKEN_LENGTH} characters (openssl rand -base64 32)`))).optional(),
    REELSCOPE_CODEC_SERVER_HOSTNAMES: commaList.optional(),
    REELSCOPE_CODEC_SERVER_LOOPBACK_DEV: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
    REELSCOPE_CODEC_SERVER_NAMESPACES: commaList.optional(),
  })
  .superRefine((env, ctx) => {
    const host = env.REELSCOPE_CODEC_SERVER_HOST;
    if (env.REELSCOPE_CODEC_SERVER_LOOPBACK_DEV) {
      if (!isLoopbackAddress(host)) ctx.addIssue({ code: 'custom', path: ['REELSCOPE_CODEC_SERVER_HOST'], message: `expected 127.0.0.1 or ::1 with REELSCOPE_CODEC_SERVER_LOOPBACK_DEV=true, got ${host}` });
      if (env.REELSCOPE_CODEC_SERVER_HOSTNAMES) ctx.addIssue({ code: 'custom', path: ['REELSCOPE_CODEC_SERVER_HOSTNAMES'], message: 'not allowed with REELSCOPE_CODEC_SERVER_LOOPBACK_DEV=true, which answers to loopback names only' });
    } else if (!env.REELSCOPE_CODEC_SERVER_TOKEN?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['REELSCOPE_CODEC_SERVER_TOKEN'],
        message: 'required: a codec server decrypts for whoever calls it (on a developer machine, REELSCOPE_CODEC_SERVER_LOOPBACK_DEV=true serves loopback without one)',
      });
    }
    if (!isLoopbackAddress(host) && !env.REELSCOPE_CODEC_SERVER_HOSTNAMES?.length && !env.REELSCOPE_CODEC_SERVER_LOOPBACK_DEV) {
      ctx.addIssue({ code: 'custom', path: ['REELSCOPE_CODEC_SERVER_HOSTNAMES'], message: `required when binding to ${host}: the host names clients reach this server by (checked against the Host header)` });
    }
  });

async function main(): Promise<void> {
  const env = parseEnv(serverEnv, process.env, 'codec server');
  const keyring = loadKeyring(process.env);
  if (!keyring) throw new Error('REELSCOPE_CODEC_KEYS is not set: a codec server without keys has nothing to decrypt');
  const loopbackDevelopment = env.REELSCOPE_CODEC_SERVER_LOOPBACK_DEV;
  const server = await startCodecServer({
    codec: new AesGcmPayloadCodec(keyring),
    port: env.REELSCOPE_CODEC_SERVER_PORT,
    host: env.REELSCOPE_CODEC_SERVER_HOST,
    allowedOrigins: env.REELSCOPE_CODEC_SERVER_ORIGINS,
    loopbackDevelopment,
    ...(env.REELSCOPE_CODEC_SERVER_TOKEN ? { authTokens: env.REELSCOPE_CODEC_SERVER_TOKEN } : {}),
    ...(env.REELSCOPE_CODEC_SERVER_HOSTNAMES ? { allowedHosts: env.REELSCOPE_CODEC_SERVER_HOSTNAMES } : {}),
    ...(env.REELSCOPE_CODEC_SERVER_NAMESPACES ? { namespaces: env.REELSCOPE_CODEC_SERVER_NAMESPACES } : {}),
  });
  const auth = env.REELSCOPE_CODEC_SERVER_TOKEN?.length ? 'bearer token' : 'none (loopback development)';
  process.stdout.write(`codec server on ${server.url} (keys: ${keyring.keyIds.length}; auth: ${auth}; origins: ${env.REELSCOPE_CODEC_SERVER_ORIGINS.join(', ')})\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
