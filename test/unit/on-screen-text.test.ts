import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Line, Page } from 'tesseract.js';
import { jpegSize, keptLines, openTextReader, TEXT_RULES } from '../../media/on-screen-text';

/** A page of one block holding these lines, as tesseract.js returns it with `blocks: true`. */
function page(lines: { text: string; confidence: number; bbox?: Line['bbox'] }[]): Pick<Page, 'blocks'> {
  const asLines = lines.map((l) => ({ text: `${l.text}\n`, confidence: l.confidence, bbox: l.bbox ?? { x0: 0, y0: 0, x1: 10, y1: 10 }, words: [] }) as unknown as Line);
  return { blocks: [{ paragraphs: [{ lines: asLines }] }] as unknown as Page['blocks'] };
}

describe('keptLines', () => {
  const frame = { width: 1280, height: 720 };

  it('keeps confident lines with two letters or digits, most confident first, boxed as fractions of the frame', () => {
    const lines = keptLines(
      page([
        { text: 'REELSCOPE  NEWS 2026', confidence: 91.5, bbox: { x0: 211, y0: 333, x1: 1070, y1: 387 } },
        { text: 'HBB Ee', confidence: 15 },
        { text: '3 =', confidence: 66 },
        { text: 'Q2', confidence: 99 },
      ]),
      frame,
    );

    expect(lines).toEqual([
      { text: 'Q2', confidence: 0.99, box: expect.any(Object) },
      { text: 'REELSCOPE NEWS 2026', confidence: 0.915, box: { left: 0.1648, top: 0.4625, width: 0.6711, height: 0.075 } },
    ]);
  });

  it('holds the floor at the rule: just under is dropped, at it is kept', () => {
    const lines = keptLines(page([{ text: 'under', confidence: TEXT_RULES.minConfidence - 0.1 }, { text: 'at', confidence: TEXT_RULES.minConfidence }]), frame);

    expect(lines.map((l) => l.text)).toEqual(['at']);
  });

  it('cuts long lines and keeps the most confident lines of a crowded frame', () => {
    const crowded = Array.from({ length: TEXT_RULES.maxLinesPerFrame + 5 }, (_, i) => ({ text: `line ${i} ${'x'.repeat(300)}`, confidence: 70 + i }));

    const lines = keptLines(page(crowded), frame);

    expect(lines).toHaveLength(TEXT_RULES.maxLinesPerFrame);
    expect(lines[0]?.text.startsWith(`line ${crowded.length - 1} `)).toBe(true);
    expect(Math.max(...lines.map((l) => l.text.length))).toBe(TEXT_RULES.maxChars);
  });

  it('reads no lines from a page without blocks', () => {
    expect(keptLines({ blocks: null }, frame)).toEqual([]);
  });
});

describe('jpegSize', () => {
  it('reads the dimensions ffmpeg wrote, and refuses what is not a JPEG', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'reelscope-jpeg-size-')), 'frame.jpg');
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=642x362', '-frames:v', '1', path]);

    expect(jpegSize(await readFile(path))).toEqual({ width: 642, height: 362 });
    expect(() => jpegSize(Buffer.from('not a jpeg at all'))).toThrow(/not a JPEG/);
  });
});

describe('a text reader', () => {
  it('gives up a recognition at the abort, as an AbortError carrying the reason, instead of waiting for the frame', async () => {
    // Arrange
    const path = join(await mkdtemp(join(tmpdir(), 'reelscope-ocr-abort-')), 'busy.jpg');
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720', '-frames:v', '1', path]);
    const reader = await openTextReader();
    const controller = new AbortController();
    const reason = new Error('cancelled');

    try {
      // Act: read() has handed the frame to the worker by the time it returns its promise.
      const reading = reader.read(await readFile(path), controller.signal);
      controller.abort(reason);

      // Assert
      await expect(reading).rejects.toMatchObject({ name: 'AbortError', cause: reason });
    } finally {
      await reader.close();
    }
  });
});
