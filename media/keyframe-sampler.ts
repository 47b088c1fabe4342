import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg, showinfoTime } from './run-ffmpeg';

/**
 * Frames wider than this are scaled down: image API requests carry the bytes (5 MB at most),
 * and 1280 pixels wide keeps a JPEG to a few hundred KB.
 */
const MAX_WIDTH_PIXELS = 1280;

export interface KeyframeSampling {
  /** At most one frame per this many seconds (fewer where the encoder placed fewer keyframes). */
  intervalSeconds: number;
  /** Long media is sampled more sparsely so that no run sends more images than this. */
  maxFrames: number;
}

export interface SampledFrame {
  /** Seconds into the media. */
  time: number;
  /** A JPEG on local disk, removed when the consumer returns. */
  path: string;
}

/**
 * JPEG frames sampled from the media's keyframes, handed to `consume` and removed after it.
 * Only keyframes are decoded (`-skip_frame nokey`), so an hour of 1080p costs seconds of CPU
 * rather than a full decode; the price is that sampling follows the encoder's GOP: a slot
 * with no keyframe in it (a GOP longer than the interval) gets no frame.
 */
export async function withKeyframes<T>(
  input: string,
  durationSeconds: number,
  options: KeyframeSampling,
  signal: AbortSignal,
  consume: (frames: SampledFrame[]) => Promise<T>,
): Promise<T> {
  const interval = Math.max(options.intervalSeconds, durationSeconds / options.maxFrames);
  const slot = interval.toFixed(3);
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-keyframes-'));
  try {
    const times: number[] = [];
    await runFfmpeg({
      input,
      inputOptions: ['-skip_frame', 'nokey'],
      outputOptions: [
        '-vf',
        // The first keyframe of each interval-long slot: evenly spread however the GOP falls.
        `select='isnan(prev_selected_t)+gt(floor(t/${slot})\\,floor(prev_selected_t/${slot}))',showinfo,scale='min(${MAX_WIDTH_PIXELS}\\,iw)':-2`,
        '-fps_mode',
        'vfr',
        '-frames:v',
        String(options.maxFrames),
        '-q:v',
        '3',
        '-an',
      ],
      output: join(dir, 'frame-%05d.jpg'),
      signal,
      onStderr: (line) => {
        const time = showinfoTime(line);
        if (time !== undefined) times.push(Math.round(time * 1000) / 1000);
      },
    });
    const files = (await readdir(dir)).filter((f) => f.startsWith('frame-')).sort();
    return await consume(files.map((file, i) => ({ time: times[i] ?? i * interval, path: join(dir, file) })));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
