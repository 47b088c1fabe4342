import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../intake/media-identity';
import { startAnalysis } from '../intake/start-analysis';
import { lastRunInput } from './last-run-input';

/** Statuses after which a media may simply run again; a COMPLETED one needs `force`. */
const RETRYABLE = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/** The media's last run is still going, or ended in a way that needs `force` to run again. */
export class NotRetryableError extends Error {
  override readonly name = 'NotRetryableError';
  constructor(
    message: string,
    /** The last run's status: RUNNING, or COMPLETED without `force`. */
    readonly status: string,
  ) {
    super(message);
  }
}

export interface RetryOutcome {
  workflowId: string;
  runId?: string;
  previousRunId: string;
  previousStatus: string;
}

/**
 * Runs a media's whole analysis again as a new run of the same workflow id, with the input
 * of its last run (so tenant, tier and review policy are unchanged).
 * Shared by the CLI and the API.
 */
export async function retryMedia(client: Client, mediaId: string, options: { force: boolean; defaultTaskQueue: string }): Promise<RetryOutcome> {
  const handle = client.workflow.getHandle(workflowIdFor(mediaId));
  const description = await handle.describe();
  const status = description.status.name;
  if (status === 'RUNNING') throw new NotRetryableError(`media ${mediaId} is still running (run ${description.runId}); nothing to retry`, status);
  if (!RETRYABLE.has(status) && !options.force) {
    throw new NotRetryableError(`media ${mediaId} ended ${status}; pass --force to analyse it again anyway`, status);
  }
  const { input, taskQueue } = await lastRunInput(client, handle);
  const outcome = await startAnalysis(client, taskQueue ?? options.defaultTaskQueue, input, { rerun: true });
  if (outcome.alreadyAnalysed) throw new NotRetryableError(`media ${mediaId} started running meanwhile; nothing to retry`, 'RUNNING');
  return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}), previousRunId: description.runId, previousStatus: status };
}
