/**
 * File endings an upload may have to be analysed, by default: the containers ffmpeg reads that
 * carry video, audio or a still. The ending only decides whether an upload is worth a probe;
 * the probe reads the bytes and decides what the media really is (a `.mp4` that is not one is
 * rejected there), and REELSCOPE_ACCEPTED_KINDS decides which kinds are analysed.
 */
export const DEFAULT_MEDIA_SUFFIXES: readonly string[] = [
  // video
  '.mp4', '.m4v', '.mov', '.qt', '.mkv', '.webm', '.avi', '.wmv', '.asf', '.flv', '.mpg', '.mpeg',
  '.ts', '.mts', '.m2ts', '.3gp', '.3g2', '.mxf', '.ogv',
  // audio
  '.mp3', '.m4a', '.aac', '.wav', '.flac', '.ogg', '.oga', '.opus', '.wma', '.aif', '.aiff', '.amr',
  // stills
  '.jpg', '.jpeg', '.png',
];
