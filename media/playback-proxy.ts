import type { Readable } from 'node:stream';
import { streamFfmpeg } from './run-ffmpeg';

/** The proxy's picture: at most 640 pixels wide, both dimensions even (H.264 4:2:0 needs them, and sources may be odd). */
const PROXY_SCALE = "scale='min(640,trunc(iw/2)*2)':-2";

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
    outputOptions: [...video, ...audio, '-sn', '-dn', '-map_metadata', '-1', '-movflags', 'frag_keyframe+empty_moov+default_base_moof',
      // Audio has no keyframes to cut at: without a duration, an audio-only proxy is one fragment written at exit.
      '-frag_duration', '2000000', '-f', 'mp4'],
    signal,
  });
  return { stream: stdout, done };
}
