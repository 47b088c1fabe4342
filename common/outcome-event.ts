import type { ReviewDecision } from './review';
import type { FailureInfo, ModerationVerdict, TerminalStatus } from './types';

// Pure: built by the workflow (deterministically), published and delivered by activities.

/** The EventBridge `source` of every reelscope event; rules match on it. */
export const OUTCOME_EVENT_SOURCE = 'reelscope';

/** EventBridge detail types, one per way a media's analysis ends: a contract with downstream rules. */
export const OUTCOME_DETAIL_TYPES = {
  completed: 'Media Analysis Completed',
  rejected: 'Media Analysis Rejected',
  failed: 'Media Analysis Failed',
  cancelled: 'Media Analysis Cancelled',
  reviewed: 'Media Review Decided',
} as const;
export type OutcomeDetailType = (typeof OUTCOME_DETAIL_TYPES)[keyof typeof OUTCOME_DETAIL_TYPES];

/** Schema version of the event body; a consumer ignores versions it does not know. */
export const OUTCOME_EVENT_VERSION = 1;

/**
 * How one media's analysis ended, as downstream systems hear it (EventBridge detail and
 * webhook body alike). No presigned URL: the report is named by its s3:// reference, which
 * the owner reads through the API.
 */
export interface MediaOutcomeEvent {
  version: typeof OUTCOME_EVENT_VERSION;
  /**
   * The idempotency key: the same on every delivery of this outcome (activity retries,
   * replays), different for another run of the same media. Consumers deduplicate on it.
   */
  eventId: string;
  detailType: OutcomeDetailType;
  mediaId: string;
  tenant: string;
  status: TerminalStatus;
  occurredAt: string;
  verdict?: ModerationVerdict;
  headline?: string;
  report?: { jsonRef: string; htmlRef: string };
  review?: Pick<ReviewDecision, 'decision' | 'decidedAt' | 'decidedBy'> & { reviewer: string };
  /** REJECTED: why the media was refused; FAILED: which step failed and why; CANCELLED: the step and what was stopped. */
  reason?: FailureInfo;
}

export type OutcomeFacts = Omit<MediaOutcomeEvent, 'version' | 'eventId' | 'detailType' | 'occurredAt'>;

const DETAIL_TYPE_OF: Record<TerminalStatus, OutcomeDetailType> = {
  COMPLETED: OUTCOME_DETAIL_TYPES.completed,
  REJECTED: OUTCOME_DETAIL_TYPES.rejected,
  FAILED: OUTCOME_DETAIL_TYPES.failed,
  CANCELLED: OUTCOME_DETAIL_TYPES.cancelled,
};

/** The event for an outcome of run `runId`, at `occurredAt` (the workflow's clock). */
export function outcomeEvent(runId: string, occurredAt: Date, facts: OutcomeFacts): MediaOutcomeEvent {
  const detailType = facts.status === 'COMPLETED' && facts.review ? OUTCOME_DETAIL_TYPES.reviewed : DETAIL_TYPE_OF[facts.status];
  return {
    version: OUTCOME_EVENT_VERSION,
    eventId: `${runId}/${facts.status.toLowerCase()}`,
    detailType,
    occurredAt: occurredAt.toISOString(),
    ...facts,
    ...(facts.headline ? { headline: bounded(facts.headline) } : {}),
    ...(facts.reason ? { reason: { ...facts.reason, message: bounded(facts.reason.message) } } : {}),
  };
}

/** Free text in an event is capped, so an event stays far below EventBridge's 256 KiB entry limit. */
const MAX_TEXT = 1000;
function bounded(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

/** The Standard Webhooks `type` of an event: its detail type in dotted lower case (`media.analysis.completed`). */
export function webhookEventType(detailType: OutcomeDetailType): string {
  return detailType.toLowerCase().replace(/ /g, '.');
}

/** The id of the workflow that announces an event: `announce/<media id>/<run id>/<status>`. */
export function announcementWorkflowId(mediaId: string, eventId: string): string {
  return `announce/${mediaId}/${eventId}`;
}
