import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { AnalyzeMediaInput } from '../../common/types';
import { workflowIdFor } from '../../starter/media-identity';
import { startAnalysis } from '../../starter/start-analysis';
import type { CliContext, CliOutput } from '../cli-context';

/** Statuses after which a media may simply run again; a COMPLETED one needs --force. */
const RETRYABLE = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/**
 * Runs a media's analysis again as a new run of the same workflow id, with the original
 * input read from the last run's history (so tenant, tier and review policy are unchanged).
 */
export async function retry(ctx: CliContext, mediaId: string, options: { force: boolean }, out: CliOutput): Promise<{ workflowId: string; runId?: string }> {
  const handle = ctx.client.workflow.getHandle(workflowIdFor(mediaId));
  const description = await handle.describe();
  const status = description.status.name;
  if (status === 'RUNNING') throw new Error(`media ${mediaId} is still running (run ${description.runId}); nothing to retry`);
  if (!RETRYABLE.has(status) && !options.force) {
    throw new Error(`media ${mediaId} ended ${status}; pass --force to analyse it again anyway`);
  }
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`the history of ${handle.workflowId} has no start event`);
  const input = await decodeFromPayloadsAtIndex<AnalyzeMediaInput>(ctx.client.workflow.options.loadedDataConverter, 0, started.input?.payloads);
  const outcome = await startAnalysis(ctx.client, started.taskQueue?.name ?? ctx.starter.taskQueue, input, { rerun: true });
  if (!out.json) out.print(`retrying ${mediaId}: run ${outcome.runId} of ${outcome.workflowId} (previous run ${description.runId} ended ${status})`);
  return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}) };
}
