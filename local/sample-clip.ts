import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

/** LibriVox speech shipped by Debian's pocketsphinx-testdata. */
export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';
const LIBRIVOX = `${LIBRIVOX_DIR}/sense_and_sensibility_01_austen_64kb`;

/** Words of the clip that pocketsphinx's en-us model recognises reliably. */
export const SAMPLE_CLIP_WORDS = ['john', 'leisure', 'consider', 'power', 'selfish', 'himself'];

/**
 * Makes the ~21 s demo clip at `path` unless it exists: five test-pattern shots (one of them
 * 2 s of black), LibriVox speech from Sense and Sensibility with a 2.5 s silent gap, a title
 * and a QuickTime location tag. Written to a temporary name first, so an interrupted run never
 * leaves half a file behind.
 */
export async function ensureSampleClip(path: string): Promise<string> {
  if (existsSync(path)) return path;
  if (!existsSync(`${LIBRIVOX}-0870.wav`)) {
    throw new Error(`LibriVox samples missing under ${LIBRIVOX_DIR}: apt-get install pocketsphinx-testdata`);
  }
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial.mp4`;
  const lavfi = (source: string) => ['-f', 'lavfi', '-i', source];
  await promisify(execFile)('ffmpeg', [
    '-v', 'error', '-y',
    ...lavfi('testsrc2=size=640x360:rate=25:duration=6'),
    ...lavfi('smptebars=size=640x360:rate=25:duration=4'),
    ...lavfi('color=c=black:size=640x360:rate=25:duration=2'),
    ...lavfi('testsrc=size=640x360:rate=25:duration=5'),
    ...lavfi('rgbtestsrc=size=640x360:rate=25:duration=4'),
    '-i', `${LIBRIVOX}-0870.wav`, '-i', `${LIBRIVOX}-0880.wav`, '-i', `${LIBRIVOX}-0890.wav`, '-i', `${LIBRIVOX}-0930.wav`,
    '-filter_complex',
    '[0:v][1:v][2:v][3:v][4:v]concat=n=5:v=1:a=0,format=yuv420p[v];' +
      'anullsrc=r=16000:cl=mono,atrim=duration=2.5[gap];[5:a][6:a][7:a][gap][8:a]concat=n=5:v=0:a=1[a]',
    '-map', '[v]', '-map', '[a]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart',
    '-metadata', 'title=Sense and Sensibility (LibriVox excerpt)',
    '-metadata', 'location=+48.8584+002.2945/',
    partial,
  ]);
  await rename(partial, path);
  return path;
}
