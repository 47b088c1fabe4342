import type { Client } from '@temporalio/client';
import { ANALYSIS_KINDS, type AnalysisKind, type AnalysisOutcome, type PreviousReport, type ReportSummary } from '../common/types';
import { workflowIdFor } from '../intake/media-identity';
import { startAnalysis } from '../intake/start-analysis';
import type { MediaRecords } from '../storage/media-records';
import { rerunKinds } from '../workflows/plan';
import { lastRunInput } from './last-run-input';
import { NotRetryableError } from './retry-media';

/** A re-run that names no analysis it knows, or asks for both a report-only and analyses. */
export class InvalidRerunError extends Error {
  override readonly name = 'InvalidRerunError';
}

export interface RerunRequestOptions {
  /** Analyses to run again; the others keep their outcomes. Empty with `reportOnly`. */
  analyses: readonly string[];
  /** Re-write the report only, with the current writer or model. */
  reportOnly: boolean;
  defaultTaskQueue: string;
}

export interface RerunOutcome {
  workflowId: string;
  runId?: string;
  previousRunId: string;
  /** What runs again: the named analyses and those that read their output (unless the worker's backend cannot run one). */
  analyses: AnalysisKind[];
}

/**
 * Re-runs part of a completed analysis as a new run of the media's workflow: the named
 * analyses run again (and, in the workflow's plan, those that read their output), the others
 * keep the outcomes the record holds, and reduce, report and persist run anew. The input is the
 * last run's (tenant, tier, review policy unchanged). Shared by the CLI and the API.
 */
export async function rerunMedia(client: Client, records: MediaRecords, mediaId: string, options: RerunRequestOptions): Promise<RerunOutcome> {
  const analyses = rerunAnalyses(options);
  const handle = client.workflow.getHandle(workflowIdFor(mediaId));
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') throw new NotRetryableError(`media ${mediaId} is still running (run ${description.runId}); re-run it once it ends`, 'RUNNING');
  const record = await records.get(mediaId);
  const report = record?.['report'] as ReportSummary | undefined;
  const outcomes = record?.['outcomes'] as AnalysisOutcome[] | undefined;
  // The record must be the last run's own: a run that ended without writing it left an older
  // run's outputs there, which are not what the last run saw.
  if (record?.['status'] !== 'COMPLETED' || !report || !Array.isArray(outcomes) || record['runId'] !== description.runId) {
    throw new NotRetryableError(`media ${mediaId} has no completed analysis to re-run part of (its last run ended ${description.status.name}); retry it instead`, typeof record?.['status'] === 'string' ? record['status'] : description.status.name);
  }
  const previousRunId = description.runId;
  const earlier = Array.isArray(record['previousReports']) ? (record['previousReports'] as PreviousReport[]) : [];
  const previousReports: PreviousReport[] = [
    { runId: previousRunId, jsonRef: report.jsonRef, htmlRef: report.htmlRef, verdict: report.verdict, headline: report.headline },
    ...earlier,
  ];
  const { input, taskQueue } = await lastRunInput(client, handle);
  const again = rerunKinds(analyses);
  const playbackRef = typeof record['playbackRef'] === 'string' ? record['playbackRef'] : undefined;
  // An analysis the uploader left out runs when an operator names it.
  const skip = input.skip?.filter((kind) => !again.has(kind));
  const outcome = await startAnalysis(
    client,
    taskQueue ?? options.defaultTaskQueue,
    { ...input, ...(skip ? { skip } : {}), rerun: { fromRunId: previousRunId, analyses, reuse: outcomes, previousReports, ...(playbackRef ? { playbackRef } : {}) } },
    { rerun: true },
  );
  if (outcome.alreadyAnalysed) throw new NotRetryableError(`media ${mediaId} started running meanwhile; re-run it once it ends`, 'RUNNING');
  return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}), previousRunId, analyses: [...again] };
}

/** The named analyses, checked: known kinds, at least one unless report-only, none with it. */
function rerunAnalyses({ analyses, reportOnly }: Pick<RerunRequestOptions, 'analyses' | 'reportOnly'>): AnalysisKind[] {
  if (reportOnly && analyses.length > 0) throw new InvalidRerunError('name analyses to re-run, or ask for the report only, not both');
  if (!reportOnly && analyses.length === 0) throw new InvalidRerunError(`name the analyses to re-run (${ANALYSIS_KINDS.join(', ')}), or ask for the report only`);
  const unknown = analyses.filter((name) => !(ANALYSIS_KINDS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidRerunError(`no such analysis: ${unknown.slice(0, 5).join(', ')} (known: ${ANALYSIS_KINDS.join(', ')})`);
  return [...new Set(analyses as AnalysisKind[])];
}
