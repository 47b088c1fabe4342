import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractThumbnails, type ThumbnailOptions } from '../../media/thumbnails';

const run = promisify(execFile);
const OPTIONS: ThumbnailOptions = { sceneThreshold: 0.3, maxKeyframes: 24, widthPixels: 320 };

/**
 * Solid colours back to back (seconds each), H.264 at 25 fps with a keyframe every `gopSeconds`
 * and none at scene changes (`-sc_threshold 0`): where the keyframes fall is known exactly.
 * B-frames (x264 veryfast), as most encoders write them: frame times must survive reordering.
 */
async function colourClip(dir: string, name: string, scenes: [string, number][], gopSeconds: number): Promise<string> {
  const path = join(dir, name);
  const sources = scenes.map(([colour, seconds], i) => `color=${colour}:s=640x360:r=25:d=${seconds}[s${i}]`).join(';');
  const inputs = scenes.map((_, i) => `[s${i}]`).join('');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `${sources};${inputs}concat=n=${scenes.length}:v=1:a=0`, '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(gopSeconds * 25), '-sc_threshold', '0', '-pix_fmt', 'yuv420p', path]);
  return path;
}

/** The presentation times of the packets the container flags as keyframes. */
async function keyframeTimes(path: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path]);
  return stdout.split('\n').filter((line) => line.includes('K')).map((line) => Number(line.split(',')[0]));
}

/** Width and height of a JPEG, as ffprobe reads it from stdin. */
async function jpegSize(jpeg: Buffer): Promise<{ width: number; height: number }> {
  const probe = run('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', '-']);
  probe.child.stdin?.end(jpeg);
  const { streams } = JSON.parse((await probe).stdout) as { streams: { width: number; height: number }[] };
  return streams[0]!;
}

describe('thumbnails decode keyframes only', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelscope-keyframe-thumbs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a scene that starts and ends between two keyframes is not picked, and the poster is a keyframe', async () => {
    // Arrange: keyframes at 0 and 10 s only; blue from 4 to 6 s, between them
    const clip = await colourClip(dir, 'long-gop.mp4', [['red', 4], ['blue', 2], ['red', 6]], 10);
    const keyframes = await keyframeTimes(clip);

    // Act
    const set = await extractThumbnails(clip, 12, OPTIONS);

    // Assert: a full decode would pick the cuts at 4 and 6 s and a poster at 4 s (a third of 12)
    expect(keyframes).toEqual([0, 10]);
    expect(set.keyframes.map((k) => k.time)).toEqual([0]);
    expect(set.poster.time).toBe(0);
    expect(set.poster.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('picks the first frame and the keyframes where the picture changed, at the configured width, up to the maximum', async () => {
    // Arrange: a keyframe every 2 s; the colour changes at 4 and 8 s, both keyframes
    const clip = await colourClip(dir, 'short-gop.mp4', [['red', 4], ['blue', 4], ['green', 4]], 2);

    // Act
    const all = await extractThumbnails(clip, 12, OPTIONS);
    const capped = await extractThumbnails(clip, 12, { ...OPTIONS, maxKeyframes: 2 });

    // Assert
    expect(all.keyframes.map((k) => k.time)).toEqual([0, 4, 8]);
    expect(capped.keyframes.map((k) => k.time)).toEqual([0, 4]);
    // The keyframe at or before a third of the way in (4 s)
    expect(all.poster.time).toBe(4);
    expect(await jpegSize(all.keyframes[1]!.jpeg)).toEqual({ width: 320, height: 180 });
    expect(await jpegSize(all.poster.jpeg)).toEqual({ width: 640, height: 360 });
  });

  it('stops when the activity is cancelled', async () => {
    // Arrange
    const clip = await colourClip(dir, 'cancelled.mp4', [['red', 2]], 2);
    const cancelled = new AbortController();
    cancelled.abort();

    // Act
    const attempt = extractThumbnails(clip, 2, OPTIONS, cancelled.signal);

    // Assert
    await expect(attempt).rejects.toThrow(/cancelled/);
  });
});
