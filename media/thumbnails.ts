import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFrameJpegs, type FrameJpeg, type FrameJpegJob } from './frame-jpegs';
import { failedOnContent, MediaUnusableError } from './media-unusable-error';

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
 * JPEG keyframes at the first frame and wherever the picture changes from one keyframe to
 * the next (up to a maximum), plus a poster from the keyframe at or before a third of the
 * way in, where title cards and fades are usually over. Only keyframes are decoded, so the
 * cost follows the GOP, not the frame count: a scene change is seen at the first keyframe
 * after it (encoders usually place one there), and a scene that starts and ends between two
 * keyframes is not seen. A stream that flags no keyframe gets its first frame, decoded
 * normally; media with no decodable frame at all fails with MediaUnusableError, since
 * another attempt would decode the same nothing.
 */
export async function extractThumbnails(
  input: string,
  durationSeconds: number,
  options: ThumbnailOptions,
  signal?: AbortSignal,
): Promise<ThumbnailSet> {
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-thumbs-'));
  try {
    const keyframeJob: FrameJpegJob = {
      input,
      // The scene score compares each decoded frame with the previous one: here, keyframe with keyframe.
      select: `eq(n\\,0)+gt(scene\\,${options.sceneThreshold})`,
      scale: `${options.widthPixels}:-2`,
      maxFrames: options.maxKeyframes,
      jpegQuality: 4,
      dir,
      prefix: 'key',
      signal,
    };
    let keyframes = await writeFrameJpegs(keyframeJob).catch(noDecodableFrames('thumbnails'));
    if (keyframes.length === 0) {
      keyframes = await writeFrameJpegs({ ...keyframeJob, decode: 'all', select: undefined, maxFrames: 1, prefix: 'first' }).catch(noDecodableFrames('thumbnails'));
    }
    if (keyframes.length === 0) {
      throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for thumbnails');
    }
    const poster = await extractPoster(input, durationSeconds, options, dir, signal);
    return { poster: await loaded(poster), keyframes: await Promise.all(keyframes.map(loaded)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The keyframe at or before a third of the duration, or the first frame when nothing is decoded there. */
async function extractPoster(
  input: string,
  durationSeconds: number,
  options: ThumbnailOptions,
  dir: string,
  signal?: AbortSignal,
): Promise<FrameJpeg> {
  const job: FrameJpegJob = { input, scale: `${options.widthPixels * 2}:-2`, maxFrames: 1, jpegQuality: 3, dir, prefix: 'poster', signal };
  const third = Math.round((durationSeconds / 3) * 100) / 100;
  if (third > 0) {
    const [atThird] = await writeFrameJpegs({ ...job, fromKeyframeBefore: third });
    if (atThird) return atThird;
  }
  // Nothing decoded after the seek (no keyframe flagged, or the index points past the frames).
  const [first] = await writeFrameJpegs({ ...job, decode: 'all', prefix: 'first-poster' }).catch(noDecodableFrames('the poster'));
  if (first) return { time: first.time ?? 0, path: first.path };
  throw new MediaUnusableError('NoDecodableFrames', 'no frame of the video could be decoded for the poster');
}

/** With no frame decoded ffmpeg fails the run itself ("cannot determine format ... after EOF"). */
function noDecodableFrames(what: string): (err: unknown) => never {
  return (err) => {
    if (failedOnContent(err)) throw new MediaUnusableError('NoDecodableFrames', `no frame of the video could be decoded for ${what}`, { cause: err });
    throw err;
  };
}

async function loaded(frame: FrameJpeg): Promise<Thumbnail> {
  return { time: Math.round((frame.time ?? 0) * 100) / 100, jpeg: await readFile(frame.path) };
}
