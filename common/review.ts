import { z } from 'zod';

// Pure: imported by the workflow (update validator) as well as the CLI.

/** When a tenant's flagged media wait for a human, and what happens if nobody decides. */
export interface ReviewPolicy {
  /** Review is required when the highest moderation score reaches this (0..1). */
  threshold: number;
  deadlineSeconds: number;
  /** The decision recorded when the deadline passes without one. */
  onDeadline: ReviewVerdict;
}

export type ReviewVerdict = 'approve' | 'reject';

/** What a reviewer sends with the `review` update. */
export const reviewRequest = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reviewer: z.string().trim().min(1, 'reviewer is required').max(200),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine((r) => r.decision !== 'reject' || (r.reason ?? '').length > 0, { message: 'a rejection needs a reason', path: ['reason'] });
export type ReviewRequest = z.infer<typeof reviewRequest>;

/** The decision as recorded on the media: by whom, when, and whether the deadline made it. */
export interface ReviewDecision {
  decision: ReviewVerdict;
  reviewer: string;
  reason?: string;
  decidedAt: string;
  decidedBy: 'reviewer' | 'deadline';
}
