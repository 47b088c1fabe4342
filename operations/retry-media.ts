import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { AnalyzeMediaInput } from '../common/types';
import { workflowIdFor } from '../intake/media-identity';
import { startAnalysis } from '../intake/start-analysis';

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
 * Runs a media's analysis again as a new run of the same workflow id, with the original
 * input read from the last run's history (so tenant, tier and review policy are unchanged).
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
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`the history of ${handle.workflowId} has no start event`);
  const input = await decodeFromPayloadsAtIndex<AnalyzeMediaInput>(client.workflow.options.loadedDataConverter, 0, started.input?.payloads);
  const outcome = await startAnalysis(client, started.taskQueue?.name ?? options.defaultTaskQueue, input, { rerun: true });
  return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}), previousRunId: description.runId, previousStatus: status };
}
