import { MAX_REFUSAL_REASONS, OTHER_REFUSALS, type BackfillCounters } from './backfill-messages';

/** Pure arithmetic of the backfill: how starts are batched under the rate, how counters add up. */

/** Splits items into batches of at most `ratePerSecond`: one batch per second. */
export function rateBatches<T>(items: readonly T[], ratePerSecond: number): T[][] {
  const size = Math.max(1, Math.floor(ratePerSecond));
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/**
 * How long to wait after a batch issued at `batchStartedAt` so the next is issued a full second
 * later: one timer per batch, none when starting took the second already.
 */
export function remainderOfSecond(batchStartedAt: number, now: number): number {
  return Math.max(0, 1000 - (now - batchStartedAt));
}

export function emptyCounters(): BackfillCounters {
  return { listed: 0, started: 0, alreadyAnalysed: 0, refused: {}, olderThanSince: 0, pages: 0 };
}

/**
 * Adds refusal counts, keeping at most MAX_REFUSAL_REASONS distinct reasons (a reason may name a
 * size or a tenant); the rest go under OTHER_REFUSALS, so the progress carried across
 * continue-as-new stays small whatever the library holds.
 */
export function addRefusals(into: Record<string, number>, more: Record<string, number>): Record<string, number> {
  const sum = { ...into };
  for (const [reason, count] of Object.entries(more)) {
    const known = reason in sum || Object.keys(sum).filter((r) => r !== OTHER_REFUSALS).length < MAX_REFUSAL_REASONS;
    const bucket = known ? reason : OTHER_REFUSALS;
    sum[bucket] = (sum[bucket] ?? 0) + count;
  }
  return sum;
}
