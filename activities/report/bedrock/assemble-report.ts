import type { Report } from '../report-schema';
import type { ReportContext } from '../report-writer';
import { groundEntities } from './ground-entities';
import type { ReportDraft } from './report-draft-schema';

/**
 * The report: the model's prose around the facts code owns. Media id, generator, the
 * moderation flags and the missing analyses come from the context, never from the model.
 * The model's verdict can raise a clean spine to "flagged" (it may see something in the
 * speech the detectors scored low) but cannot clear a spine whose flags reached the
 * threshold. `evidence` is every text the model was shown, for grounding entity names.
 */
export function assembleReport(context: ReportContext, draft: ReportDraft, modelId: string, evidence: string): Report {
  const { spine, outcomes, media } = context;
  return {
    mediaId: context.mediaId,
    generatedBy: `amazon-bedrock ${modelId}`,
    title: draft.title,
    summary: draft.summary,
    chapters: chapters(draft.chapters, media.durationSeconds),
    topics: uniqueBy(draft.topics, (t) => t.name.toLowerCase()),
    entities: groundEntities(draft.entities, evidence),
    moderation: {
      verdict: spine.moderation.flagged ? 'flagged' : draft.moderation.verdict,
      rationale:
        spine.moderation.flagged && draft.moderation.verdict === 'clean'
          ? `${draft.moderation.rationale} (Verdict set to flagged: ${spine.moderation.flags.length} moderation flag(s) reached the threshold ${spine.thresholds.moderation}.)`
          : draft.moderation.rationale,
      flags: spine.moderation.flags.map(({ start, end, source, category, score }) => ({ start, end, source, category, score })),
    },
    missing: outcomes
      .filter((o) => o.status !== 'succeeded')
      .map((o) => ({ analysis: o.kind, status: o.status === 'failed' ? ('failed' as const) : ('skipped' as const), reason: o.summary })),
  };
}

/** Chapter times inside [0, duration], each start before its end, in order of start. */
function chapters(drafted: ReportDraft['chapters'], duration: number): Report['chapters'] {
  const clamp = (t: number) => Math.min(Math.max(0, t), Math.max(0, duration));
  return drafted
    .map((c) => ({ ...c, start: clamp(Math.min(c.start, c.end)), end: clamp(Math.max(c.start, c.end)) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}
