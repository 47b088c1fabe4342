import { ConflictException, LimitExceededException as TranscribeLimitExceeded } from '@aws-sdk/client-transcribe';
import {
  AccessDeniedException,
  InternalServerError,
  InvalidParameterException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { classifyAwsError } from '../../backends/aws/aws-errors';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('classifyAwsError', () => {
  it.each([
    ['Rekognition throttling', new ThrottlingException({ message: 'slow down', ...meta(400) }), 'AwsThrottled', true],
    ['Rekognition provisioned throughput', new ProvisionedThroughputExceededException({ message: 'x', ...meta(400) }), 'AwsThrottled', true],
    ['Rekognition concurrent-job quota', new LimitExceededException({ message: 'x', ...meta(400) }), 'AwsLimitExceeded', true],
    ['Transcribe rate limit', new TranscribeLimitExceeded({ message: 'x', ...meta(400) }), 'AwsLimitExceeded', true],
    ['Rekognition 5xx', new InternalServerError({ message: 'x', ...meta(500) }), 'AwsServiceUnavailable', true],
    ['bad parameter', new InvalidParameterException({ message: 'x', ...meta(400) }), 'AwsInvalidRequest', false],
    ['Bedrock validation', new ValidationException({ message: 'x', ...meta(400) }), 'AwsInvalidRequest', false],
    ['access denied', new AccessDeniedException({ message: 'x', ...meta(403) }), 'AwsAccessDenied', false],
  ])('%s → %s (retryable: %s)', (_what, err, type, retryable) => {
    expect(classifyAwsError(err)).toEqual({ type, retryable });
  });

  it('falls back on the HTTP status for errors it does not name', () => {
    const unknown5xx = Object.assign(new Error('boom'), { name: 'SomethingNew', $fault: 'server', ...meta(502) });
    const unknown4xx = Object.assign(new Error('bad'), { name: 'SomethingElse', $fault: 'client', ...meta(400) });
    expect(classifyAwsError(unknown5xx)).toEqual({ type: 'AwsServiceUnavailable', retryable: true });
    expect(classifyAwsError(unknown4xx)).toEqual({ type: 'AwsInvalidRequest', retryable: false });
  });

  it('leaves errors that did not come from AWS alone', () => {
    expect(classifyAwsError(new Error('ffmpeg exited'))).toBeUndefined();
    expect(classifyAwsError('not an error')).toBeUndefined();
  });

  it('does not treat Transcribe ConflictException as retryable (it means "already started" and is handled at the call)', () => {
    expect(classifyAwsError(new ConflictException({ message: 'exists', ...meta(400) }))).toEqual({ type: 'AwsInvalidRequest', retryable: false });
  });
});
