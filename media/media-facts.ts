import type { FfprobeData, FfprobeStream } from 'fluent-ffmpeg';
import type { RejectionType } from '../common/failure-types';
import type { MediaFacts, MediaKind } from '../common/types';
import { boundedText } from '../common/printable-text';
import { parseIso6709 } from './iso6709';

/** The media cannot or may not be analysed; `type` is a stable rejection type name. */
export class MediaRejectedError extends Error {
  override readonly name = 'MediaRejectedError';
  constructor(
    readonly type: RejectionType,
    message: string,
  ) {
    super(message);
  }
}

const IMAGE_FORMATS = /(^|,)(image2|[a-z0-9]+_pipe|apng|webp)(,|$)/;
const IMAGE_CODECS = new Set(['mjpeg', 'png', 'bmp', 'webp', 'gif', 'tiff', 'jpeg2000', 'heif']);
/** Stream bit rates promising this much more data than the object holds mean a cut-off upload. */
const TRUNCATION_RATIO = 1.25;
/**
 * Largest frame analysed: 8192x8192 (DCI 8K is 8192x4320). Every frame-based step decodes
 * full frames before scaling them, so a 12000x12000 upload would cost ~200 MB per frame on
 * every worker that touches it; such files are refused up front instead.
 */
const MAX_FRAME_PIXELS = 8192 * 8192;
/**
 * Tags are the uploader's text and ride in every activity input, the history and the record:
 * a title is cut to a line's worth, and an ISO 6709 string is never longer than this.
 */
const MAX_TITLE_CHARS = 200;
const MAX_LOCATION_CHARS = 64;

/**
 * Turns ffprobe's answer into the facts the pipeline plans from, rejecting media that is
 * not decodable media: no streams, no duration, or an index promising more bytes than exist.
 */
export function mediaFactsFromProbe(data: FfprobeData, sizeBytes: number): MediaFacts {
  const video = data.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audio = data.streams.find((s) => s.codec_type === 'audio');
  if (!video && !audio) {
    throw new MediaRejectedError('UnrecognizedMedia', 'the file has no audio or video stream');
  }
  checkDecodable(video, audio);
  const kind = mediaKind(data, video, audio);
  const durationSeconds = numberOr(data.format.duration, 0);
  if (kind !== 'image' && !(durationSeconds > 0)) {
    throw new MediaRejectedError('CorruptMedia', 'the file has no decodable duration');
  }
  checkNotTruncated(data, durationSeconds, sizeBytes);

  const tags = { ...lowerKeys(data.format.tags) };
  const locationTag = tags['location'] ?? tags['com.apple.quicktime.location.iso6709'];
  const location = locationTag && locationTag.length <= MAX_LOCATION_CHARS ? parseIso6709(locationTag) : undefined;
  const title = typeof tags['title'] === 'string' ? boundedText(tags['title'], MAX_TITLE_CHARS) : '';
  return {
    kind,
    formatName: data.format.format_name ?? 'unknown',
    durationSeconds: kind === 'image' ? 0 : round3(durationSeconds),
    sizeBytes,
    ...(numberOr(data.format.bit_rate, 0) > 0 ? { bitRate: numberOr(data.format.bit_rate, 0) } : {}),
    streamCount: data.streams.length,
    ...(video
      ? {
          video: {
            codec: video.codec_name ?? 'unknown',
            ...(video.pix_fmt ? { pixelFormat: String(video.pix_fmt) } : {}),
            width: video.width ?? 0,
            height: video.height ?? 0,
            framesPerSecond: round3(frameRate(video.avg_frame_rate ?? video.r_frame_rate)),
          },
        }
      : {}),
    ...(audio
      ? {
          audio: {
            codec: audio.codec_name ?? 'unknown',
            sampleRate: numberOr(audio.sample_rate, 0),
            channels: audio.channels ?? 0,
          },
        }
      : {}),
    ...(title ? { title } : {}),
    ...(location ? { location } : {}),
  };
}

/**
 * ffprobe names the codec of every stream it can decode; a stream without a codec name (a
 * codec id ffmpeg does not know) would fail every analysis later, one retry at a time.
 */
function checkDecodable(video: FfprobeStream | undefined, audio: FfprobeStream | undefined): void {
  for (const stream of [video, audio]) {
    // ffprobe prints no codec name; fluent-ffmpeg reports that as 'unknown'.
    if (stream && (!stream.codec_name || stream.codec_name === 'none' || stream.codec_name === 'unknown')) {
      const tag = stream.codec_tag_string && stream.codec_tag_string !== '[0][0][0][0]' ? ` (codec tag ${stream.codec_tag_string})` : '';
      throw new MediaRejectedError('UnsupportedCodec', `the ${stream.codec_type} stream uses a codec ffmpeg cannot decode${tag}`);
    }
  }
  const pixels = (video?.width ?? 0) * (video?.height ?? 0);
  if (pixels > MAX_FRAME_PIXELS) {
    throw new MediaRejectedError(
      'UnsupportedDimensions',
      `the video is ${video?.width}x${video?.height} (${Math.round(pixels / 1e6)} megapixels), over the ${Math.round(MAX_FRAME_PIXELS / 1e6)}-megapixel limit (8192x8192)`,
    );
  }
}

function mediaKind(data: FfprobeData, video?: FfprobeStream, audio?: FfprobeStream): MediaKind {
  if (!video) return 'audio';
  const singleFrame = video.nb_frames === '1' || Number(video.nb_frames) === 1;
  const stillCodec = IMAGE_CODECS.has(video.codec_name ?? '');
  if (IMAGE_FORMATS.test(data.format.format_name ?? '') || (stillCodec && !audio && (singleFrame || !video.duration))) {
    return 'image';
  }
  return 'video';
}

function checkNotTruncated(data: FfprobeData, durationSeconds: number, sizeBytes: number): void {
  const declaredBitsPerSecond = data.streams.reduce((sum, s) => sum + numberOr(s.bit_rate, 0), 0);
  if (declaredBitsPerSecond <= 0 || durationSeconds <= 0 || sizeBytes <= 0) return;
  const declaredBytes = (declaredBitsPerSecond * durationSeconds) / 8;
  if (declaredBytes > sizeBytes * TRUNCATION_RATIO) {
    const percent = Math.round((100 * sizeBytes) / declaredBytes);
    throw new MediaRejectedError(
      'TruncatedMedia',
      `the file holds ${sizeBytes} bytes, about ${percent}% of what its streams declare: the upload was cut off`,
    );
  }
}

function frameRate(rate: string | undefined): number {
  const [num, den] = (rate ?? '0/1').split('/').map(Number);
  return num && den ? num / den : 0;
}

function numberOr(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function lowerKeys(tags: Record<string, string | number> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
