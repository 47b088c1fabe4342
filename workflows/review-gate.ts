import { condition, setHandler } from '@temporalio/workflow';
import { reviewRequest, type ReviewDecision, type ReviewPolicy, type ReviewRequest } from '../common/review';
import { reviewUpdate } from './messages';

/**
 * The human-review step: flagged media wait, durably, for a reviewer's `review` update or
 * the policy's deadline, whichever comes first. The handler is registered when the workflow
 * starts so an early update gets a clear "not awaiting review" instead of "unknown update".
 */
export class ReviewGate {
  private open = false;
  private decision?: ReviewDecision;

  constructor() {
    setHandler(reviewUpdate, (request: ReviewRequest) => this.decide(request), { validator: (request: ReviewRequest) => this.validate(request) });
  }

  /** Waits for the decision; at the deadline the policy's default decision is recorded. */
  async await(policy: ReviewPolicy): Promise<ReviewDecision> {
    this.open = true;
    const decided = await condition(() => this.decision !== undefined, policy.deadlineSeconds * 1000);
    this.open = false;
    if (decided && this.decision) return this.decision;
    this.decision = {
      decision: policy.onDeadline,
      reviewer: 'reelscope',
      reason: `no review within ${policy.deadlineSeconds} s; the policy default applies`,
      decidedAt: new Date().toISOString(),
      decidedBy: 'deadline',
    };
    return this.decision;
  }

  /** Runs before anything is written to history: a rejected update leaves no trace. */
  private validate(request: ReviewRequest): void {
    const parsed = reviewRequest.safeParse(request);
    if (!parsed.success) throw new Error(`invalid review: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'review'}: ${i.message}`).join('; ')}`);
    if (this.decision) throw new Error(`already decided: ${this.decision.decision} by ${this.decision.reviewer}`);
    if (!this.open) throw new Error('this media is not awaiting review');
  }

  private decide(request: ReviewRequest): ReviewDecision {
    const { decision, reviewer, reason } = reviewRequest.parse(request);
    // Workflow time: deterministic on replay.
    this.decision = { decision, reviewer, ...(reason ? { reason } : {}), decidedAt: new Date().toISOString(), decidedBy: 'reviewer' };
    return this.decision;
  }
}
