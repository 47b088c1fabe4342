/** The service ran the job and gave up on it (bad media, unsupported codec, internal error). */
export class AnalysisJobFailedError extends Error {
  override readonly name = 'AnalysisJobFailedError';
  constructor(
    readonly service: string,
    readonly jobId: string,
    readonly statusMessage: string,
  ) {
    super(`${service} job ${jobId} FAILED: ${statusMessage || 'no status message'}`);
  }
}

/** The job stayed IN_PROGRESS past its deadline: a stuck job must not hold the workflow forever. */
export class AnalysisJobTimedOutError extends Error {
  override readonly name = 'AnalysisJobTimedOutError';
  constructor(
    readonly service: string,
    readonly jobId: string,
    readonly waitedSeconds: number,
  ) {
    super(`${service} job ${jobId} still in progress after ${waitedSeconds} s; giving up on it`);
  }
}
