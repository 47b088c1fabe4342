import { cancelMedia } from '../../operations/cancel-media';
import type { CliContext, CliOutput } from '../cli-context';

/** Asks a running analysis to stop; its record then says which step it was in. */
export async function cancel(ctx: CliContext, mediaId: string, out: CliOutput): Promise<{ workflowId: string; runId: string }> {
  const run = await cancelMedia(ctx.client, mediaId);
  if (!out.json) {
    out.print(`cancellation sent to ${mediaId} (run ${run.runId} of ${run.workflowId}): running steps stop at their next heartbeat, and the record says which step it was in`);
  }
  return run;
}
