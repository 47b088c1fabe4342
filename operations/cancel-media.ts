import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../starter/media-identity';

/** Only a running analysis can be cancelled. */
export class NotCancellableError extends Error {
  override readonly name = 'NotCancellableError';
}

/**
 * Asks a running analysis to stop: a workflow cancellation, which reaches activities through
 * their heartbeats, so running AI jobs are stopped rather than abandoned. Returns the run asked.
 */
export async function cancelMedia(client: Client, mediaId: string): Promise<{ workflowId: string; runId: string }> {
  const handle = client.workflow.getHandle(workflowIdFor(mediaId));
  const description = await handle.describe();
  if (description.status.name !== 'RUNNING') throw new NotCancellableError(`media ${mediaId} is not running (it ended ${description.status.name})`);
  await handle.cancel();
  return { workflowId: handle.workflowId, runId: description.runId };
}
