import { streamFfmpeg } from './run-ffmpeg';

export interface RgbFrame {
  /** Seconds into the media. */
  time: number;
  width: number;
  height: number;
  /** Packed RGB24 pixels, row-major. */
  pixels: Uint8Array;
}

/**
 * Decodes one frame every `intervalSeconds`, scaled to width x height, as raw RGB24 straight
 * from ffmpeg's stdout: no image files and no image decoder in between. The first frame is
 * always among them: a still image, a one-frame video or a clip shorter than the interval
 * still gets one frame.
 */
export async function* sampleFrames(
  input: string,
  options: { intervalSeconds: number; width: number; height: number },
  signal?: AbortSignal,
): AsyncGenerator<RgbFrame> {
  const { intervalSeconds, width, height } = options;
  const frameBytes = width * height * 3;
  const { stdout, done } = streamFfmpeg({
    input,
    // eof_action=pass: without it the fps filter drops the last frame when the input ends before
    // the next slot, which is every frame of a still or of a clip shorter than the interval.
    outputOptions: ['-vf', `fps=1/${intervalSeconds}:eof_action=pass,scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-an'],
    signal,
  });
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of stdout) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= frameBytes) {
      const pixels = new Uint8Array(pending.subarray(0, frameBytes));
      pending = pending.subarray(frameBytes);
      // The fps filter emits the frame nearest to each multiple of the interval.
      yield { time: Math.round(index * intervalSeconds * 100) / 100, width, height, pixels };
      index += 1;
    }
  }
  await done;
}
