import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Bad and edge-case media, generated at test time so no binaries are committed.

async function ffmpeg(args: string[]): Promise<void> {
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', ...args]);
}

const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
const pattern = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25:duration=${seconds}`];

/** A short h264/aac test-pattern clip with a tone (faststart unless asked otherwise). */
export async function makeVideoClip(
  dir: string,
  opts: { seconds?: number; withAudio?: boolean; name?: string; faststart?: boolean } = {},
): Promise<string> {
  const seconds = opts.seconds ?? 3;
  const path = join(dir, opts.name ?? `clip-${seconds}s${opts.withAudio === false ? '-silent' : ''}${opts.faststart === false ? '-tail' : ''}.mp4`);
  await ffmpeg([
    ...pattern(seconds),
    ...(opts.withAudio === false ? [] : tone(seconds)),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    ...(opts.withAudio === false ? [] : ['-c:a', 'aac', '-shortest']),
    ...(opts.faststart === false ? [] : ['-movflags', '+faststart']),
    path,
  ]);
  return path;
}

export async function makeZeroByte(dir: string): Promise<string> {
  const path = join(dir, 'empty.mp4');
  await writeFile(path, '');
  return path;
}

export async function makeTextAsMp4(dir: string): Promise<string> {
  const path = join(dir, 'notes.mp4');
  await writeFile(path, 'Meeting notes\nThis is a text file that someone renamed to .mp4.\n'.repeat(50));
  return path;
}

/** A faststart MP4 cut to 40%: the index survives, most of the media data does not. */
export async function makeTruncatedMp4(dir: string): Promise<string> {
  const full = await makeVideoClip(dir, { seconds: 6, name: 'full-for-truncation.mp4' });
  const bytes = await readFile(full);
  const path = join(dir, 'truncated.mp4');
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
  return path;
}

/** An MP4 with its index at the end, cut before it: what an interrupted upload looks like. */
export async function makeMoovlessMp4(dir: string): Promise<string> {
  const full = await makeVideoClip(dir, { seconds: 6, faststart: false, name: 'full-moov-at-end.mp4' });
  const bytes = await readFile(full);
  const path = join(dir, 'moovless.mp4');
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  return path;
}

export async function makeAudioOnly(dir: string): Promise<string> {
  const path = join(dir, 'voice.m4a');
  await ffmpeg([...tone(3), '-c:a', 'aac', path]);
  return path;
}

/** A still image: the test pattern's first frame, a 320x180 JPEG unless asked otherwise. */
export async function makeImage(dir: string, opts: { format?: 'jpg' | 'png'; size?: string } = {}): Promise<string> {
  const format = opts.format ?? 'jpg';
  const path = join(dir, `still${opts.size ? `-${opts.size}` : ''}.${format}`);
  await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${opts.size ?? '320x180'}:rate=25:duration=1`, '-frames:v', '1', path]);
  return path;
}

/** An H.264 MP4 holding exactly one frame (0.04 s) and no audio. */
export async function makeSingleFrameVideo(dir: string): Promise<string> {
  const path = join(dir, 'one-frame.mp4');
  await ffmpeg([...pattern(1), '-frames:v', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path]);
  return path;
}

/**
 * A 6 s H.264+AAC MP4 with a tenth of its media data zeroed in the middle: it probes
 * cleanly (the index is intact) and decodes to the end, with decode errors from about 2-3 s on.
 */
export async function makeDamagedMp4(dir: string): Promise<string> {
  const bytes = await readFile(await makeVideoClip(dir, { seconds: 6, name: 'full-for-damage.mp4' }));
  const mdat = mdatPayload(bytes);
  const length = Math.floor((mdat.end - mdat.start) / 10);
  const from = mdat.start + Math.floor((mdat.end - mdat.start - length) / 2);
  bytes.fill(0, from, from + length);
  const path = join(dir, 'damaged.mp4');
  await writeFile(path, bytes);
  return path;
}

/** A 2 s H.264 MP4 (no audio) whose media data is all zeros: it probes, but no frame decodes. */
export async function makeUndecodableVideo(dir: string): Promise<string> {
  const bytes = await readFile(await makeVideoClip(dir, { seconds: 2, withAudio: false, name: 'full-for-blanking.mp4' }));
  const mdat = mdatPayload(bytes);
  bytes.fill(0, mdat.start, mdat.end);
  const path = join(dir, 'undecodable.mp4');
  await writeFile(path, bytes);
  return path;
}

/** Where the payload of the top-level `mdat` box of an MP4 starts and ends. */
function mdatPayload(bytes: Buffer): { start: number; end: number } {
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = bytes.length - offset;
    }
    if (bytes.toString('latin1', offset + 4, offset + 8) === 'mdat') return { start: offset + header, end: offset + size };
    offset += size;
  }
  throw new Error('no mdat box in the generated MP4');
}

/** Bytes with no structure at all, named like a video. */
export async function makeRandomBytes(dir: string): Promise<string> {
  const path = join(dir, 'noise.mp4');
  await writeFile(path, randomBytes(256 * 1024));
  return path;
}

/** A valid Matroska file whose video codec id no decoder knows (the id is patched in place). */
export async function makeUnknownCodec(dir: string): Promise<string> {
  const source = join(dir, 'known-codec.mkv');
  await ffmpeg([...pattern(2), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', source]);
  const bytes = await readFile(source);
  const at = bytes.indexOf('V_MPEG4/ISO/AVC');
  if (at < 0) throw new Error('no AVC codec id to patch in the generated file');
  bytes.write('V_REELSCOPE/XYZ', at, 'latin1');
  const path = join(dir, 'unknown-codec.mkv');
  await writeFile(path, bytes);
  return path;
}

/** 12000x12000 frames: decodable, but ~200 MB per frame for every frame-based step. */
export async function makeHugeDimensions(dir: string): Promise<string> {
  const path = join(dir, 'huge.mkv');
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=12000x12000:r=5:d=0.4', '-c:v', 'mpeg2video', path]);
  return path;
}

/** An MP4 written with zero frames: a container and nothing in it. */
export async function makeZeroFrames(dir: string): Promise<string> {
  const path = join(dir, 'zero-frames.mp4');
  await ffmpeg([...pattern(1), '-frames:v', '0', '-c:v', 'libx264', path]);
  return path;
}

/** Clean video, AAC audio whose packets are corrupted by the noise bitstream filter. */
export async function makeCorruptAudio(dir: string): Promise<string> {
  const path = join(dir, 'corrupt-audio.mp4');
  await ffmpeg([
    ...pattern(3), ...tone(3),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-bsf:a', 'noise=amount=2', '-shortest', path,
  ]);
  return path;
}

/** One video stream and twelve audio streams (multi-language masters look like this). */
export async function makeManyStreams(dir: string): Promise<string> {
  const path = join(dir, 'many-streams.mkv');
  const tracks = Array.from({ length: 12 }, (_, i) => i + 1);
  await ffmpeg([
    ...pattern(2),
    ...tracks.flatMap((i) => ['-f', 'lavfi', '-i', `sine=frequency=${200 + i * 50}:duration=2`]),
    '-map', '0:v', ...tracks.flatMap((i) => ['-map', `${i}:a`]),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path,
  ]);
  return path;
}
