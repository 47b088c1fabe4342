import { retryMedia } from '../../operations/retry-media';
import type { CliContext, CliOutput } from '../cli-context';

/** Runs a media's analysis again as a new run of the same workflow id, with its original input. */
export async function retry(ctx: CliContext, mediaId: string, options: { force: boolean }, out: CliOutput): Promise<{ workflowId: string; runId?: string }> {
  const outcome = await retryMedia(ctx.client, mediaId, { force: options.force, defaultTaskQueue: ctx.starter.taskQueue });
  if (!out.json) out.print(`retrying ${mediaId}: run ${outcome.runId} of ${outcome.workflowId} (previous run ${outcome.previousRunId} ended ${outcome.previousStatus})`);
  return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}) };
}
