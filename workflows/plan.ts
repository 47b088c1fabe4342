import type { AnalysisKind, AnalysisPlan, BackendCapabilities, Capability, MediaFacts, PlannedAnalysis, RerunRequest } from '../common/types';
import { ANALYSIS_KINDS } from '../common/types';

/** Analyses that read another analysis' output, and the one they wait for. */
const DEPENDS_ON: Partial<Record<AnalysisKind, AnalysisKind>> = { audioModeration: 'transcript' };

/** A kind the probing worker's backend did not list: it was added after that probe ran. */
const NOT_OFFERED: Capability = { available: false, reason: 'the worker that probed this media did not offer this analysis' };

const NEEDS_VIDEO: ReadonlySet<AnalysisKind> = new Set([
  'thumbnails',
  'visualModeration',
  'labels',
  'celebrities',
  'text',
  'faces',
]);
const NEEDS_AUDIO: ReadonlySet<AnalysisKind> = new Set(['transcript', 'audioModeration']);

function mediaReason(kind: AnalysisKind, media: MediaFacts): string | undefined {
  if (NEEDS_VIDEO.has(kind) && !media.video) return 'the media has no video stream';
  if (NEEDS_AUDIO.has(kind) && !media.audio) return 'the media has no audio track';
  return undefined;
}

/**
 * What a re-run runs again: the named analyses and, transitively, every analysis that reads
 * one of their outputs (a new transcript makes the old audio moderation stale).
 */
export function rerunKinds(named: readonly AnalysisKind[]): Set<AnalysisKind> {
  const kinds = new Set(named);
  // ANALYSIS_KINDS lists a prerequisite before the analyses that read it.
  for (const kind of ANALYSIS_KINDS) {
    const prerequisite = DEPENDS_ON[kind];
    if (prerequisite && kinds.has(prerequisite)) kinds.add(kind);
  }
  return kinds;
}

/**
 * Chooses the analyses to run for one media: a pure function of what probe found, what the
 * backend can do, what the uploader asked to skip and, for a re-run, which analyses run again,
 * so it runs inside the workflow and replays identically. Every analysis appears once: run,
 * skipped with a reason, or (in a re-run) reused from the run that produced it.
 */
export function planAnalyses(
  media: MediaFacts,
  capabilities: BackendCapabilities,
  skip: readonly AnalysisKind[] = [],
  rerun?: Pick<RerunRequest, 'fromRunId' | 'analyses' | 'reuse'>,
): AnalysisPlan {
  const minutes = media.durationSeconds / 60;
  const decided = new Map<AnalysisKind, PlannedAnalysis>();
  const again = rerun ? rerunKinds(rerun.analyses) : undefined;
  for (const kind of ANALYSIS_KINDS) {
    if (rerun && again && !again.has(kind)) {
      decided.set(kind, kept(kind, rerun));
      continue;
    }
    const capability: Capability = capabilities.analyses[kind] ?? NOT_OFFERED;
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

/** An analysis a re-run does not run again: the earlier outcome stands, a skip with its reason. */
function kept(kind: AnalysisKind, rerun: Pick<RerunRequest, 'fromRunId' | 'reuse'>): PlannedAnalysis {
  const earlier = rerun.reuse.find((outcome) => outcome.kind === kind);
  if (!earlier) return { kind, decision: 'skip', reason: 'not re-run, and the earlier run has no outcome of it' };
  if (earlier.status === 'skipped') return { kind, decision: 'skip', reason: earlier.summary };
  return { kind, decision: 'reuse', fromRunId: earlier.runId ?? rerun.fromRunId };
}

function roundCents(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
