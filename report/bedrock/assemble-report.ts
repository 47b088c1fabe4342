import type { ModerationVerdict } from '../../common/types';
import { editorialNotes, withModelCategory } from '../editorial/editorial-notes';
import { composeSeoDescription } from '../editorial/seo-description';
import { mediaNoun } from '../extractive-writer';
import { reportCoverage, reportNotes } from '../report-coverage';
import type { Report } from '../report-schema';
import type { ReportContext } from '../report-writer';
import { groundEntities } from './ground-entities';
import type { ReportDraft } from './report-draft-schema';

/**
 * The report: the model's prose around the facts code owns. Media id, generator, the
 * moderation flags and coverage, damage and the missing analyses come from the context,
 * never from the model. The model's verdict can raise a clean spine to "flagged" (it may see
 * something in the speech the detectors scored low) or to "unverified", but cannot clear a
 * spine whose flags reached the threshold, nor call clean what moderation did not cover.
 * A chapter category off the fixed list is refused and replaced by the keyword choice; ad
 * breaks and faces come from the spine. `evidence` is every text the model was shown, for
 * grounding entity names.
 */
export function assembleReport(context: ReportContext, draft: ReportDraft, modelId: string, evidence: string): Report {
  const { spine, outcomes, media } = context;
  return {
    mediaId: context.mediaId,
    generatedBy: `amazon-bedrock ${modelId}`,
    title: draft.title,
    summary: draft.summary,
    seoDescription:
      draft.seoDescription ??
      composeSeoDescription({
        what: mediaNoun(media),
        title: draft.title,
        topics: draft.topics.map((t) => t.name),
        people: draft.entities.filter((e) => e.type === 'person').map((e) => e.name),
      }),
    chapters: chapters(draft.chapters, media.durationSeconds).map(({ category, ...chapter }) => withModelCategory(spine, chapter, category)),
    topics: uniqueBy(draft.topics, (t) => t.name.toLowerCase()),
    entities: groundEntities(draft.entities, evidence),
    moderation: {
      verdict: verdict(spine.moderation.verdict, draft.moderation.verdict),
      rationale: rationale(context, draft),
      coverage: reportCoverage(spine),
      flags: spine.moderation.flags.map(({ start, end, source, category, score }) => ({ start, end, source, category, score })),
    },
    ...reportNotes(spine),
    ...editorialNotes(spine),
    missing: outcomes
      .filter((o) => o.status !== 'succeeded')
      .map((o) => ({ analysis: o.kind, status: o.status === 'failed' ? ('failed' as const) : ('skipped' as const), reason: o.summary })),
  };
}

/** The stricter of the spine's verdict and the model's: flagged over unverified over clean. */
function verdict(fromSpine: ModerationVerdict, fromModel: ModerationVerdict): ModerationVerdict {
  if (fromSpine === 'flagged' || fromModel === 'flagged') return 'flagged';
  if (fromSpine === 'unverified' || fromModel === 'unverified') return 'unverified';
  return 'clean';
}

/** The model's rationale, with a note where code overrode its verdict. */
function rationale({ spine }: ReportContext, draft: ReportDraft): string {
  const said = draft.moderation.rationale;
  const { verdict: fromSpine, flags, coverage } = spine.moderation;
  if (draft.moderation.verdict === 'flagged' || draft.moderation.verdict === fromSpine) return said;
  if (fromSpine === 'flagged') {
    return `${said} (Verdict set to flagged: ${flags.length} moderation flag(s) reached the threshold ${spine.thresholds.moderation}.)`;
  }
  if (fromSpine === 'unverified' && draft.moderation.verdict === 'clean') {
    return `${said} (Verdict set to unverified: ${coverage.gaps.join('; ')}.)`;
  }
  return said;
}

/** Chapter times inside [0, duration], each start before its end, in order of start. */
function chapters(drafted: ReportDraft['chapters'], duration: number): ReportDraft['chapters'] {
  const clamp = (t: number) => Math.min(Math.max(0, t), Math.max(0, duration));
  return drafted
    .map((c) => ({ ...c, start: clamp(Math.min(c.start, c.end)), end: clamp(Math.max(c.start, c.end)) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}
