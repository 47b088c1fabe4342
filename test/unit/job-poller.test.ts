import { ThrottlingException } from '@aws-sdk/client-rekognition';
import { AnalysisJobFailedError, AnalysisJobTimedOutError } from '../../backends/aws/analysis-job-errors';
import { runJobToCompletion, type JobCheckpoint, type JobState } from '../../backends/aws/job-poller';

const fast = { initialMs: 1, maxMs: 4, factor: 2 };

function throttled(): ThrottlingException {
  return new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
}

describe('runJobToCompletion', () => {
  it('starts once, heartbeats the job id on every poll, and returns when the job succeeds', async () => {
    // Arrange
    const states: JobState[] = [{ state: 'running' }, { state: 'running' }, { state: 'succeeded' }];
    const beats: JobCheckpoint[] = [];
    const start = jest.fn(async () => 'job-1');

    // Act
    const job = await runJobToCompletion({
      service: 'test',
      start,
      check: async () => states.shift() ?? { state: 'running' },
      heartbeat: (c) => beats.push({ ...c }),
      signal: new AbortController().signal,
      deadlineMs: 60_000,
      schedule: fast,
    });

    // Assert
    expect(start).toHaveBeenCalledTimes(1);
    expect(job).toEqual({ jobId: 'job-1', polls: 3, resumed: false });
    expect(beats.map((b) => [b.jobId, b.polls])).toEqual([['job-1', 0], ['job-1', 1], ['job-1', 2], ['job-1', 3]]);
  });

  it('re-attaches to the job in the last heartbeat instead of starting another', async () => {
    // Arrange
    const start = jest.fn(async () => 'job-new');

    // Act
    const job = await runJobToCompletion({
      service: 'test',
      start,
      check: async (jobId) => (jobId === 'job-old' ? { state: 'succeeded' } : { state: 'failed', message: 'wrong job' }),
      resumeFrom: { jobId: 'job-old', startedAt: Date.now() - 1_000, polls: 7 },
      heartbeat: () => {},
      signal: new AbortController().signal,
      deadlineMs: 60_000,
      schedule: fast,
    });

    // Assert
    expect(start).not.toHaveBeenCalled();
    expect(job).toEqual({ jobId: 'job-old', polls: 8, resumed: true });
  });

  it('skips throttled polls and carries on', async () => {
    // Arrange
    let calls = 0;
    const check = async (): Promise<JobState> => {
      calls += 1;
      if (calls <= 2) throw throttled();
      return { state: 'succeeded' };
    };

    // Act
    const job = await runJobToCompletion({ service: 'test', start: async () => 'j', check, heartbeat: () => {}, signal: new AbortController().signal, deadlineMs: 60_000, schedule: fast });

    // Assert
    expect(job.polls).toBe(3);
  });

  it('fails with the service message when the job fails', async () => {
    const run = runJobToCompletion({
      service: 'rekognition LabelDetection',
      start: async () => 'j',
      check: async () => ({ state: 'failed', message: 'Unsupported codec' }),
      heartbeat: () => {},
      signal: new AbortController().signal,
      deadlineMs: 60_000,
      schedule: fast,
    });

    await expect(run).rejects.toThrow(AnalysisJobFailedError);
    await expect(run).rejects.toThrow(/rekognition LabelDetection job j FAILED: Unsupported codec/);
  });

  it('gives up on a job stuck past its deadline, counted from the job start across attempts', async () => {
    const run = runJobToCompletion({
      service: 'transcribe',
      start: async () => 'never',
      check: async () => ({ state: 'running' }),
      resumeFrom: { jobId: 'stuck', startedAt: Date.now() - 9_000, polls: 40 },
      heartbeat: () => {},
      signal: new AbortController().signal,
      deadlineMs: 10_000,
      schedule: { initialMs: 50, maxMs: 200, factor: 2 },
    });

    await expect(run).rejects.toThrow(AnalysisJobTimedOutError);
    // The job of the heartbeat, not a new one, and the wait counted from its start.
    await expect(run).rejects.toMatchObject({ service: 'transcribe', jobId: 'stuck', message: expect.stringMatching(/^transcribe job stuck still in progress after \d+ s; giving up on it$/) });
  });

  it('gives up without a poll on a resumed job already past its deadline', async () => {
    // Arrange
    const check = jest.fn(async (): Promise<JobState> => ({ state: 'running' }));

    // Act
    const run = runJobToCompletion({
      service: 'rekognition LabelDetection',
      start: async () => 'never',
      check,
      resumeFrom: { jobId: 'late', startedAt: Date.now() - 11_000, polls: 3 },
      heartbeat: () => {},
      signal: new AbortController().signal,
      deadlineMs: 10_000,
      schedule: fast,
    });

    // Assert
    await expect(run).rejects.toThrow(AnalysisJobTimedOutError);
    // The age is read off the clock: 11 s, or 12 on a machine slow enough to cross the second.
    await expect(run).rejects.toThrow(/^rekognition LabelDetection job late still in progress after 1[12] s; giving up on it$/);
    expect(check).not.toHaveBeenCalled();
  });

  it('stops polling when the activity is cancelled', async () => {
    // Arrange
    const controller = new AbortController();
    const check = jest.fn(async (): Promise<JobState> => ({ state: 'running' }));
    const run = runJobToCompletion({
      service: 'test',
      start: async () => 'j',
      check,
      heartbeat: () => {},
      signal: controller.signal,
      deadlineMs: 60_000,
      schedule: { initialMs: 10_000, maxMs: 10_000, factor: 1 },
    });
    const reason = new Error('cancelled');

    // Act
    setTimeout(() => controller.abort(reason), 20);

    // Assert: the wait between polls ends with the abort, carrying the activity's cancellation as its cause.
    await expect(run).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
    expect(check).toHaveBeenCalledTimes(1);
  });
});
