import { execFile } from 'node:child_process';
import type { FfprobeData } from 'fluent-ffmpeg';
import { redactSecrets } from '../common/redact-secrets';
import { inputPolicyOptions } from './input-policy';

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

/** Only what the pipeline plans from: any other tag an upload carries is never read. */
const STREAM_ENTRIES = 'index,codec_type,codec_name,codec_tag_string,pix_fmt,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration,bit_rate,sample_rate,channels';
const FORMAT_ENTRIES = 'format_name,duration,bit_rate,size,nb_streams';
const FORMAT_TAGS = 'title,location,com.apple.quicktime.location.ISO6709';
/** ffprobe's answer is bounded: a tag of megabytes fails this, and the probe runs again without tags. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** The whole probe; each network read has its own, shorter timeout (input-policy). */
const PROBE_TIMEOUT_MS = 90_000;

/**
 * Runs ffprobe on a local path or an HTTP(S) URL. Over a presigned URL ffprobe fetches only
 * the byte ranges it needs (headers, and the index wherever the muxer put it). The signal
 * kills it (activity cancellation, timeouts).
 */
export async function ffprobe(input: string, signal?: AbortSignal): Promise<FfprobeData> {
  try {
    return await runFfprobe(input, true, signal);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') throw err;
    return runFfprobe(input, false, signal);
  }
}

function runFfprobe(input: string, withTags: boolean, signal?: AbortSignal): Promise<FfprobeData> {
  const entries = `stream=${STREAM_ENTRIES}:stream_disposition=attached_pic:format=${FORMAT_ENTRIES}${withTags ? `:format_tags=${FORMAT_TAGS}` : ''}`;
  const args = ['-v', 'error', '-hide_banner', ...inputPolicyOptions(input), '-print_format', 'json', '-show_entries', entries, input];
  return new Promise((resolve, reject) => {
    execFile(
      process.env['FFPROBE_PATH'] ?? 'ffprobe',
      args,
      { maxBuffer: MAX_ANSWER_BYTES, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', ...(signal ? { signal } : {}) },
      (err: (Error & { code?: unknown }) | null, stdout, stderr) => {
        if (err) {
          if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(err);
          const words = stderr || err.message;
          return reject(new FfprobeError(firstLine(words), words, { cause: err }));
        }
        try {
          const answer = JSON.parse(stdout) as Partial<FfprobeData>;
          resolve({ streams: answer.streams ?? [], format: answer.format ?? {}, chapters: [] });
        } catch (parseError) {
          reject(new FfprobeError('ffprobe printed no readable answer', stderr, { cause: parseError }));
        }
      },
    );
  });
}

function firstLine(message: string): string {
  // Presigned URLs carry credentials and are long: keep them out of reasons and logs.
  const lines = redactSecrets(message)
    .replace(/<media URL>:? ?/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /Invalid data|moov atom|No such file|Server returned|not on whitelist|error/i.test(l)) ?? lines[0] ?? message;
}
