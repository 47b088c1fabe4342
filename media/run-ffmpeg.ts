import ffmpeg from 'fluent-ffmpeg';
import type { Readable } from 'node:stream';
import { redactSecrets } from '../common/redact-secrets';
import { inputPolicyOptions } from './input-policy';

/**
 * ffmpeg reports progress on stderr twice a second while it reads; this long a silence means
 * its source stopped sending (a read timeout and reconnects did not help), and the run is
 * killed with a retryable error instead of waiting out the activity's budget.
 */
export const STALL_SECONDS = 90;

export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(
    message: string,
    readonly stderrTail: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * ffmpeg killed by its abort signal. Named as Node names its own aborted calls: the Temporal
 * worker reports an attempt cancelled, rather than failed, only for a CancelledFailure or an
 * AbortError, and the activities' failure mapping lets both through unchanged.
 */
export class FfmpegAbortedError extends Error {
  override readonly name = 'AbortError';
}

export interface FfmpegJob {
  input: string;
  inputOptions?: string[];
  outputOptions: string[];
  /** A path, or '-' with format null for analysis-only runs. */
  output: string;
  signal?: AbortSignal;
  /** Called with each stderr line: filters such as showinfo and blackdetect report there. */
  onStderr?: (line: string) => void;
  /** Silence on stderr after which the run counts as stalled; default {@link STALL_SECONDS}. */
  stallSeconds?: number;
}

/** The presentation time, in seconds, that a `showinfo` filter logged for a frame it passed on. */
export function showinfoTime(stderrLine: string): number | undefined {
  const pts = /showinfo.*pts_time:\s*([\d.]+)/.exec(stderrLine);
  return pts?.[1] ? Number(pts[1]) : undefined;
}

/** Runs ffmpeg to completion; the abort signal kills it (activity cancellation, timeouts). */
export function runFfmpeg(job: FfmpegJob): Promise<void> {
  const { command, failure } = build(job);
  command.output(job.output);
  return new Promise((resolve, reject) => {
    command
      .on('end', () => resolve())
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => reject(failure(err, stderr)))
      .run();
  });
}

/** Runs ffmpeg writing to its stdout; the caller consumes the stream (raw frames). */
export function streamFfmpeg(job: Omit<FfmpegJob, 'output'>): { stdout: Readable; done: Promise<void> } {
  const reader: { stdout?: Readable } = {};
  // Output the reader has not taken yet means ffmpeg waits on us (a slow upload), not on its source.
  const { command, failure } = build(job, () => (reader.stdout?.readableLength ?? 0) > 0);
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  command
    .on('end', () => settle?.resolve())
    .on('error', (err: Error, _stdout: string | null, stderr: string | null) => settle?.reject(failure(err, stderr)));
  const stdout = command.pipe() as Readable;
  reader.stdout = stdout;
  return { stdout, done };
}

export class FfmpegStalledError extends Error {
  override readonly name = 'FfmpegStalledError';
}

function build(
  job: Omit<FfmpegJob, 'output'>,
  waitingOnReader: () => boolean = () => false,
): { command: ffmpeg.FfmpegCommand; failure: (err: Error, stderr: string | null) => Error } {
  const command = ffmpeg(job.input)
    .inputOptions(['-hide_banner', '-nostdin', ...inputPolicyOptions(job.input), ...(job.inputOptions ?? [])])
    .outputOptions(job.outputOptions);
  const stallMs = (job.stallSeconds ?? STALL_SECONDS) * 1000;
  let lastOutput = Date.now();
  let stalled = false;
  const watchdog = setInterval(() => {
    if (waitingOnReader()) lastOutput = Date.now();
    if (Date.now() - lastOutput < stallMs) return;
    stalled = true;
    command.kill('SIGKILL');
  }, Math.min(5_000, stallMs / 4));
  watchdog.unref();
  command
    .on('start', () => (lastOutput = Date.now()))
    .on('stderr', (line: string) => {
      lastOutput = Date.now();
      job.onStderr?.(line);
    })
    .on('end', () => clearInterval(watchdog))
    .on('error', () => clearInterval(watchdog));
  if (job.signal) {
    if (job.signal.aborted) {
      clearInterval(watchdog);
      throw new FfmpegAbortedError('cancelled before ffmpeg started', { cause: job.signal.reason });
    }
    job.signal.addEventListener('abort', () => command.kill('SIGKILL'), { once: true });
  }
  const failure = (err: Error, stderr: string | null): Error => {
    if (stalled) return new FfmpegStalledError(`ffmpeg read nothing from its source for ${stallMs / 1000} s`);
    if (job.signal?.aborted) return new FfmpegAbortedError('ffmpeg was killed: its run was cancelled', { cause: job.signal.reason });
    // ffmpeg names its input in its messages, and a presigned URL is a credential: the
    // original error (and its URL) stays here, only the redacted words travel.
    const tail = redactSecrets((stderr ?? '').split('\n').filter(Boolean).slice(-8).join('\n'));
    return new FfmpegError(`ffmpeg failed: ${redactSecrets(err.message.split('\n')[0] ?? '')}`, tail);
  };
  return { command, failure };
}
