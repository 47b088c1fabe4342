import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYFRAMES_ONLY } from './frame-jpegs';
import { failedOnContent, MediaUnusableError } from './media-unusable-error';
import { runFfmpeg } from './run-ffmpeg';

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
 * Even-time samples are never closer than this: a keyframe at least this often (every real
 * upload's GOP, 1 to 10 s) makes them unnecessary, and closer samples of a screen recording
 * or a lecture would mostly repeat one picture.
 */
export const MIN_SAMPLE_SPACING_SECONDS = 10;
/**
 * What the samples may decode, in seconds of media: a frame between keyframes costs decoding
 * from the keyframe before it, and a file with one keyframe would otherwise cost a full decode
 * (the 40 s of CPU for 10 minutes of 720p that keyframe-only decoding removed). 5% of the
 * duration, at least 20 s: a few seconds of CPU at 720p, about what the keyframe pass costs.
 */
const SAMPLE_DECODE_SHARE = 0.05;
const MIN_SAMPLE_DECODE_SECONDS = 20;
/** A sample this close to the end could seek past the last frame and decode nothing. */
const END_MARGIN_SECONDS = 0.5;

/**
 * JPEG thumbnails at the first frame and wherever the picture changes from one keyframe to
 * the next (up to a maximum), plus a poster from the candidate at or before a third of the way
 * in, where title cards and fades are usually over. Only keyframes are decoded, so the cost
 * follows the GOP, not the frame count: a scene change is seen at the first keyframe after it
 * (encoders usually place one there), and a scene that starts and ends between two keyframes
 * is not seen. Where the keyframes are too sparse to compare (a file with one keyframe, GOPs
 * longer than the even spacing), frames at even times stand in for them, each decoded from the
 * keyframe before it within a bounded decode budget. A stream that flags no keyframe gets its
 * first frame, decoded normally; media with no decodable frame at all fails with
 * MediaUnusableError, since another attempt would decode the same nothing.
 */
export async function extractThumbnails(
  input: string,
  durationSeconds: number,
  options: ThumbnailOptions,
  signal?: AbortSignal,
): Promise<ThumbnailSet> {
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-thumbs-'));
  const pass = (job: Omit<JpegPass, 'input' | 'dir' | 'signal'>) => runJpegPass({ ...job, input, dir, signal });
  try {
    const scan = await pass({
      keyframesOnly: true,
      // The scene score compares each decoded frame with the previous one: here, keyframe with keyframe.
      select: `eq(n\\,0)+gt(scene\\,${options.sceneThreshold})`,
      width: options.widthPixels,
      maxFrames: options.maxKeyframes,
      jpegQuality: 4,
      prefix: 'key',
    }).catch(noDecodableFrames('thumbnails'));
    let picked = scan.picked;
    let samples: Sample[] = [];
    if (scan.keyframeTimes.length === 0) {
      picked = (await pass({ keyframesOnly: false, width: options.widthPixels, maxFrames: 1, jpegQuality: 4, prefix: 'first-frame' }).catch(noDecodableFrames('thumbnails'))).picked;
    } else if (picked.length < options.maxKeyframes) {
      // A pass cut short by the maximum saw only part of the keyframes, and needs no more thumbnails.
      const targets = chooseSamples(scan.keyframeTimes, durationSeconds, options.maxKeyframes - picked.length);
      samples = await sampleAtTimes(targets, options, (job) => pass({ ...job, width: options.widthPixels * 2, jpegQuality: 3 }), dir, signal);
    }
    if (picked.length === 0) {
      throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for thumbnails');
    }
    const poster = await extractPoster(durationSeconds, options, scan.keyframeTimes, samples, pass);
    const keyframes = [...picked, ...samples.map((s) => s.frame)].sort((a, b) => a.time - b.time);
    return { poster: await loaded(poster), keyframes: await Promise.all(keyframes.map(loaded)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Frame {
  /** Seconds into the media (its first frame at 0), as ffmpeg's showinfo logged it. */
  time: number;
  path: string;
}

interface Sample {
  /** At thumbnail width: the first frame at or after the even time asked for. */
  frame: Frame;
  /** The same frame at poster width, so that a sample made poster is not decoded twice. */
  large: Frame;
}

/**
 * The last keyframe or even-time sample at or before a third of the duration (the later of the
 * two), or the first frame when nothing decodes there.
 */
async function extractPoster(
  durationSeconds: number,
  options: ThumbnailOptions,
  keyframeTimes: number[],
  samples: Sample[],
  pass: (job: Omit<JpegPass, 'input' | 'dir' | 'signal'>) => Promise<PassResult>,
): Promise<Frame> {
  const job = { width: options.widthPixels * 2, maxFrames: 1, jpegQuality: 3 };
  const third = Math.round((durationSeconds / 3) * 100) / 100;
  if (third > 0) {
    const keyframe = keyframeTimes.filter((k) => k <= third).at(-1) ?? -1;
    const sample = samples.filter((s) => s.frame.time <= third).at(-1);
    if (sample && sample.frame.time > keyframe) return sample.large;
    const [atKeyframe] = (await pass({ ...job, keyframesOnly: true, seek: { to: third, accurate: false }, prefix: 'poster' })).picked;
    if (atKeyframe) return atKeyframe;
  }
  // Nothing decoded after the seek (no keyframe flagged, or the index points past the frames).
  const [first] = (await pass({ ...job, keyframesOnly: false, prefix: 'first-poster' }).catch(noDecodableFrames('the poster'))).picked;
  if (first) return first;
  throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for the poster');
}

interface SampleTarget {
  time: number;
  /** The keyframe the decoder starts from to reach it. */
  fromKeyframe: number;
}

/**
 * Even times, `spacing` apart, whose slot (from that time to the next) holds no keyframe: there
 * the keyframes cannot show what the picture did. Slots start at multiples of the spacing, the
 * cheapest point of each (nearest the keyframe before it). When the decode budget or `room`
 * cannot take them all, the cheapest win: targets sharing a keyframe are reached in one pass,
 * so each costs only what it decodes past the one before.
 */
export function chooseSamples(keyframeTimes: number[], durationSeconds: number, room: number): SampleTarget[] {
  const keyframes = [...keyframeTimes].sort((a, b) => a - b);
  const spacing = Math.max(MIN_SAMPLE_SPACING_SECONDS, durationSeconds / Math.max(1, room));
  const candidates: SampleTarget[] = [];
  for (let time = spacing; time < durationSeconds - END_MARGIN_SECONDS; time += spacing) {
    const end = time + spacing;
    if (keyframes.some((k) => k >= time && k < end)) continue;
    const fromKeyframe = keyframes.filter((k) => k < time).at(-1);
    if (fromKeyframe !== undefined) candidates.push({ time: Math.round(time * 1000) / 1000, fromKeyframe });
  }
  let budget = Math.max(MIN_SAMPLE_DECODE_SECONDS, durationSeconds * SAMPLE_DECODE_SHARE);
  const reached = new Map<number, number>();
  const chosen: SampleTarget[] = [];
  for (const target of [...candidates].sort((a, b) => a.time - a.fromKeyframe - (b.time - b.fromKeyframe))) {
    if (chosen.length >= room) break;
    const decodes = target.time - (reached.get(target.fromKeyframe) ?? target.fromKeyframe);
    if (decodes > budget) continue;
    budget -= decodes;
    reached.set(target.fromKeyframe, target.time);
    chosen.push(target);
  }
  return chosen.sort((a, b) => a.time - b.time);
}

/**
 * One pass per keyframe the targets start from: an accurate seek to the first target (the
 * decoder starts at the keyframe before it and drops frames until the target), then the
 * first frame at or after each later target, and the pass stops at the last. The frames are
 * written at poster width and shrunk from those JPEGs (a still, not the media, decoded again).
 */
async function sampleAtTimes(
  targets: SampleTarget[],
  options: ThumbnailOptions,
  pass: (job: Pick<JpegPass, 'keyframesOnly' | 'seek' | 'select' | 'maxFrames' | 'prefix'>) => Promise<PassResult>,
  dir: string,
  signal?: AbortSignal,
): Promise<Sample[]> {
  const byKeyframe = new Map<number, number[]>();
  for (const t of targets) byKeyframe.set(t.fromKeyframe, [...(byKeyframe.get(t.fromKeyframe) ?? []), t.time]);
  const samples: Sample[] = [];
  let group = 0;
  for (const times of byKeyframe.values()) {
    const [first, ...later] = times as [number, ...number[]];
    const select = ['isnan(prev_selected_t)', ...later.map((t) => `gte(t\\,${t})*lt(prev_selected_t\\,${t})`)].join('+');
    const prefix = `sample-${++group}`;
    const { picked } = await pass({ keyframesOnly: false, seek: { to: first, accurate: true }, select, maxFrames: times.length, prefix });
    if (picked.length === 0) continue;
    await runFfmpeg({
      input: join(dir, `${prefix}-%05d.jpg`),
      outputOptions: ['-vf', `scale=${options.widthPixels}:-2`, '-q:v', '4'],
      output: join(dir, `small-${prefix}-%05d.jpg`),
      signal,
    });
    picked.forEach((large, i) => samples.push({ large, frame: { time: large.time, path: join(dir, `small-${prefix}-${String(i + 1).padStart(5, '0')}.jpg`) } }));
  }
  return samples;
}

interface JpegPass {
  input: string;
  /** Decode keyframes only, or every frame from where the pass starts. */
  keyframesOnly: boolean;
  /**
   * Start near this time: an accurate seek decodes from the keyframe before it and keeps the
   * first frame at or after it; an inaccurate one keeps the keyframe the seek lands on.
   */
  seek?: { to: number; accurate: boolean };
  /** Which decoded frames to keep: a `select` expression, escaped for a filtergraph. Default all. */
  select?: string;
  width: number;
  maxFrames: number;
  /** ffmpeg's `-q:v` for MJPEG: 2 (best) to 31. */
  jpegQuality: number;
  dir: string;
  /** The JPEGs are named `<prefix>-00001.jpg` on. */
  prefix: string;
  signal?: AbortSignal;
}

interface PassResult {
  /** The times of every frame the decoder produced: with keyframesOnly, the keyframes it reached. */
  keyframeTimes: number[];
  /** The frames kept, as JPEGs. */
  picked: Frame[];
}

/** One ffmpeg run: its decoded frames logged before the select (`showinfo@decoded`), the kept ones after it (`showinfo@kept`). */
async function runJpegPass(job: JpegPass): Promise<PassResult> {
  const decoded: number[] = [];
  const kept: number[] = [];
  await runFfmpeg({
    input: job.input,
    inputOptions: [
      ...(job.keyframesOnly ? KEYFRAMES_ONLY : ['-threads', '1']),
      // -copyts keeps the media's own timestamps for showinfo after a seek (without it they count
      // from the seek point); -start_at_zero makes them count from the media's first frame, as
      // the unseeked passes do (an MPEG-TS stream starts at 1.4 s, say).
      ...(job.seek ? [...(job.seek.accurate ? [] : ['-noaccurate_seek']), '-ss', String(job.seek.to), '-copyts', '-start_at_zero'] : []),
    ],
    outputOptions: [
      '-vf',
      [
        'showinfo@decoded=checksum=0',
        ...(job.select !== undefined ? [`select='${job.select}'`] : []),
        'showinfo@kept=checksum=0',
        `scale=${job.width}:-2`,
      ].join(','),
      '-fps_mode',
      'vfr',
      '-frames:v',
      String(job.maxFrames),
      '-q:v',
      String(job.jpegQuality),
      '-an',
    ],
    output: join(job.dir, `${job.prefix}-%05d.jpg`),
    signal: job.signal,
    onStderr: (line) => {
      const logged = /\[showinfo@(decoded|kept) @[^\]]*\].*\bpts_time:\s*(-?[\d.]+)/.exec(line);
      if (!logged) return;
      (logged[1] === 'decoded' ? decoded : kept).push(Math.round(Number(logged[2]) * 1000) / 1000);
    },
  });
  const files = (await readdir(job.dir)).filter((f) => f.startsWith(`${job.prefix}-`) && f.endsWith('.jpg')).sort();
  // showinfo@kept logs a frame ffmpeg may still drop at -frames:v; the JPEGs are the frames written, in order.
  return { keyframeTimes: decoded, picked: files.map((file, i) => ({ time: kept[i] ?? 0, path: join(job.dir, file) })) };
}

/** With no frame decoded ffmpeg fails the run itself ("cannot determine format ... after EOF"). */
function noDecodableFrames(what: string): (err: unknown) => never {
  return (err) => {
    if (failedOnContent(err)) throw new MediaUnusableError('NoDecodableFrames', `no frame of the video could be decoded for ${what}`, { cause: err });
    throw err;
  };
}

async function loaded(frame: Frame): Promise<Thumbnail> {
  return { time: Math.round(frame.time * 100) / 100, jpeg: await readFile(frame.path) };
}
