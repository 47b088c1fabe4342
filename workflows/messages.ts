import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { PROGRESS_QUERY, REVIEW_UPDATE } from '../common/constants';
import type { ReviewDecision, ReviewRequest } from '../common/review';
import type { Progress } from '../common/types';

/** Where a media is in the pipeline: stage, each branch's state, percent. */
export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);

/**
 * A reviewer's decision on flagged media. An update rather than a signal: the caller learns
 * at once whether it was accepted (validated, media awaiting review, not yet decided) and
 * gets the decision as recorded.
 */
export const reviewUpdate = defineUpdate<ReviewDecision, [ReviewRequest]>(REVIEW_UPDATE);
