import { runResultsPrefix } from './run-results-prefix';
import type { AnalysisOutcome, MediaFacts, SpineSummary } from '../common/types';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';
import type { BranchOutputs } from '../spine/branch-outputs';
import { buildSpine } from '../spine/build-spine';

export interface ReduceInput {
  mediaId: string;
  tenant: string;
  media: MediaFacts;
  outcomes: AnalysisOutcome[];
}

/** Reduce: reads every succeeded branch output and writes the spine next to them. */
export function createReduceActivity({ store, settings }: ActivityDeps) {
  return async function reduceSpine({ mediaId, tenant, media, outcomes }: ReduceInput): Promise<SpineSummary> {
    return withFailureMapping(() => reduce(mediaId, tenant, media, outcomes));
  };

  async function reduce(mediaId: string, tenant: string, media: MediaFacts, outcomes: AnalysisOutcome[]): Promise<SpineSummary> {
    const outputs: BranchOutputs = {};
    await Promise.all(
      outcomes
        .filter((o) => o.status === 'succeeded' && o.ref)
        .map(async (o) => {
          (outputs as Record<string, unknown>)[o.kind] = await store.getJson(o.ref as string);
        }),
    );
    const streams = { kind: media.kind, durationSeconds: media.durationSeconds, hasVideo: !!media.video, hasAudio: !!media.audio };
    const spine = buildSpine(mediaId, streams, outputs, {
      minConfidence: settings.minConfidence,
      moderation: settings.moderationThreshold,
    });
    const ref = await store.putJson(`${runResultsPrefix(tenant, mediaId)}spine.json`, spine);
    return { ref, segments: spine.segments.length, flagged: spine.moderation.flagged, maxModerationScore: spine.moderation.maxScore };
  }
}
