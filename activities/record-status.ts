import { Context } from '@temporalio/activity';
import type {
  AnalysisOutcome,
  AnalysisPlan,
  FailureInfo,
  MediaFacts,
  ReportSummary,
  SpineSummary,
  Stage,
} from '../common/types';
import type { ReviewDecision } from '../common/review';
import { mediaCost } from '../cost/price-table';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';
import type { RecordKey, RunIdentity } from '../storage/media-records';

/** Every status write says when its run started: a newer run's record refuses an older run's writes. */
export interface RunStart {
  /** workflowInfo().startTime in ms; absent from tasks scheduled before runs passed it. */
  runStartedAt?: number;
}

export interface StageInput extends RecordKey, RunStart {
  status: Stage;
}

/** Everything an analysed media's record holds. */
export interface AnalysedRecord extends RecordKey {
  media: MediaFacts;
  plan: AnalysisPlan;
  outcomes: AnalysisOutcome[];
  spine: SpineSummary;
  report: ReportSummary;
  /** The H.264/AAC proxy of a media no browser plays as uploaded; absent when the upload plays as it is. */
  playbackRef?: string;
}

export type PersistInput =
  | (AnalysedRecord &
      RunStart & {
        /** AWAITING_REVIEW keeps everything a reviewer needs on the record while the workflow waits. */
        status: 'COMPLETED' | 'AWAITING_REVIEW';
        /** When a waiting review falls back to its policy's default decision. */
        reviewDue?: string;
        review?: ReviewDecision;
      })
  | (RecordKey & RunStart & { status: 'REJECTED'; reason: FailureInfo; outcomes: AnalysisOutcome[] });

export interface FailureInput extends RecordKey, RunStart {
  failure: FailureInfo;
  outcomes: AnalysisOutcome[];
}

function currentRun(runStartedAt: number | undefined): RunIdentity {
  const { workflowExecution: execution, scheduledTimestampMs } = Context.current().info;
  if (!execution) throw new Error('status writes run only as activities of a workflow');
  // Any instant inside a run orders it as well as its start does, since runs of one media never overlap.
  return { workflowId: execution.workflowId, runId: execution.runId, startedAt: runStartedAt ?? scheduledTimestampMs };
}

/**
 * Status writes: each stage, the terminal record, and a failure (table row + notification).
 * Store errors are mapped like every service error, so a request the store will never accept
 * fails at once instead of being retried until the persist deadline.
 */
export function createRecordActivities({ records, notifier }: ActivityDeps) {
  return {
    async recordStage({ status, runStartedAt, ...key }: StageInput): Promise<void> {
      await withFailureMapping(() => records.update(key, currentRun(runStartedAt), status));
    },

    async persistRecord(input: PersistInput): Promise<void> {
      const { mediaId, tenant, source, runStartedAt } = input;
      const fields =
        input.status !== 'REJECTED'
          ? {
              media: input.media,
              plan: input.plan,
              outcomes: input.outcomes,
              spine: input.spine,
              report: input.report,
              flagged: input.spine.flagged,
              cost: mediaCost(input.outcomes, input.report.cost),
              estimatedCostUsd: input.plan.estimatedCostUsd,
              reviewDue: input.reviewDue,
              review: input.review,
              playbackRef: input.playbackRef,
            }
          : { reason: input.reason, outcomes: input.outcomes };
      await withFailureMapping(() => records.update({ mediaId, tenant, source }, currentRun(runStartedAt), input.status, fields));
    },

    async recordFailure({ failure, outcomes, runStartedAt, ...key }: FailureInput): Promise<void> {
      const run = currentRun(runStartedAt);
      await withFailureMapping(async () => {
        await records.addFailure(key, run, failure);
        // Jobs that ran before the failure were billed all the same.
        await records.update(key, run, 'FAILED', { reason: failure, outcomes, cost: mediaCost(outcomes) });
      });
      await notifier.notify(key.mediaId, key.tenant, failure);
    },
  };
}
