import { createHash } from 'node:crypto';
import type { AnalysisKind } from '../../common/types';
import type { AnalysisRun } from '../analysis-backend';
import type { AwsBackendSettings } from './aws-backend-settings';

/** Whether the run's signal aborted because the workflow cancelled it, rather than a timeout or a shutdown a retry follows. */
export function isCancellation(run: AnalysisRun): boolean {
  return run.signal.aborted && run.cancelRequested?.() === true;
}

/** Heartbeat, resume and deadline settings shared by every job of a run. */
export function polling(run: AnalysisRun, settings: AwsBackendSettings) {
  const { baseSeconds, perMediaSecond } = settings.jobDeadline;
  return {
    resumeFrom: run.resumeFrom,
    heartbeat: run.heartbeat,
    signal: run.signal,
    deadlineMs: (baseSeconds + perMediaSecond * run.input.media.durationSeconds) * 1000,
    schedule: settings.poll,
  };
}

/**
 * Transcribe job names are unique per account and readable in its console: the workflow
 * id, a short hash of the run and the analysis. A new run of the same media (a retry after
 * FAILED) starts fresh jobs; every attempt within one run finds its own.
 */
export function jobName({ execution }: AnalysisRun, kind: AnalysisKind): string {
  return `${execution.workflowId}-${shortHash(execution.runId)}-${kind}`.replace(/[^0-9a-zA-Z._-]/g, '_').slice(0, 200);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
