import type { Readable } from 'node:stream';
import { streamFfmpeg } from './run-ffmpeg';

/** The proxy's picture: at most 640 pixels wide, even dimensions (H.264 4:2:0 needs them). */
const PROXY_SCALE = "scale='min(640,iw)':-2";

/**
 * A small H.264/AAC MP4 of the media for browsers that cannot play the upload (MKV, AVI,
 * HEVC, ...): fragmented, so it streams to the bucket as it is encoded (a faststart MP4 would
 * need a second pass over a local file) and plays from its first fragment.
 */
export function streamPlaybackProxy(mediaUrl: string, streams: { video: boolean; audio: boolean }, signal?: AbortSignal): { stream: Readable; done: Promise<void> } {
  const video = streams.video
    ? ['-map', '0:v:0', '-vf', PROXY_SCALE, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-profile:v', 'main']
    : ['-vn'];
  const audio = streams.audio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '96k', '-ac', '2'] : ['-an'];
  const { stdout, done } = streamFfmpeg({
    input: mediaUrl,
    outputOptions: [...video, ...audio, '-sn', '-dn', '-map_metadata', '-1', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4'],
    signal,
  });
  return { stream: stdout, done };
}
