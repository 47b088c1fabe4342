import { Context } from '@temporalio/activity';
import type {
  AnalysisKind,
  AnalysisOutcome,
  AnalysisPlan,
  CancellationInfo,
  CostLine,
  FailureInfo,
  PreviousReport,
  MediaFacts,
  MediaSource,
  ReportSummary,
  SpineSummary,
  Stage,
} from '../common/types';
import type { ReviewDecision } from '../common/review';
import { mediaCost, outcomesOfRun } from '../cost/price-table';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';
import type { RecordKey, RunIdentity } from '../storage/media-records';

/** Every status write says when its run started: a newer run's record refuses an older run's writes. */
export interface RunStart {
  /** workflowInfo().startTime in ms; absent from tasks scheduled before runs passed it. */
  runStartedAt?: number;
}

export interface StageInput extends RecordKey, RunStart, RerunFields {
  status: Stage;
}

/** A re-run's: the run it re-ran and the analyses it ran again (none for a report-only run), and the earlier reports, newest first. */
export interface RerunFields {
  rerunOf?: { runId: string; analyses: AnalysisKind[] };
  previousReports?: PreviousReport[];
}

/** Everything an analysed media's record holds. */
export interface AnalysedRecord extends RecordKey, RerunFields {
  media: MediaFacts;
  plan: AnalysisPlan;
  outcomes: AnalysisOutcome[];
  spine: SpineSummary;
  report: ReportSummary;
  /** The H.264/AAC proxy of a media no browser plays as uploaded; absent when the upload plays as it is. */
  playbackRef?: string;
}

/**
 * What became of the uploaded original after COMPLETED: `archived` (the record's source is the
 * archived copy), `original-kept` (archived, but the original could not be removed: both exist),
 * `failed` (nothing was archived: the source is where it was uploaded). Absent when archiving is
 * off or the source was not under the intake prefix.
 */
export interface ArchiveNote {
  status: 'archived' | 'original-kept' | 'failed';
  /** Why the copy failed, or why the original stayed. */
  reason?: string;
  failureType?: string;
}

export type PersistInput =
  | (AnalysedRecord &
      RunStart & {
        /** AWAITING_REVIEW keeps everything a reviewer needs on the record while the workflow waits. */
        status: 'COMPLETED' | 'AWAITING_REVIEW';
        /** When a waiting review falls back to its policy's default decision. */
        reviewDue?: string;
        review?: ReviewDecision;
        /** Where the media was uploaded, once `source` is its archived copy; kept by later runs' records. */
        archivedFrom?: MediaSource;
        archive?: ArchiveNote;
      })
  | (RecordKey & RunStart & { status: 'REJECTED'; reason: FailureInfo; outcomes: AnalysisOutcome[] })
  | (RecordKey &
      RunStart &
      RerunFields & {
        status: 'CANCELLED';
        reason: FailureInfo;
        cancellation: CancellationInfo;
        outcomes: AnalysisOutcome[];
        /** The report's model tokens, when the run had written its report (cancelled while awaiting review). */
        reportCost?: CostLine[];
      });

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
    async recordStage({ status, runStartedAt, rerunOf, previousReports, ...key }: StageInput): Promise<void> {
      await withFailureMapping(() => records.update(key, currentRun(runStartedAt), status, { rerunOf, previousReports }));
    },

    async persistRecord(input: PersistInput): Promise<void> {
      const { mediaId, tenant, source, runStartedAt } = input;
      const run = currentRun(runStartedAt);
      await withFailureMapping(() => records.update({ mediaId, tenant, source }, run, input.status, recordFields(input, run.runId)));
    },

    async recordFailure({ failure, outcomes, runStartedAt, ...key }: FailureInput): Promise<void> {
      const run = currentRun(runStartedAt);
      await withFailureMapping(async () => {
        await records.addFailure(key, run, failure);
        // Jobs that ran before the failure were billed all the same.
        await records.update(key, run, 'FAILED', { reason: failure, outcomes, cost: mediaCost(outcomesOfRun(outcomes, run.runId)) });
      });
      await notifier.notify(key.mediaId, key.tenant, failure);
    },
  };
}

/** What the record holds for an outcome; its cost is what this run was billed for, not reused outputs. */
function recordFields(input: PersistInput, runId: string) {
  if (input.status === 'REJECTED') return { reason: input.reason, outcomes: input.outcomes };
  if (input.status === 'CANCELLED') {
    return {
      reason: input.reason,
      cancellation: input.cancellation,
      outcomes: input.outcomes,
      cost: mediaCost(outcomesOfRun(input.outcomes, runId), input.reportCost),
      rerunOf: input.rerunOf,
      previousReports: input.previousReports,
    };
  }
  return {
    media: input.media,
    plan: input.plan,
    outcomes: input.outcomes,
    spine: input.spine,
    report: input.report,
    flagged: input.spine.flagged,
    cost: mediaCost(outcomesOfRun(input.outcomes, runId), input.report.cost),
    estimatedCostUsd: input.plan.estimatedCostUsd,
    reviewDue: input.reviewDue,
    review: input.review,
    playbackRef: input.playbackRef,
    rerunOf: input.rerunOf,
    previousReports: input.previousReports,
    archivedFrom: input.archivedFrom,
    archive: input.archive,
  };
}

