import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffmpeg from 'fluent-ffmpeg';
import { extractThumbnails, type ThumbnailOptions } from '../../media/thumbnails';

const run = promisify(execFile);
const OPTIONS: ThumbnailOptions = { sceneThreshold: 0.3, maxKeyframes: 24, widthPixels: 320 };

/**
 * Solid colours back to back (seconds each), H.264 at 25 fps with a keyframe every `gopSeconds`
 * and, unless `keyframesAtCuts`, none at scene changes (`-sc_threshold 0`): where the keyframes
 * fall is known exactly. B-frames (x264 veryfast), as most encoders write them: frame times
 * must survive reordering.
 */
async function colourClip(dir: string, name: string, scenes: [string, number][], gopSeconds: number, keyframesAtCuts = false): Promise<string> {
  const path = join(dir, name);
  const sources = scenes.map(([colour, seconds], i) => `color=${colour}:s=640x360:r=25:d=${seconds}[s${i}]`).join(';');
  const inputs = scenes.map((_, i) => `[s${i}]`).join('');
  await run('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `${sources};${inputs}concat=n=${scenes.length}:v=1:a=0`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(gopSeconds * 25), ...(keyframesAtCuts ? [] : ['-sc_threshold', '0']), '-pix_fmt', 'yuv420p', path,
  ]);
  return path;
}

/** A JPEG's mean colour as its nearest primary: the clips' colours are pure, JPEG's rounding is not. */
async function colourOf(jpeg: Buffer): Promise<string> {
  const mean = run('ffmpeg', ['-v', 'error', '-f', 'jpeg_pipe', '-i', '-', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer' });
  mean.child.stdin?.end(jpeg);
  const [r = 0, g = 0, b = 0] = (await mean).stdout;
  const named: [string, number[]][] = [['red', [255, 0, 0]], ['green', [0, 128, 0]], ['blue', [0, 0, 255]], ['yellow', [255, 255, 0]]];
  const distance = (c: number[]) => Math.hypot(r - c[0]!, g - c[1]!, b - c[2]!);
  return named.reduce((best, next) => (distance(next[1]) < distance(best[1]) ? next : best))[0];
}

/**
 * Runs `act` with fluent-ffmpeg pointed at a wrapper that adds `-debug_ts`, which makes ffmpeg
 * log one `decoder ->` line per frame its decoder outputs, keyframe flag included; returns those
 * lines for the video stream. Restores the real ffmpeg after.
 */
async function decodedFrames(dir: string, act: () => Promise<unknown>): Promise<{ keyframe: boolean; time: number }[]> {
  const { stdout: real } = await run('sh', ['-c', 'command -v ffmpeg']);
  const log = join(dir, 'decoded.log');
  const wrapper = join(dir, 'ffmpeg-debug-ts');
  await writeFile(log, '');
  await writeFile(wrapper, `#!/bin/bash\nexec 3>&1\n'${real.trim()}' -debug_ts "$@" 2>&1 1>&3 3>&- | tee -a '${log}' >&2\nexit "\${PIPESTATUS[0]}"\n`);
  await chmod(wrapper, 0o755);
  ffmpeg.setFfmpegPath(wrapper);
  try {
    await act();
  } finally {
    ffmpeg.setFfmpegPath(real.trim());
  }
  return (await readFile(log, 'utf8'))
    .split('\n')
    .map((line) => /decoder -> ist_index:\d+ type:video .*frame_pts_time:(\S+) .*keyframe:(\d)/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ time: Number(m[1]), keyframe: m[2] === '1' }));
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

  it('decodes keyframes only: no other frame reaches the decoder output', async () => {
    // Arrange: 40 s at 25 fps (1,000 frames), a keyframe every 2 s, the picture changing every 10 s
    const clip = await colourClip(dir, 'decode-count.mp4', [['red', 10], ['blue', 10], ['green', 10], ['yellow', 10]], 2);
    const keyframes = await keyframeTimes(clip);

    // Act
    let set: Awaited<ReturnType<typeof extractThumbnails>> | undefined;
    const decoded = await decodedFrames(dir, async () => (set = await extractThumbnails(clip, 40, OPTIONS)));

    // Assert: the keyframe pass decodes each keyframe once, the poster's seek one more; a full decode would be 1,000 frames
    expect(keyframes).toHaveLength(20);
    expect(decoded.length).toBeGreaterThan(0);
    expect(decoded.filter((f) => !f.keyframe)).toEqual([]);
    expect(decoded.length).toBeLessThanOrEqual(keyframes.length + 2);
    expect(set?.keyframes.map((k) => k.time)).toEqual([0, 10, 20, 30]);
  });

  it('finds the scene changes at the keyframes the encoder put at the cuts, with their presentation times', async () => {
    // Arrange: x264's scenecut on (as encoders ship), cuts at 3 s and 7.4 s, off the 2 s GOP's beat
    // (x264 sees these colour changes as cuts; a blue to green one it codes as a DC change)
    const clip = await colourClip(dir, 'cuts.mp4', [['red', 3], ['blue', 4.4], ['yellow', 4.6]], 2, true);
    const keyframes = await keyframeTimes(clip);

    // Act
    const set = await extractThumbnails(clip, 12, OPTIONS);

    // Assert: every thumbnail is a keyframe, at its pts, and shows the scene it opens
    const times = set.keyframes.map((k) => k.time);
    expect(keyframes).toEqual(expect.arrayContaining([0, 3, 7.4]));
    expect(times).toEqual([0, 3, 7.4]);
    expect(times.every((t) => keyframes.some((k) => Math.abs(k - t) < 0.005))).toBe(true);
    expect(await Promise.all(set.keyframes.map((k) => colourOf(k.jpeg)))).toEqual(['red', 'blue', 'yellow']);
    // A third of 12 s is 4 s: the last keyframe before it is the cut at 3 s
    expect(set.poster.time).toBe(3);
    expect(await colourOf(set.poster.jpeg)).toBe('blue');
  });

  it('a file with one keyframe still gets thumbnails: frames at even times, decoded from that keyframe', async () => {
    // Arrange: 30 s with only the first frame a keyframe; the picture changes at 10 and 20 s
    const clip = await colourClip(dir, 'one-keyframe.mp4', [['red', 10], ['blue', 10], ['green', 10]], 1000);
    const keyframes = await keyframeTimes(clip);

    // Act
    let set: Awaited<ReturnType<typeof extractThumbnails>> | undefined;
    const decoded = await decodedFrames(dir, async () => (set = await extractThumbnails(clip, 30, OPTIONS)));

    // Assert: samples at 10 and 20 s, each the first frame at or after its time; the poster is the one at a third (10 s)
    expect(keyframes).toEqual([0]);
    expect(set!.keyframes.map((k) => k.time)).toEqual([0, 10, 20]);
    expect(await Promise.all(set!.keyframes.map((k) => colourOf(k.jpeg)))).toEqual(['red', 'blue', 'green']);
    expect(set!.poster.time).toBe(10);
    expect(await colourOf(set!.poster.jpeg)).toBe('blue');
    expect(await jpegSize(set!.keyframes[1]!.jpeg)).toEqual({ width: 320, height: 180 });
    expect(await jpegSize(set!.poster.jpeg)).toEqual({ width: 640, height: 360 });
    // Bounded: one pass from the keyframe up to 20 s serves both samples and the poster, not a decode per sample
    const lastDecoded = Math.max(...decoded.map((f) => f.time));
    expect(lastDecoded).toBeLessThan(21);
    expect(decoded.length).toBeLessThan(20 * 25 + 10);
  });

  it('long media with one keyframe samples only as far as its decode budget reaches', async () => {
    // Arrange: 90 s, only the first frame a keyframe: a sample at 80 s would cost decoding 80 s of frames
    const clip = await colourClip(dir, 'one-keyframe-long.mp4', [['red', 30], ['blue', 30], ['green', 30]], 10_000);

    // Act
    let set: Awaited<ReturnType<typeof extractThumbnails>> | undefined;
    const decoded = await decodedFrames(dir, async () => (set = await extractThumbnails(clip, 90, OPTIONS)));

    // Assert: samples every 10 s while the 20 s budget (its floor) lasts; nothing decoded past it
    expect(set!.keyframes.map((k) => k.time)).toEqual([0, 10, 20]);
    expect(set!.poster.time).toBe(20);
    expect(Math.max(...decoded.map((f) => f.time))).toBeLessThan(21);
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
