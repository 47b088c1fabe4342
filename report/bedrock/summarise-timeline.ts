import type { Spine } from '../../spine/spine';
import { boundedMap } from '../../common/bounded-map';
import { chunkTimeline, type TimelineLine } from './chunk-timeline';
import type { ModelSession } from './model-session';
import { chunkPrompt, mergePrompt, reducePrompt, type PartialSummary } from './prompt';
import { chunkTool, reportTool } from './report-draft-schema';

export interface SummariseOptions {
  budgetTokens: number;
  concurrency: number;
}

/**
 * Room always left for timeline lines, however small the budget: a budget smaller than the
 * fixed part of a request (system prompt, tool schema, media facts) is a configuration
 * mistake, and overshooting it beats making no progress.
 */
const MIN_LINE_TOKENS = 256;
/** Merge rounds at most; each round at least halves the parts, so 8 covers 256 times the budget. */
const MAX_MERGE_ROUNDS = 8;

/**
 * The map step of a long media: the timeline cut at segment boundaries into parts that fit
 * the budget, each summarised by the model (a few at a time: every call draws on the
 * account's tokens per minute). When the summaries together are still too long for the
 * final request, neighbouring summaries are merged until they fit.
 */
export async function summariseTimeline(
  session: ModelSession,
  facts: string,
  spine: Spine,
  lines: readonly TimelineLine[],
  options: SummariseOptions,
): Promise<PartialSummary[]> {
  // The fixed part of a map request, with the widest time range and part numbers it can show.
  const widest = { start: spine.durationSeconds, end: spine.durationSeconds, lines: [] };
  const overhead = session.requestTokens(chunkTool, chunkPrompt(facts, widest, 9_998, 9_999));
  const chunks = chunkTimeline(lines, Math.max(MIN_LINE_TOKENS, options.budgetTokens - overhead));
  let parts = await boundedMap(chunks, options.concurrency, async (chunk, i) => ({
    start: chunk.start,
    end: chunk.end,
    draft: await session.answer(chunkTool, chunkPrompt(facts, chunk, i, chunks.length)),
  }));

  for (let round = 0; round < MAX_MERGE_ROUNDS && parts.length > 1; round++) {
    if (session.requestTokens(reportTool, reducePrompt(facts, spine, parts)) <= options.budgetTokens) break;
    const groups = groupForMerge(parts, (group) => session.requestTokens(chunkTool, mergePrompt(facts, group)) <= options.budgetTokens);
    parts = await boundedMap(groups, options.concurrency, async (group) =>
      group.length === 1
        ? (group[0] as PartialSummary)
        : { start: (group[0] as PartialSummary).start, end: (group[group.length - 1] as PartialSummary).end, draft: await session.answer(chunkTool, mergePrompt(facts, group)) },
    );
  }
  return parts;
}

/**
 * Neighbouring parts grouped while the merge request fits; at least two per group (but a
 * last single part) so each round makes progress even when two parts overshoot together.
 */
function groupForMerge(parts: readonly PartialSummary[], fits: (group: PartialSummary[]) => boolean): PartialSummary[][] {
  const groups: PartialSummary[][] = [];
  let current: PartialSummary[] = [];
  for (const part of parts) {
    if (current.length >= 2 && !fits([...current, part])) {
      groups.push(current);
      current = [];
    }
    current.push(part);
  }
  if (current.length) groups.push(current);
  return groups;
}
