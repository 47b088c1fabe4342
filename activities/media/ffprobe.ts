import ffmpeg, { type FfprobeData } from 'fluent-ffmpeg';

export class FfprobeError extends Error {
  override readonly name = 'FfprobeError';
  constructor(
    message: string,
    /** ffprobe's own words, for telling unreadable from unreachable. */
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Runs ffprobe on a local path or an HTTP(S) URL. Over a presigned URL ffprobe fetches only
 * the byte ranges it needs (headers, and the index wherever the muxer put it).
 */
export function ffprobe(input: string, timeoutSeconds = 60): Promise<FfprobeData> {
  // -rw_timeout bounds each network read (µs) so a stalled server cannot hang the probe.
  const options = input.startsWith('http') ? ['-rw_timeout', String(timeoutSeconds * 1_000_000)] : [];
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(input, options, (err: Error | null, data: FfprobeData) => {
      if (err) reject(new FfprobeError(firstLine(err.message), err.message, { cause: err }));
      else resolve(data);
    });
  });
}

function firstLine(message: string): string {
  // Presigned URLs carry credentials and are long: keep them out of reasons and logs.
  const lines = message
    .replace(/https?:\/\/\S+?: /g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /Invalid data|moov atom|No such file|Server returned|error/i.test(l)) ?? lines[0] ?? message;
}
