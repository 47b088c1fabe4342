import ffmpeg from 'fluent-ffmpeg';
import type { Readable } from 'node:stream';

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

export interface FfmpegJob {
  input: string;
  inputOptions?: string[];
  outputOptions: string[];
  /** A path, or '-' with format null for analysis-only runs. */
  output: string;
  signal?: AbortSignal;
  /** Called with each stderr line: filters such as showinfo and blackdetect report there. */
  onStderr?: (line: string) => void;
}

/** The presentation time, in seconds, that a `showinfo` filter logged for a frame it passed on. */
export function showinfoTime(stderrLine: string): number | undefined {
  const pts = /showinfo.*pts_time:\s*([\d.]+)/.exec(stderrLine);
  return pts?.[1] ? Number(pts[1]) : undefined;
}

/** Runs ffmpeg to completion; the abort signal kills it (activity cancellation, timeouts). */
export function runFfmpeg(job: FfmpegJob): Promise<void> {
  const command = build(job).output(job.output);
  return new Promise((resolve, reject) => {
    command
      .on('end', () => resolve())
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => reject(ffmpegError(err, stderr)))
      .run();
  });
}

/** Runs ffmpeg writing to its stdout; the caller consumes the stream (raw frames). */
export function streamFfmpeg(job: Omit<FfmpegJob, 'output'>): { stdout: Readable; done: Promise<void> } {
  const command = build(job);
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  command
    .on('end', () => settle?.resolve())
    .on('error', (err: Error, _stdout: string | null, stderr: string | null) => settle?.reject(ffmpegError(err, stderr)));
  const stdout = command.pipe() as Readable;
  return { stdout, done };
}

function build(job: Omit<FfmpegJob, 'output'>): ffmpeg.FfmpegCommand {
  const command = ffmpeg(job.input)
    .inputOptions(['-hide_banner', '-nostdin', ...(job.inputOptions ?? [])])
    .outputOptions(job.outputOptions);
  if (job.onStderr) command.on('stderr', job.onStderr);
  if (job.signal) {
    if (job.signal.aborted) throw new FfmpegError('cancelled before ffmpeg started', '');
    job.signal.addEventListener('abort', () => command.kill('SIGKILL'), { once: true });
  }
  return command;
}

function ffmpegError(err: Error, stderr: string | null): FfmpegError {
  const tail = (stderr ?? '').split('\n').filter(Boolean).slice(-8).join('\n');
  return new FfmpegError(`ffmpeg failed: ${err.message.split('\n')[0]}`, tail, { cause: err });
}
