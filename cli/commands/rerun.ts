import { rerunMedia, type RerunOutcome } from '../../operations/rerun-media';
import type { CliContext, CliOutput } from '../cli-context';

/** Re-runs the named analyses of a completed media (or its report only), reusing the other outputs. */
export async function rerun(ctx: CliContext, mediaId: string, options: { analyses: string[]; reportOnly: boolean }, out: CliOutput): Promise<RerunOutcome> {
  const outcome = await rerunMedia(ctx.client, ctx.records, mediaId, { ...options, defaultTaskQueue: ctx.starter.taskQueue });
  if (!out.json) {
    const what = outcome.analyses.length > 0 ? `re-running ${outcome.analyses.join(', ')}` : 're-writing the report';
    out.print(`${what} of ${mediaId}: run ${outcome.runId} of ${outcome.workflowId}; the other outputs are those of run ${outcome.previousRunId}, whose report stays readable`);
  }
  return outcome;
}
