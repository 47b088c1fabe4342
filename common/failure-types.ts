/**
 * Stable failure type names: part of the retry contract between activities and the
 * workflow's retry policies, and what the record shows as the reason's type.
 */

/** Bad or unsupported media: the workflow ends REJECTED and nothing is retried. */
export const REJECTION_TYPES = [
  'EmptyMedia',
  'UnrecognizedMedia',
  'UnsupportedFormat',
  'CorruptMedia',
  'TruncatedMedia',
  'UnsupportedMediaKind',
  'MediaTooLong',
  'MediaNotFound',
  'UnknownTier',
  'UnsupportedCodec',
  'UnsupportedDimensions',
] as const;
export type RejectionType = (typeof REJECTION_TYPES)[number];

/**
 * AWS errors by what retrying can do about them (mapped once, in backends/aws/aws-errors.ts).
 * Retryable: the service is busy or briefly broken; a later attempt succeeds.
 */
export const AWS_RETRYABLE_TYPES = ['AwsThrottled', 'AwsServiceUnavailable', 'AwsLimitExceeded'] as const;
/** Not retryable: the request, the permissions or the job itself is wrong. */
export const AWS_NON_RETRYABLE_TYPES = [
  'AwsInvalidRequest',
  'AwsAccessDenied',
  'AwsResourceNotFound',
  'AnalysisJobFailed',
  'AnalysisJobTimedOut',
  'QuotaWaitTimedOut',
] as const;
export type AwsFailureType = (typeof AWS_RETRYABLE_TYPES)[number] | (typeof AWS_NON_RETRYABLE_TYPES)[number];

/**
 * Media that probed fine but gave one analysis nothing to work on (no frame, no audio sample
 * decodes): that analysis fails, the others and the run go on. The same bytes decode to the
 * same nothing on every attempt, so these are never retried.
 */
export const MEDIA_UNUSABLE_TYPES = ['NoDecodableFrames', 'NoDecodableAudio'] as const;
export type MediaUnusableType = (typeof MEDIA_UNUSABLE_TYPES)[number];

/**
 * Outcome announcements that another attempt cannot land: the receiver refused the delivery
 * (a 4xx other than 408, 425, 429), the target is not one this deployment may call, or the
 * bus refused the event as malformed.
 */
export const ANNOUNCE_NON_RETRYABLE_TYPES = ['WebhookRejected', 'WebhookTargetRefused', 'OutcomeEventRefused'] as const;

/** Failures that retrying cannot fix, outside the media itself. */
export const NON_RETRYABLE_TYPES = [
  ...REJECTION_TYPES,
  ...MEDIA_UNUSABLE_TYPES,
  ...AWS_NON_RETRYABLE_TYPES,
  ...ANNOUNCE_NON_RETRYABLE_TYPES,
  'InvalidConfiguration',
  'AnalysisUnavailable',
  'InvalidAnalysisOutput',
] as const;

/** The type the workflow fails with after recording which step failed. */
export const STEP_FAILED = 'AnalysisStepFailed';

/** Whether a failure type name is a media rejection. */
export function isRejectionType(type: string | undefined | null): type is RejectionType {
  return (REJECTION_TYPES as readonly string[]).includes(type ?? '');
}
