import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../media/run-ffmpeg';
import type { ThumbnailOptions } from '../../media/thumbnails';

/**
 * The thumbnails as they were made before keyframe-only decoding, kept here as the baseline
 * bench:keyframes compares with: every frame decoded for the scene filter, then an accurate
 * seek for the poster. Returns how many JPEGs it wrote.
 */
export async function fullDecodeThumbnails(input: string, durationSeconds: number, options: ThumbnailOptions, dir: string): Promise<number> {
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
    output: join(dir, 'baseline-key-%04d.jpg'),
  });
  const third = Math.round((durationSeconds / 3) * 100) / 100;
  const posterOptions = ['-frames:v', '1', '-vf', `scale=${options.widthPixels * 2}:-2`, '-q:v', '3', '-an'];
  await runFfmpeg({ input, inputOptions: ['-ss', String(third)], outputOptions: posterOptions, output: join(dir, 'baseline-poster.jpg') });
  return (await readdir(dir)).filter((f) => f.startsWith('baseline-')).length;
}
