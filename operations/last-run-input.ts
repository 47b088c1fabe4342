import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { REMOVE_ARCHIVED_ORIGINAL, type RemoveOriginalInput } from '../common/archived-source';
import type { AnalyzeMediaInput, MediaSource } from '../common/types';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/**
 * The input and task queue the media's last run started with, read from its history, so a
 * retry or re-run keeps tenant, tier and review policy as they were. A re-run's own rerun
 * request is dropped: it describes that run, not the media. When that run archived the
 * original, the source is the archived copy: the upload's key may be gone.
 */
export async function lastRunInput(client: Client, handle: WorkflowHandle): Promise<{ input: AnalyzeMediaInput; taskQueue?: string }> {
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`the history of ${handle.workflowId} has no start event`);
  const converter = client.workflow.options.loadedDataConverter;
  const { rerun: _rerun, ...input } = await decodeFromPayloadsAtIndex<AnalyzeMediaInput>(converter, 0, started.input?.payloads);
  const archived = await archivedSource(client, history);
  return { input: archived ? { ...input, source: archived } : input, ...(started.taskQueue?.name ? { taskQueue: started.taskQueue.name } : {}) };
}

/**
 * Where the run moved the original, if it got as far as removing it. The removal is scheduled
 * only once the COMPLETED record names the copy, so from then on the copy is the media's place;
 * a run that stopped before it left the original where it was, and the original is what runs again.
 */
async function archivedSource(client: Client, history: History): Promise<MediaSource | undefined> {
  const removal = [...(history.events ?? [])].reverse().find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === REMOVE_ARCHIVED_ORIGINAL);
  const payloads = removal?.activityTaskScheduledEventAttributes?.input?.payloads;
  if (!payloads) return undefined;
  const { archived } = await decodeFromPayloadsAtIndex<RemoveOriginalInput>(client.workflow.options.loadedDataConverter, 0, payloads);
  return archived;
}
