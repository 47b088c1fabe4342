import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../common/constants';
import { commaList, keyValueList, parseEnv } from '../common/env-schema';

const starterEnv = z.object({
  REELSCOPE_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  REELSCOPE_INCOMING_PREFIX: z.string().regex(/^([^/]+\/)*$/, 'a key prefix ending in "/" (or empty)').default('incoming/'),
  REELSCOPE_SUFFIXES: commaList.default(['.mp4', '.mov', '.m4v', '.mkv', '.webm', '.mp3', '.m4a', '.wav', '.jpg', '.png']),
  REELSCOPE_MIN_SIZE_BYTES: z.coerce.number().int().nonnegative().default(0),
  REELSCOPE_DEFAULT_TIER: z.string().min(1).default('standard'),
  REELSCOPE_TENANT_TIERS: keyValueList(z.string().min(1)).default({}),
});

export interface StarterConfig {
  taskQueue: string;
  incomingPrefix: string;
  /** Lowercase file name endings that are analysed; others are ignored. */
  suffixes: string[];
  minSizeBytes: number;
  defaultTier: string;
  tenantTiers: Record<string, string>;
}

/** The starter's settings from the environment (Temporal connection aside: see envconfig). */
export function loadStarterConfig(env: NodeJS.ProcessEnv = process.env): StarterConfig {
  const e = parseEnv(starterEnv, env, 'starter');
  return {
    taskQueue: e.REELSCOPE_TASK_QUEUE,
    incomingPrefix: e.REELSCOPE_INCOMING_PREFIX,
    suffixes: e.REELSCOPE_SUFFIXES.map((s) => s.toLowerCase()),
    minSizeBytes: e.REELSCOPE_MIN_SIZE_BYTES,
    defaultTier: e.REELSCOPE_DEFAULT_TIER,
    tenantTiers: e.REELSCOPE_TENANT_TIERS,
  };
}
