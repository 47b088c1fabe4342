import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedOnContent, MediaUnusableError } from './media-unusable-error';
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
 * poster frame a third of the way in, where title cards and fades are usually over. Media
 * with no frame there (a one-frame video: a third of its duration is past its only frame)
 * gets the first frame as its poster; media with no decodable frame at all fails with
 * MediaUnusableError, since another attempt would decode the same nothing.
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
    }).catch((err: unknown) => {
      // With no frame decoded ffmpeg fails the run itself ("cannot determine format ... after EOF").
      if (failedOnContent(err)) throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for thumbnails', { cause: err });
      throw err;
    });
    const files = (await readdir(dir)).filter((f) => f.startsWith('key-')).sort();
    if (files.length === 0) {
      throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for thumbnails');
    }
    const keyframes = await Promise.all(
      files.map(async (file, i) => ({ time: times[i] ?? 0, jpeg: await readFile(join(dir, file)) })),
    );
    const poster = await extractPoster(input, durationSeconds, options, join(dir, 'poster.jpg'), signal);
    return { poster: { time: poster.time, jpeg: await readFile(poster.path) }, keyframes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The poster at a third of the duration, or the first frame when nothing is decoded there. */
async function extractPoster(
  input: string,
  durationSeconds: number,
  options: ThumbnailOptions,
  path: string,
  signal?: AbortSignal,
): Promise<{ time: number; path: string }> {
  const outputOptions = ['-frames:v', '1', '-vf', `scale=${options.widthPixels * 2}:-2`, '-q:v', '3', '-an'];
  const third = Math.round((durationSeconds / 3) * 100) / 100;
  if (third > 0) {
    await runFfmpeg({ input, inputOptions: ['-ss', String(third)], outputOptions, output: path, signal });
    if (await exists(path)) return { time: third, path };
  }
  // ffmpeg succeeds without writing a file when the seek lands past the last frame.
  await runFfmpeg({ input, outputOptions, output: path, signal });
  if (await exists(path)) return { time: 0, path };
  throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for the poster');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
