import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../common/constants';
import { DEFAULT_MEDIA_SUFFIXES } from '../common/media-suffixes';
import { commaList, keyValueList, parseEnv } from '../common/env-schema';
import type { ReviewPolicy } from '../common/review';
import { canonicalTenant } from './media-identity';

/**
 * Tenant ids in settings pass the same check as a tenant read from a key, and take its one
 * spelling (lower case), so every policy lookup compares like with like: a default tenant ends
 * up in result keys, Transcribe's OutputKey (`[a-zA-Z0-9-_.!*'()/]{1,1024}`) and the search
 * attributes, so a space or a slash must fail at start, not at the first transcription; a
 * review or tier entry no key could ever match must fail at start, not silently never apply.
 */
const TENANT_ID_FORM = 'a tenant id: letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters';
const tenantIdOr = (wildcard?: '*') =>
  z.string().transform((tenant, ctx) => {
    const canonical = tenant === wildcard ? tenant : canonicalTenant(tenant);
    if (canonical) return canonical;
    ctx.addIssue({ code: 'custom', message: `${TENANT_ID_FORM}, got "${tenant}"` });
    return z.NEVER;
  });
const tenantId = tenantIdOr();
const tenantList = commaList.pipe(z.array(tenantIdOr('*')));
const tenantTiers = keyValueList(z.string().min(1)).transform((tiers, ctx) => {
  const canonical: Record<string, string> = {};
  for (const [tenant, tier] of Object.entries(tiers)) {
    const id = canonicalTenant(tenant);
    if (!id) ctx.addIssue({ code: 'custom', message: `${TENANT_ID_FORM}, got "${tenant}"` });
    else canonical[id] = tier;
  }
  return canonical;
});

const starterEnv = z.object({
  REELSCOPE_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  REELSCOPE_INCOMING_PREFIX: z.string().regex(/^([^/]+\/)*$/, 'a key prefix ending in "/" (or empty)').default('incoming/'),
  REELSCOPE_SUFFIXES: commaList.default([...DEFAULT_MEDIA_SUFFIXES]),
  REELSCOPE_MIN_SIZE_BYTES: z.coerce.number().int().nonnegative().default(0),
  REELSCOPE_DEFAULT_TENANT: tenantId.optional(),
  REELSCOPE_DEFAULT_TIER: z.string().min(1).default('standard'),
  REELSCOPE_TENANT_TIERS: tenantTiers.default({}),
  REELSCOPE_REVIEW_TENANTS: tenantList.default([]),
  REELSCOPE_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
  REELSCOPE_REVIEW_DEADLINE_SECONDS: z.coerce.number().int().positive().default(48 * 3600),
  REELSCOPE_REVIEW_DEFAULT: z.enum(['approve', 'reject']).default('reject'),
});

export interface IntakeConfig {
  taskQueue: string;
  incomingPrefix: string;
  /** Lowercase file name endings that are analysed (`*`: any, probe decides); others are ignored. */
  suffixes: string[];
  minSizeBytes: number;
  /** Owner of keys directly under the prefix (single-tenant buckets); unset, such keys are refused. */
  defaultTenant?: string;
  defaultTier: string;
  tenantTiers: Record<string, string>;
  /** Tenants whose flagged media wait for a human (`*` for all), and how. */
  review: { tenants: string[]; policy: ReviewPolicy };
}

/**
 * What is taken in, and how: the incoming prefix, file endings, tenants' tiers and review
 * policies. One reading for every way media enters (the starter Lambda, the API's upload
 * complete, the CLI), so they admit the same uploads (Temporal connection aside: see
 * common/temporal-connection).
 */
export function loadIntakeConfig(env: NodeJS.ProcessEnv = process.env): IntakeConfig {
  const e = parseEnv(starterEnv, env, 'starter');
  return {
    taskQueue: e.REELSCOPE_TASK_QUEUE,
    incomingPrefix: e.REELSCOPE_INCOMING_PREFIX,
    suffixes: e.REELSCOPE_SUFFIXES.map((s) => s.toLowerCase()),
    minSizeBytes: e.REELSCOPE_MIN_SIZE_BYTES,
    ...(e.REELSCOPE_DEFAULT_TENANT ? { defaultTenant: e.REELSCOPE_DEFAULT_TENANT } : {}),
    defaultTier: e.REELSCOPE_DEFAULT_TIER,
    tenantTiers: e.REELSCOPE_TENANT_TIERS,
    review: {
      tenants: e.REELSCOPE_REVIEW_TENANTS,
      policy: {
        threshold: e.REELSCOPE_REVIEW_THRESHOLD,
        deadlineSeconds: e.REELSCOPE_REVIEW_DEADLINE_SECONDS,
        onDeadline: e.REELSCOPE_REVIEW_DEFAULT,
      },
    },
  };
}

/** The review policy for a tenant's uploads (by its canonical id), or none when its media never wait for a human. */
export function reviewPolicyFor(config: IntakeConfig, tenant: string): ReviewPolicy | undefined {
  const { tenants, policy } = config.review;
  return tenants.includes('*') || tenants.includes(tenant) ? policy : undefined;
}
