import type { FakeService } from './services';

/** An error the fake answers with, written in the service's own wire form by the server. */
export class AwsWireError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AwsWireError';
  }
}

// HTTP statuses as the services send them. Transcribe and Bedrock: the httpError traits in
// the SDK clients' models. Rekognition's model has none; its developer guide's error table
// puts every client error at 400 and InternalServerError at 500.
const STATUS: Record<FakeService, Record<string, number>> = {
  rekognition: { InternalServerError: 500 },
  transcribe: { ConflictException: 409, LimitExceededException: 429, NotFoundException: 404, InternalFailureException: 500 },
  bedrock: {
    AccessDeniedException: 403,
    ResourceNotFoundException: 404,
    ModelTimeoutException: 408,
    ModelErrorException: 424,
    ThrottlingException: 429,
    ModelNotReadyException: 429,
    InternalServerException: 500,
    ServiceUnavailableException: 503,
  },
  eventbridge: { InternalException: 500 },
};

/** The code each service answers with when a caller exceeds its request rate. */
export const THROTTLING_CODE: Record<FakeService, string> = {
  // Rekognition's Start*/Get* list both: ProvisionedThroughputExceededException ("the number
  // of requests exceeded your throughput limit", the per-account TPS quota) and
  // ThrottlingException ("temporarily unable to process the request", the service's own
  // load). A client over its rate gets the first; the second stays scriptable (nextErrors).
  rekognition: 'ProvisionedThroughputExceededException',
  // Transcribe has no ThrottlingException: request-rate limits come back as LimitExceededException.
  transcribe: 'LimitExceededException',
  bedrock: 'ThrottlingException',
  eventbridge: 'ThrottlingException',
};

/** The code each service answers with when it breaks. */
export const SERVER_ERROR_CODE: Record<FakeService, string> = {
  rekognition: 'InternalServerError',
  transcribe: 'InternalFailureException',
  bedrock: 'InternalServerException',
  eventbridge: 'InternalException',
};

const DEFAULT_MESSAGE: Record<string, string> = {
  ThrottlingException: 'Slow down; sudden increase in rate of requests.',
  ProvisionedThroughputExceededException: 'Provisioned Rate exceeded.',
  LimitExceededException: 'You have exceeded the number of requests allowed. Try again later.',
  InternalServerError: 'Internal server error',
  InternalFailureException: 'We were unable to process your request because of an internal failure. Try your request again.',
  InternalServerException: 'The server encountered an internal error.',
  ServiceUnavailableException: 'The service is unavailable. Try again later.',
  ModelTimeoutException: 'The request took too long to process.',
  ModelNotReadyException: 'The model is not ready to serve inference requests.',
};

/** An error with the status the service would send for this code. */
export function wireError(service: FakeService, code: string, message?: string): AwsWireError {
  const status = STATUS[service][code] ?? (/Internal/.test(code) ? 500 : 400);
  return new AwsWireError(code, message ?? DEFAULT_MESSAGE[code] ?? code, status);
}
