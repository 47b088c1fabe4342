import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg, showinfoTime } from './run-ffmpeg';

/**
 * Input options that decode keyframes only: 10 minutes of 720p with a 2 s GOP is 300 decodes,
 * not 15,000. The decoder still sees every packet: dropping the non-key ones in the demuxer
 * (`-discard nokey`) saves a little more CPU but, in streams with B-frames, shifts the
 * keyframes' timestamps by a frame. One decoder thread: with one frame per GOP there is
 * nothing for frame threads to overlap, and each costs CPU to keep in step (about 40% more
 * for the same frames here).
 */
export const KEYFRAMES_ONLY: readonly string[] = ['-threads', '1', '-skip_frame', 'nokey'];

export interface FrameJpegJob {
  input: string;
  /** Decode keyframes only (the default), or every frame: for streams that flag no keyframe. */
  decode?: 'keyframes' | 'all';
  /**
   * Start at the keyframe at or before this time, not at the first frame: a seek through the
   * container's index, so nothing before it is read or decoded.
   */
  fromKeyframeBefore?: number;
  /** Which decoded frames to keep: a `select` expression, escaped for a filtergraph. Default all. */
  select?: string;
  /** Arguments of the `scale` filter, e.g. `320:-2`. */
  scale: string;
  maxFrames: number;
  /** ffmpeg's `-q:v` for MJPEG: 2 (best) to 31. */
  jpegQuality: number;
  /** Directory the JPEGs go to, named `<prefix>-00001.jpg` on. */
  dir: string;
  prefix: string;
  signal?: AbortSignal;
}

export interface FrameJpeg {
  /** Seconds into the media, as ffmpeg's showinfo logged it (milliseconds); undefined if it logged none. */
  time: number | undefined;
  path: string;
}

/** Writes the selected frames of one ffmpeg pass as JPEGs and says where each is and when it was. */
export async function writeFrameJpegs(job: FrameJpegJob): Promise<FrameJpeg[]> {
  const seek = job.fromKeyframeBefore;
  const times: number[] = [];
  await runFfmpeg({
    input: job.input,
    inputOptions: [
      ...(job.decode === 'all' ? [] : KEYFRAMES_ONLY),
      // -noaccurate_seek keeps the keyframe the seek lands on (an accurate seek would drop it and
      // wait for the next); -copyts keeps the media's own timestamps for showinfo to report.
      ...(seek !== undefined ? ['-noaccurate_seek', '-ss', String(seek), '-copyts'] : []),
    ],
    outputOptions: [
      '-vf',
      `${job.select !== undefined ? `select='${job.select}',` : ''}showinfo,scale=${job.scale}`,
      '-fps_mode',
      'vfr',
      '-frames:v',
      String(job.maxFrames),
      '-q:v',
      String(job.jpegQuality),
      '-an',
    ],
    output: join(job.dir, `${job.prefix}-%05d.jpg`),
    signal: job.signal,
    onStderr: (line) => {
      const time = showinfoTime(line);
      if (time !== undefined) times.push(Math.round(time * 1000) / 1000);
    },
  });
  const files = (await readdir(job.dir)).filter((f) => f.startsWith(`${job.prefix}-`) && f.endsWith('.jpg')).sort();
  return files.map((file, i) => ({ time: times[i], path: join(job.dir, file) }));
}
