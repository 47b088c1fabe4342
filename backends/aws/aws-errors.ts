import type { AwsFailureType } from '../../common/failure-types';

/** How reelscope treats one AWS error: a stable failure type, and whether a retry can help. */
export interface AwsErrorClass {
  type: AwsFailureType;
  retryable: boolean;
}

// Error names as the SDK v3 clients raise them (the service's error code). Rekognition's
// LimitExceededException is its concurrent-job quota; Transcribe uses the same name for
// request-rate throttling: both clear up when retried later.
const BY_NAME: Record<string, AwsErrorClass> = {
  ThrottlingException: { type: 'AwsThrottled', retryable: true },
  Throttling: { type: 'AwsThrottled', retryable: true },
  TooManyRequestsException: { type: 'AwsThrottled', retryable: true },
  ProvisionedThroughputExceededException: { type: 'AwsThrottled', retryable: true },
  RequestLimitExceeded: { type: 'AwsThrottled', retryable: true },
  SlowDown: { type: 'AwsThrottled', retryable: true },
  LimitExceededException: { type: 'AwsLimitExceeded', retryable: true },
  ServiceQuotaExceededException: { type: 'AwsLimitExceeded', retryable: true },
  InternalServerError: { type: 'AwsServiceUnavailable', retryable: true },
  InternalServerException: { type: 'AwsServiceUnavailable', retryable: true },
  InternalFailureException: { type: 'AwsServiceUnavailable', retryable: true },
  ServiceUnavailableException: { type: 'AwsServiceUnavailable', retryable: true },
  ModelNotReadyException: { type: 'AwsServiceUnavailable', retryable: true },
  ModelTimeoutException: { type: 'AwsServiceUnavailable', retryable: true },
  TimeoutError: { type: 'AwsServiceUnavailable', retryable: true },
  ValidationException: { type: 'AwsInvalidRequest', retryable: false },
  InvalidParameterException: { type: 'AwsInvalidRequest', retryable: false },
  BadRequestException: { type: 'AwsInvalidRequest', retryable: false },
  InvalidS3ObjectException: { type: 'AwsInvalidRequest', retryable: false },
  VideoTooLargeException: { type: 'AwsInvalidRequest', retryable: false },
  ImageTooLargeException: { type: 'AwsInvalidRequest', retryable: false },
  InvalidImageFormatException: { type: 'AwsInvalidRequest', retryable: false },
  InvalidPaginationTokenException: { type: 'AwsInvalidRequest', retryable: false },
  IdempotentParameterMismatchException: { type: 'AwsInvalidRequest', retryable: false },
  AccessDeniedException: { type: 'AwsAccessDenied', retryable: false },
  AccessDenied: { type: 'AwsAccessDenied', retryable: false },
  UnrecognizedClientException: { type: 'AwsAccessDenied', retryable: false },
  InvalidSignatureException: { type: 'AwsAccessDenied', retryable: false },
  ResourceNotFoundException: { type: 'AwsResourceNotFound', retryable: false },
  NoSuchKey: { type: 'AwsResourceNotFound', retryable: false },
  NoSuchBucket: { type: 'AwsResourceNotFound', retryable: false },
};

interface SdkErrorShape {
  name?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/**
 * Classifies an error raised by an AWS SDK v3 client, or returns undefined for errors that
 * did not come from AWS (those keep Temporal's default: retryable). Unknown service errors
 * fall back on the HTTP status: 5xx and 429 retry, other 4xx do not.
 */
export function classifyAwsError(err: unknown): AwsErrorClass | undefined {
  if (!(err instanceof Error)) return undefined;
  const sdk = err as Error & SdkErrorShape;
  const known = BY_NAME[sdk.name ?? ''];
  if (known) return known;
  if (sdk.$retryable?.throttling) return { type: 'AwsThrottled', retryable: true };
  const status = sdk.$metadata?.httpStatusCode;
  if (status === undefined && !sdk.$fault) return undefined;
  if (status === 429) return { type: 'AwsThrottled', retryable: true };
  if (sdk.$fault === 'server' || (status !== undefined && status >= 500)) return { type: 'AwsServiceUnavailable', retryable: true };
  return { type: 'AwsInvalidRequest', retryable: false };
}

/** Whether an AWS error is worth trying again after a pause. */
export function isTransientAwsError(err: unknown): boolean {
  return classifyAwsError(err)?.retryable ?? false;
}
