import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg, showinfoTime } from './run-ffmpeg';

export interface Thumbnail {
  /** Seconds into the media. */
  time: number;
  jpeg: Buffer;
}

export interface ThumbnailSet {
  poster: Thumbnail;
  keyframes: Thumbnail[];
}

export interface ThumbnailOptions {
  sceneThreshold: number;
  maxKeyframes: number;
  widthPixels: number;
}

/**
 * JPEG keyframes at the first frame and at every scene change (up to a maximum), plus a
 * poster frame a third of the way in, where title cards and fades are usually over.
 */
export async function extractThumbnails(
  input: string,
  durationSeconds: number,
  options: ThumbnailOptions,
  signal?: AbortSignal,
): Promise<ThumbnailSet> {
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-thumbs-'));
  try {
    const times: number[] = [];
    await runFfmpeg({
      input,
      outputOptions: [
        '-vf',
        `select='eq(n\\,0)+gt(scene\\,${options.sceneThreshold})',showinfo,scale=${options.widthPixels}:-2`,
        '-fps_mode',
        'vfr',
        '-frames:v',
        String(options.maxKeyframes),
        '-q:v',
        '4',
        '-an',
      ],
      output: join(dir, 'key-%04d.jpg'),
      signal,
      onStderr: (line) => {
        const time = showinfoTime(line);
        if (time !== undefined) times.push(Math.round(time * 100) / 100);
      },
    });
    const posterTime = Math.round((durationSeconds / 3) * 100) / 100;
    await runFfmpeg({
      input,
      inputOptions: ['-ss', String(posterTime)],
      outputOptions: ['-frames:v', '1', '-vf', `scale=${options.widthPixels * 2}:-2`, '-q:v', '3', '-an'],
      output: join(dir, 'poster.jpg'),
      signal,
    });
    const files = (await readdir(dir)).filter((f) => f.startsWith('key-')).sort();
    const keyframes = await Promise.all(
      files.map(async (file, i) => ({ time: times[i] ?? 0, jpeg: await readFile(join(dir, file)) })),
    );
    return { poster: { time: posterTime, jpeg: await readFile(join(dir, 'poster.jpg')) }, keyframes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
