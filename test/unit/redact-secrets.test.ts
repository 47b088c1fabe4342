import { resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { withFailureMapping } from '../../activities/failures';
import { FfprobeError } from '../../media/ffprobe';
import { redactSecrets } from '../../common/redact-secrets';

const PRESIGNED = 'https://reelscope-media.s3.us-east-1.amazonaws.com/incoming/acme/clip.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAXAMPLEXAMPLEXAMP%2F20261201&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE&X-Amz-Signature=9f1e';

describe('redactSecrets', () => {
  it('removes presigned URLs, credential parameters, access key ids and local paths', () => {
    expect(redactSecrets(`ffmpeg exited with code 1: ${PRESIGNED}: Invalid data found`)).toBe('ffmpeg exited with code 1: <media URL> Invalid data found');
    expect(redactSecrets('X-Amz-Security-Token=IQoJb3JpZ2lu&x=1')).toBe('X-Amz-<redacted>&x=1');
    expect(redactSecrets('key ASIAXAMPLEXAMPLEXAMP expired')).toBe('key <access key> expired');
    expect(redactSecrets("ENOENT: no such file or directory, open '/tmp/reelscope-thumbs-Ab12/poster.jpg'")).toBe("ENOENT: no such file or directory, open '<local path>'");
  });

  it('keeps object keys and s3:// references, which are the record\'s own vocabulary', () => {
    const text = 'incoming/acme/My clip.mp4 -> s3://reelscope-media/results/acme/0123/report.json';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('withFailureMapping', () => {
  const failureOf = async (err: Error): Promise<ApplicationFailure> => {
    // The failure's stack must be the thrower's, not the mapping's.
    const thrown = await withFailureMapping(() => Promise.reject(err)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    return thrown as ApplicationFailure;
  };

  it('sends no URL or path out of an activity, whatever threw, and keeps the type and retryability', async () => {
    const plain = await failureOf(new Error(`read failed: ${PRESIGNED} at /app/dist/activities/run-analysis.js`, { cause: new Error(PRESIGNED) }));
    expect(plain).toMatchObject({ type: 'Error', nonRetryable: false, message: 'read failed: <media URL> at <local path>' });
    expect(plain.cause).toBeUndefined();
    expect(JSON.stringify({ message: plain.message, stack: plain.stack })).not.toMatch(/X-Amz|amazonaws|\/tmp\//);
    // The thrower's own frames (this test's), with function and line, not the install path.
    expect(plain.stack).toMatch(/at .*<local path>:\d+:\d+/);
    expect(plain.stack).not.toMatch(/at redacted|at ApplicationFailure\.create/);
    expect(plain.stack).not.toContain(resolve(__dirname, '..', '..'));

    const aborted = await withFailureMapping(() => Promise.reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }))).catch((e: unknown) => e);
    expect(aborted).not.toBeInstanceOf(ApplicationFailure);
    expect(aborted).toMatchObject({ name: 'AbortError' });

    const rejection = await failureOf(new FfprobeError('Format not on whitelist', `[hls @ 0x1] Format not on whitelist 'mov'\n${PRESIGNED}: Invalid argument`));
    expect(rejection).toMatchObject({ type: 'UnsupportedFormat', nonRetryable: true });
    expect(rejection.message).not.toMatch(/X-Amz|https?:/);
  });
});
