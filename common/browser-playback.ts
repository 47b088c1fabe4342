import type { MediaFacts } from './types';

// Pure: the workflow decides from the probe's facts whether a proxy rendition is needed.

/**
 * Containers and codecs every current browser's <video>/<audio> plays (Chrome, Firefox,
 * Safari, Edge). ffprobe names a container family, not a file type: "mov,mp4,…" is MP4 and
 * QuickTime alike, "matroska,webm" is MKV and WebM alike, so the codecs decide between them.
 */
const PLAYABLE: { format: RegExp; video: readonly string[]; audio: readonly string[] }[] = [
  { format: /^mov,mp4/, video: ['h264', 'av1'], audio: ['aac', 'mp3', 'opus', 'flac'] },
  { format: /^matroska,webm$/, video: ['vp8', 'vp9', 'av1'], audio: ['opus', 'vorbis'] },
  { format: /^ogg$/, video: [], audio: ['opus', 'vorbis', 'flac'] },
  { format: /^mp3$/, video: [], audio: ['mp3'] },
  { format: /^wav$/, video: [], audio: ['pcm_s16le', 'pcm_u8', 'pcm_f32le'] },
  { format: /^flac$/, video: [], audio: ['flac'] },
  { format: /^aac$/, video: [], audio: ['aac'] },
];

/** Whether a browser plays the upload as it is; images are shown, never played, so they never need a proxy. */
export function playsInBrowsers(media: Pick<MediaFacts, 'kind' | 'formatName' | 'video' | 'audio'>): boolean {
  if (media.kind === 'image') return true;
  const family = PLAYABLE.find((p) => p.format.test(media.formatName));
  if (!family) return false;
  if (media.video && !family.video.includes(media.video.codec)) return false;
  if (media.audio && !family.audio.includes(media.audio.codec)) return false;
  return true;
}

/** The proxy rendition's name under the media's results prefix. */
export const PLAYBACK_PROXY_NAME = 'playback.mp4';
