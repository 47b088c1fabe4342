import { dirname, join } from 'node:path';
import { createWorker, OEM, type Line, type Page } from 'tesseract.js';

/**
 * The English LSTM model shipped in `@tesseract.js-data/eng` (integer-quantised "best"):
 * read from the package on disk, so the worker needs no network and no cache directory.
 */
const ENG_LANG_PATH = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

export const TEXT_MODEL = 'tesseract.js LSTM eng 4.0.0_best_int';

/** What counts as text on screen rather than texture read as glyphs. */
export const TEXT_RULES = {
  /**
   * Tesseract's line confidence (0..100). Rendered captions read at 90 and over; the texture
   * of a test pattern, grass or brickwork comes back as strings like "HBB Ee" at 10 to 56.
   * 60 sits above that noise and well below clean text.
   */
  minConfidence: 60,
  /** "3 =", "e", "|" are what edges and stripes read as; a word has two letters or digits at least. */
  minAlphanumerics: 2,
  /** A line longer than this is cut: a caption or a lower third, not a page of prose. */
  maxChars: 200,
  /** The most confident lines of one frame; a frame full of small print would crowd out the rest. */
  maxLinesPerFrame: 20,
} as const;

/** Where a line is, as fractions of the frame (Rekognition's BoundingBox convention). */
export interface TextBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface TextLine {
  text: string;
  /** 0..1 */
  confidence: number;
  box: TextBox;
}

/** One tesseract worker (a worker thread with the WebAssembly engine); close it when done. */
export interface TextReader {
  /** Lines of text in one JPEG frame, noise filtered out ({@link TEXT_RULES}), most confident first. */
  read(jpeg: Buffer, signal: AbortSignal): Promise<TextLine[]>;
  close(): Promise<void>;
}

/** Named as Node names its aborted calls: the worker reports an attempt cancelled only for an AbortError. */
export class TextRecognitionAbortedError extends Error {
  override readonly name = 'AbortError';
}

/** Starts a tesseract worker with the English model (about 1.5 s: the model is inflated and loaded once). */
export async function openTextReader(): Promise<TextReader> {
  const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath: ENG_LANG_PATH, cacheMethod: 'none', gzip: true });
  let closed: Promise<unknown> | undefined;
  const close = async () => {
    closed ??= worker.terminate();
    await closed;
  };
  return {
    async read(jpeg, signal) {
      if (signal.aborted) throw new TextRecognitionAbortedError('cancelled before text recognition started', { cause: signal.reason });
      const size = jpegSize(jpeg);
      // Blocks carry the lines with their boxes; tesseract.js leaves them out unless asked.
      const { data } = await untilAborted(worker.recognize(jpeg, {}, { text: false, blocks: true }), signal, close);
      return keptLines(data, size);
    },
    close,
  };
}

/** The lines of a recognised page that pass {@link TEXT_RULES}, boxes as fractions of `size`. */
export function keptLines(page: Pick<Page, 'blocks'>, size: { width: number; height: number }): TextLine[] {
  const lines: Line[] = (page.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines));
  const fraction = (value: number, whole: number) => Math.round((value / whole) * 10_000) / 10_000;
  return lines
    .map((line) => ({ line, text: line.text.replace(/\s+/g, ' ').trim().slice(0, TEXT_RULES.maxChars) }))
    .filter(({ line, text }) => line.confidence >= TEXT_RULES.minConfidence && (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= TEXT_RULES.minAlphanumerics)
    .sort((a, b) => b.line.confidence - a.line.confidence)
    .slice(0, TEXT_RULES.maxLinesPerFrame)
    .map(({ line: { bbox, confidence }, text }) => ({
      text,
      confidence: Math.round(confidence * 100) / 10_000,
      box: {
        left: fraction(bbox.x0, size.width),
        top: fraction(bbox.y0, size.height),
        width: fraction(bbox.x1 - bbox.x0, size.width),
        height: fraction(bbox.y1 - bbox.y0, size.height),
      },
    }));
}

/**
 * A recognition that gives way to the abort: a terminated tesseract worker never settles the
 * call it was running, so the abort itself ends the wait, and `stop` ends the worker.
 */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal, stop: () => Promise<void>): Promise<T> {
  // Once the abort wins, whatever the stopped worker does with the call (never settle, or reject
  // because it is gone) must not surface as an unhandled rejection that ends the process.
  void work.catch(() => undefined);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      // Not at once: tesseract.js posts the job a microtask after recognize() is called, and a
      // worker terminated before that post throws inside the library, where nothing catches it.
      setImmediate(() => void stop().catch(() => undefined));
      reject(new TextRecognitionAbortedError('text recognition was stopped: its run was cancelled', { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** Width and height from a JPEG's start-of-frame segment: the boxes are given in its pixels. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } {
  let offset = 2;
  while (offset + 9 < jpeg.length) {
    if (jpeg[offset] !== 0xff) break;
    const marker = jpeg[offset + 1] ?? 0;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: jpeg.readUInt16BE(offset + 5), width: jpeg.readUInt16BE(offset + 7) };
    }
    offset += 2 + jpeg.readUInt16BE(offset + 2);
  }
  throw new Error('not a JPEG with a start-of-frame segment');
}
