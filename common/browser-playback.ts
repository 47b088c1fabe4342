import type { MediaFacts } from './types';

// Pure: the probe decides from its facts whether a proxy rendition is needed; the API names the type to serve.

/**
 * Containers and codecs every current browser's <video>/<audio> plays, Safari included, so
 * the rule is the narrow common ground: WebM, Ogg, AV1 and Vorbis get a proxy, since Safari
 * plays them only on some versions and devices. ffprobe names a container family, not a file
 * type ("mov,mp4,…" is MP4 and QuickTime alike), so the codecs decide.
 */
const PLAYABLE: { format: RegExp; video: readonly string[]; audio: readonly string[] }[] = [
  { format: /^mov,mp4/, video: ['h264'], audio: ['aac', 'mp3'] },
  { format: /^mp3$/, video: [], audio: ['mp3'] },
  { format: /^wav$/, video: [], audio: ['pcm_s16le', 'pcm_u8'] },
  { format: /^flac$/, video: [], audio: ['flac'] },
  { format: /^aac$/, video: [], audio: ['aac'] },
];

/** H.264 browsers decode: 8-bit 4:2:0 only (High 10 and 4:2:2/4:4:4 profiles play nowhere). */
const PLAYABLE_PIXEL_FORMATS: readonly string[] = ['yuv420p', 'yuvj420p'];

/** Whether a browser plays the upload as it is; images are shown, never played, so they never need a proxy. */
export function playsInBrowsers(media: Pick<MediaFacts, 'kind' | 'formatName' | 'video' | 'audio'>): boolean {
  if (media.kind === 'image') return true;
  const family = PLAYABLE.find((p) => p.format.test(media.formatName));
  if (!family) return false;
  if (media.video && !family.video.includes(media.video.codec)) return false;
  if (media.video?.pixelFormat && !PLAYABLE_PIXEL_FORMATS.includes(media.video.pixelFormat)) return false;
  if (media.audio && !family.audio.includes(media.audio.codec)) return false;
  return true;
}

/** The proxy rendition's name under the media's results prefix. */
export const PLAYBACK_PROXY_NAME = 'playback.mp4';

/** The proxy is always this. */
export const PLAYBACK_PROXY_MEDIA_TYPE = 'video/mp4';

// Container families (as ffprobe names them) and the media type a browser expects for each.
const MEDIA_TYPES: { format: RegExp; video: string; audio: string }[] = [
  { format: /^mov,mp4/, video: 'video/mp4', audio: 'audio/mp4' },
  { format: /^matroska,webm$/, video: 'video/webm', audio: 'audio/webm' },
  { format: /^ogg$/, video: 'video/ogg', audio: 'audio/ogg' },
  { format: /^mp3$/, video: 'audio/mpeg', audio: 'audio/mpeg' },
  { format: /^wav$/, video: 'audio/wav', audio: 'audio/wav' },
  { format: /^flac$/, video: 'audio/flac', audio: 'audio/flac' },
  { format: /^aac$/, video: 'audio/aac', audio: 'audio/aac' },
  { format: /^(image2|jpeg_pipe|mjpeg)$/, video: 'image/jpeg', audio: 'image/jpeg' },
  { format: /^png_pipe$/, video: 'image/png', audio: 'image/png' },
];

/**
 * The media type to serve an upload as, from what the probe found (never from what the
 * uploader declared); anything unrecognised is served as bytes, which no browser runs.
 */
export function mediaTypeOf(media: Pick<MediaFacts, 'formatName' | 'video'> | undefined): string {
  const family = media && MEDIA_TYPES.find((m) => m.format.test(media.formatName));
  if (!family) return 'application/octet-stream';
  return media.video ? family.video : family.audio;
}
