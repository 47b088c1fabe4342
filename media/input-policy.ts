/**
 * What ffmpeg and ffprobe may read when they open an upload. They pick a demuxer by content,
 * not by name: an HLS playlist or a concat script uploaded as `clip.mp4` would make them fetch
 * every URL it lists (server-side request forgery from inside the worker's network). So every
 * input names the demuxers of the media containers we accept and the protocols one read of an
 * object needs; a playlist is then refused at probe ("Format not on whitelist"), and nothing
 * it lists is ever requested.
 */
export const ALLOWED_DEMUXERS: readonly string[] = [
  'mov', // mp4, m4v, m4a, mov, 3gp, 3g2
  'matroska', // mkv, webm
  'avi',
  'asf', // wmv, wma
  'flv',
  'mpeg', // mpg (program stream)
  'mpegts', // ts, mts, m2ts
  'mxf',
  'ogg', // ogg, oga, ogv, opus
  'mp3',
  'aac',
  'wav',
  'w64',
  'flac',
  'aiff',
  'amr',
  'image2',
  'jpeg_pipe',
  'png_pipe',
];

/** A network read that stalls this long fails (and is reconnected) instead of waiting out the activity. */
export const NETWORK_READ_TIMEOUT_SECONDS = 30;
/** How long ffmpeg keeps reconnecting a dropped read before the attempt fails. */
const RECONNECT_DELAY_MAX_SECONDS = 10;

/**
 * Input options for one ffmpeg or ffprobe input: the demuxer and protocol whitelists, and for
 * presigned URLs a read timeout and reconnects (S3 objects are seekable, so a reconnect resumes
 * at the byte it stopped at).
 */
export function inputPolicyOptions(input: string): string[] {
  const formats = ['-format_whitelist', ALLOWED_DEMUXERS.join(',')];
  if (/^https?:\/\//i.test(input)) {
    return [
      '-protocol_whitelist', 'http,https,tcp,tls',
      ...formats,
      '-rw_timeout', String(NETWORK_READ_TIMEOUT_SECONDS * 1_000_000),
      '-reconnect', '1',
      '-reconnect_on_network_error', '1',
      '-reconnect_delay_max', String(RECONNECT_DELAY_MAX_SECONDS),
    ];
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(input)) throw new Error('ffmpeg reads only http(s) URLs and local files');
  return ['-protocol_whitelist', 'file', ...formats];
}
