import { z } from 'zod';
import { commaList, parseEnv } from '../common/env-schema';
import { AesGcmPayloadCodec } from './aes-gcm-payload-codec';
import { loadKeyring } from './codec-config';
import { startCodecServer } from './codec-server';

/**
 * `npm run codec-server`: serves /encode and /decode with the keys in REELSCOPE_CODEC_KEYS.
 * Point the Web UI at it (Settings → Codec Server, or `temporal server start-dev
 * --ui-codec-endpoint`) or the CLI (`temporal workflow show --codec-endpoint`).
 */
const serverEnv = z.object({
  REELSCOPE_CODEC_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8888),
  REELSCOPE_CODEC_SERVER_HOST: z.string().default('127.0.0.1'),
  REELSCOPE_CODEC_SERVER_ORIGINS: commaList.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  REELSCOPE_CODEC_SERVER_TOKEN: z.string().min(16).optional(),
  REELSCOPE_CODEC_SERVER_NAMESPACES: commaList.optional(),
});

async function main(): Promise<void> {
  const env = parseEnv(serverEnv, process.env, 'codec server');
  const keyring = loadKeyring(process.env);
  if (!keyring) throw new Error('REELSCOPE_CODEC_KEYS is not set: a codec server without keys has nothing to decrypt');
  const server = await startCodecServer({
    codec: new AesGcmPayloadCodec(keyring),
    port: env.REELSCOPE_CODEC_SERVER_PORT,
    host: env.REELSCOPE_CODEC_SERVER_HOST,
    allowedOrigins: env.REELSCOPE_CODEC_SERVER_ORIGINS,
    authToken: env.REELSCOPE_CODEC_SERVER_TOKEN,
    namespaces: env.REELSCOPE_CODEC_SERVER_NAMESPACES,
  });
  process.stdout.write(`codec server on ${server.url} (keys: ${keyring.keyIds.join(', ')}; active ${keyring.activeKeyId}; origins: ${env.REELSCOPE_CODEC_SERVER_ORIGINS.join(', ')})\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`codec server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
