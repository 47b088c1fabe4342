import type { Readable } from 'node:stream';
import { streamFfmpeg } from './run-ffmpeg';

/**
 * The media's first audio track as 16 kHz mono FLAC on stdout: what speech services are
 * tuned for, and small (about 1.5 MB a minute) so a 4-hour video's speech stays far below
 * Transcribe's 2 GB input limit.
 */
export function extractAudioTrack(mediaUrl: string, signal?: AbortSignal): { stream: Readable; done: Promise<void> } {
  const { stdout, done } = streamFfmpeg({
    input: mediaUrl,
    outputOptions: ['-map', '0:a:0', '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'flac', '-f', 'flac'],
    signal,
  });
  return { stream: stdout, done };
}
