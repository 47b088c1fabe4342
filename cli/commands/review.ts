import { WorkflowUpdateFailedError } from '@temporalio/client';
import { reviewRequest, type ReviewDecision } from '../../common/review';
import { workflowIdFor } from '../../starter/media-identity';
import { reviewUpdate } from '../../workflows/messages';
import type { CliContext, CliOutput } from '../cli-context';

/**
 * Sends a reviewer's decision to a media awaiting review and prints it as recorded. Checked
 * here first for a fast message, and again by the workflow's validator, which is the rule.
 */
export async function review(
  ctx: CliContext,
  mediaId: string,
  decision: string,
  options: { reviewer: string; reason?: string },
  out: CliOutput,
): Promise<ReviewDecision> {
  const request = reviewRequest.safeParse({ decision, reviewer: options.reviewer, ...(options.reason ? { reason: options.reason } : {}) });
  if (!request.success) throw new Error(`invalid review: ${request.error.issues.map((i) => i.message).join('; ')}`);
  const handle = ctx.client.workflow.getHandle(workflowIdFor(mediaId));
  let recorded: ReviewDecision;
  try {
    recorded = await handle.executeUpdate(reviewUpdate, { args: [request.data] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new Error(`review of ${mediaId} refused: ${err.cause?.message ?? err.message}`, { cause: err });
    throw err;
  }
  if (!out.json) out.print(`${recorded.decision} recorded for ${mediaId} by ${recorded.reviewer} at ${recorded.decidedAt}`);
  return recorded;
}
