import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Real photographs for the object and face detectors, from the sample sheet that ships with
 * @vladmandic/human (its README's "samples" strip: eight photos of people in a row along the
 * top). A generated test pattern holds no person, cup or face; these do.
 */
export const HUMAN_SAMPLE_SHEET = join(dirname(require.resolve('@vladmandic/human')), '..', 'assets', 'samples.jpg');

/** Where each photo of the strip is on the 1280-pixel-wide sheet: ffmpeg crop arguments w:h:x:y. */
export const SAMPLE_CROPS = {
  /** A man in a dark suit at a dinner table, a glass in front of him: one face, a person, a cup. */
  diner: '210:156:326:0',
  /** A woman in a dark dress, head and shoulders: one face, a person. */
  portrait: '150:156:164:0',
  /** A dozen people posing in a group: many faces. */
  group: '210:156:910:0',
} as const;

const ffmpeg = (args: string[]) => promisify(execFile)('ffmpeg', ['-v', 'error', '-y', ...args]);

/** One photo of the strip as a PNG, scaled by `scale` (the photos are 156 pixels high on the sheet). */
export async function samplePhoto(path: string, crop: keyof typeof SAMPLE_CROPS, scale = 3): Promise<string> {
  await ffmpeg(['-i', HUMAN_SAMPLE_SHEET, '-vf', `crop=${SAMPLE_CROPS[crop]},scale=iw*${scale}:-2`, '-frames:v', '1', path]);
  return path;
}

/** A photo with no face on it: a rendered fractal, all edges and texture. */
export async function facelessPhoto(path: string): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', 'mandelbrot=size=640x360', '-frames:v', '1', path]);
  return path;
}

/**
 * A 640x360 H.264 clip of 2-second shots, each a photo of the strip letterboxed on black or,
 * for `grey`, an empty grey frame; a keyframe a second (-g 25) and none at cuts, so the 2 s
 * keyframe sampling lands at 0, 2, 4... on the first frame of each shot.
 */
export async function photoClip(path: string, shots: (keyof typeof SAMPLE_CROPS | 'grey')[]): Promise<string> {
  const inputs = shots.flatMap((shot) =>
    shot === 'grey' ? ['-f', 'lavfi', '-t', '2', '-i', 'color=c=gray:size=640x360:rate=25'] : ['-loop', '1', '-framerate', '25', '-t', '2', '-i', HUMAN_SAMPLE_SHEET],
  );
  const fit = 'scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25,format=yuv420p';
  const chains = shots.map((shot, i) => (shot === 'grey' ? `[${i}]setsar=1,format=yuv420p[s${i}]` : `[${i}]crop=${SAMPLE_CROPS[shot]},${fit}[s${i}]`));
  const concat = `${shots.map((_, i) => `[s${i}]`).join('')}concat=n=${shots.length}:v=1:a=0[v]`;
  await ffmpeg([
    ...inputs,
    '-filter_complex', [...chains, concat].join(';'),
    '-map', '[v]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
    path,
  ]);
  return path;
}
