import type { DataConverter } from '@temporalio/common';
import { z } from 'zod';
import { parseEnv } from '../common/env-schema';
import { AesGcmPayloadCodec } from './aes-gcm-payload-codec';
import { parseKeyring, type PayloadKeyring } from './payload-keyring';

const codecEnv = z.object({
  /** `id:base64key[,id:base64key...]`; unset means payloads are stored in clear. */
  REELSCOPE_CODEC_KEYS: z.string().optional(),
  /** Which key encrypts; defaults to the first listed. */
  REELSCOPE_CODEC_ACTIVE_KEY: z.string().optional(),
});

/** The keyring from the environment, or undefined when encryption is off. */
export function loadKeyring(env: NodeJS.ProcessEnv): PayloadKeyring | undefined {
  const { REELSCOPE_CODEC_KEYS: keys, REELSCOPE_CODEC_ACTIVE_KEY: active } = parseEnv(codecEnv, env, 'payload encryption');
  if (!keys?.trim()) {
    if (active) throw new Error('invalid payload encryption configuration:\n  REELSCOPE_CODEC_ACTIVE_KEY is set but REELSCOPE_CODEC_KEYS is not');
    return undefined;
  }
  return parseKeyring(keys, active || undefined);
}

/**
 * The data converter every Temporal client and worker in reelscope uses: worker, starter
 * Lambda, CLI and tests all call this, so they can never disagree about encryption.
 */
export function dataConverterFor(env: NodeJS.ProcessEnv): DataConverter {
  const keyring = loadKeyring(env);
  return keyring ? { payloadCodecs: [new AesGcmPayloadCodec(keyring)] } : {};
}
