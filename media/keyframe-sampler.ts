import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFrameJpegs } from './frame-jpegs';

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
    const frames = await writeFrameJpegs({
      input,
      // The first keyframe of each interval-long slot: evenly spread however the GOP falls.
      select: `isnan(prev_selected_t)+gt(floor(t/${slot})\\,floor(prev_selected_t/${slot}))`,
      scale: `'min(${MAX_WIDTH_PIXELS}\\,iw)':-2`,
      maxFrames: options.maxFrames,
      jpegQuality: 3,
      dir,
      prefix: 'frame',
      signal,
    });
    return await consume(frames.map((frame, i) => ({ time: frame.time ?? i * interval, path: frame.path })));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
