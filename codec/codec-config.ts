import { join } from 'node:path';
import { defaultPayloadConverter, type DataConverter, type LoadedDataConverter } from '@temporalio/common';
import { z } from 'zod';
import { parseEnv } from '../common/env-schema';
import { AesGcmPayloadCodec } from './aes-gcm-payload-codec';
import { failureConverter } from './failure-converter';
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
 * The failure converter's module, for `bundleWorkflowCode({ failureConverterPath })`: a prebuilt
 * workflow bundle converts workflow failures with whatever converter it was built with.
 */
export const FAILURE_CONVERTER_PATH = join(__dirname, 'failure-converter');

/**
 * The data converter every Temporal client and worker in reelscope uses: worker, starter
 * Lambda, CLI and tests all call this, so they can never disagree about encryption. With keys,
 * failure messages and stack traces are encrypted too, not only payloads.
 */
export function dataConverterFor(env: NodeJS.ProcessEnv): DataConverter {
  const keyring = loadKeyring(env);
  if (!keyring) return {};
  // Both forms in one object. Worker.create reads only the path (it also bundles workflows with
  // it); a Client given a loaded converter uses it as is, which is what lets the esbuild-bundled
  // starter Lambda work: it has no failure-converter file to require.
  const converter: DataConverter & LoadedDataConverter = {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadCodecs: [new AesGcmPayloadCodec(keyring)],
    payloadConverter: defaultPayloadConverter,
    failureConverter,
  };
  return converter;
}
