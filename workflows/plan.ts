import type { AnalysisKind, AnalysisPlan, BackendCapabilities, MediaFacts, PlannedAnalysis } from '../common/types';
import { ANALYSIS_KINDS } from '../common/types';

/** Analyses that read another analysis' output, and the one they wait for. */
const DEPENDS_ON: Partial<Record<AnalysisKind, AnalysisKind>> = { audioModeration: 'transcript' };

const NEEDS_VIDEO: ReadonlySet<AnalysisKind> = new Set([
  'thumbnails',
  'visualModeration',
  'labels',
  'celebrities',
  'text',
]);
const NEEDS_AUDIO: ReadonlySet<AnalysisKind> = new Set(['transcript', 'audioModeration']);

function mediaReason(kind: AnalysisKind, media: MediaFacts): string | undefined {
  if (NEEDS_VIDEO.has(kind) && !media.video) return 'the media has no video stream';
  if (NEEDS_AUDIO.has(kind) && !media.audio) return 'the media has no audio track';
  return undefined;
}

/**
 * Chooses the analyses to run for one media: a pure function of what probe found, what the
 * backend can do and what the uploader asked to skip, so it runs inside the workflow and
 * replays identically. Every analysis appears once, run or skipped with a reason.
 */
export function planAnalyses(
  media: MediaFacts,
  capabilities: BackendCapabilities,
  skip: readonly AnalysisKind[] = [],
): AnalysisPlan {
  const minutes = media.durationSeconds / 60;
  const decided = new Map<AnalysisKind, PlannedAnalysis>();
  for (const kind of ANALYSIS_KINDS) {
    const capability = capabilities.analyses[kind];
    const prerequisite = DEPENDS_ON[kind];
    const prerequisitePlan = prerequisite ? decided.get(prerequisite) : undefined;
    let reason: string | undefined;
    if (skip.includes(kind)) reason = 'not requested';
    else if (!capability.available) reason = capability.reason;
    else reason = mediaReason(kind, media);
    if (!reason && prerequisitePlan?.decision === 'skip') reason = `needs ${prerequisite}, which is skipped`;
    decided.set(
      kind,
      reason || !capability.available
        ? { kind, decision: 'skip', reason: reason ?? 'unavailable' }
        : {
            kind,
            decision: 'run',
            estimatedCostUsd: roundCents(capability.usdPerMinute * minutes),
            after: prerequisite,
            ...(capability.quota ? { quota: capability.quota } : {}),
          },
    );
  }
  const analyses = [...decided.values()];
  const estimatedCostUsd = roundCents(
    analyses.reduce((sum, a) => sum + (a.decision === 'run' ? a.estimatedCostUsd : 0), 0),
  );
  return { analyses, estimatedCostUsd };
}

function roundCents(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
