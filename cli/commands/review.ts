import type { ReviewDecision } from '../../common/review';
import { reviewMedia } from '../../operations/review-media';
import type { CliContext, CliOutput } from '../cli-context';

/** Sends a reviewer's decision to a media awaiting review and prints it as recorded. */
export async function review(
  ctx: CliContext,
  mediaId: string,
  decision: string,
  options: { reviewer: string; reason?: string },
  out: CliOutput,
): Promise<ReviewDecision> {
  const recorded = await reviewMedia(ctx.client, mediaId, { decision, reviewer: options.reviewer, ...(options.reason ? { reason: options.reason } : {}) });
  if (!out.json) out.print(`${recorded.decision} recorded for ${mediaId} by ${recorded.reviewer} at ${recorded.decidedAt}`);
  return recorded;
}
