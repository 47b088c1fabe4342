import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { workflowIdFor } from '../intake/media-identity';

/** Only a running analysis can be cancelled. */
export class NotCancellableError extends Error {
  override readonly name = 'NotCancellableError';
}

/**
 * Asks a running analysis to stop: a workflow cancellation, which reaches activities through
 * their heartbeats, so running AI jobs are stopped rather than abandoned. Returns the run asked.
 */
export async function cancelMedia(client: Client, mediaId: string): Promise<{ workflowId: string; runId: string }> {
  const workflowId = workflowIdFor(mediaId);
  const description = await client.workflow.getHandle(workflowId).describe();
  if (description.status.name !== 'RUNNING') throw new NotCancellableError(`media ${mediaId} is not running (it ended ${description.status.name})`);
  // The run that was found running, not whichever is latest when the request lands: a retry
  // started in between is a run nobody asked to cancel.
  const run = client.workflow.getHandle(workflowId, description.runId);
  try {
    await run.cancel();
  } catch (err) {
    // The server answers "not found" for a run that closed since describe: it ended, it exists.
    if (err instanceof WorkflowNotFoundError) throw new NotCancellableError(`media ${mediaId} is not running (its run ended while the cancellation was sent)`, { cause: err });
    throw err;
  }
  return { workflowId, runId: description.runId };
}
