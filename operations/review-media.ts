import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { reviewRequest, type ReviewDecision } from '../common/review';
import { workflowIdFor } from '../intake/media-identity';
import { reviewUpdate } from '../workflows/messages';

/** A decision that is not a valid review (a rejection with no reason, no reviewer). */
export class InvalidReviewError extends Error {
  override readonly name = 'InvalidReviewError';
}

/** The workflow's validator refused the decision (the media is not awaiting review). */
export class ReviewRefusedError extends Error {
  override readonly name = 'ReviewRefusedError';
}

/**
 * Sends a reviewer's decision to a media awaiting review and returns it as recorded. Checked
 * here first for a fast answer, and again by the workflow's validator, which is the rule.
 * Shared by the CLI and the API; the caller decides who the reviewer is.
 */
export async function reviewMedia(client: Client, mediaId: string, request: { decision: string; reviewer: string; reason?: string }): Promise<ReviewDecision> {
  const parsed = reviewRequest.safeParse({ decision: request.decision, reviewer: request.reviewer, ...(request.reason ? { reason: request.reason } : {}) });
  if (!parsed.success) throw new InvalidReviewError(`invalid review: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const handle = client.workflow.getHandle(workflowIdFor(mediaId));
  try {
    return await handle.executeUpdate(reviewUpdate, { args: [parsed.data] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ReviewRefusedError(`review of ${mediaId} refused: ${err.cause?.message ?? err.message}`, { cause: err });
    throw err;
  }
}
