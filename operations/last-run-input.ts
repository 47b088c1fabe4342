import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { AnalyzeMediaInput } from '../common/types';

/**
 * The input and task queue the media's last run started with, read from its history, so a
 * retry or re-run keeps tenant, tier and review policy as they were. A re-run's own rerun
 * request is dropped: it describes that run, not the media.
 */
export async function lastRunInput(client: Client, handle: WorkflowHandle): Promise<{ input: AnalyzeMediaInput; taskQueue?: string }> {
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`the history of ${handle.workflowId} has no start event`);
  const { rerun: _rerun, ...input } = await decodeFromPayloadsAtIndex<AnalyzeMediaInput>(client.workflow.options.loadedDataConverter, 0, started.input?.payloads);
  return { input, ...(started.taskQueue?.name ? { taskQueue: started.taskQueue.name } : {}) };
}
