import type { Transcript } from './transcript';

/** A subtitle on screen: one or two lines over a stretch of time (seconds, millisecond precision). */
export interface SubtitleCue {
  start: number;
  end: number;
  lines: string[];
  /** Every word of a cue is one speaker's: a change of speaker starts a new cue. */
  speaker?: string;
}

/**
 * The cue rules, from the Netflix Timed Text Style Guide (General Requirements and the
 * English (USA) guide), whose numbers the BBC Subtitle Guidelines broadly share:
 * - at most 2 lines of at most 42 characters;
 * - a cue lasts at least 5/6 s (20 frames at 24 fps) and at most 7 s;
 * - reading speed at most 20 characters a second (adult programmes; 17 for children's),
 *   spaces and punctuation counted;
 * - at least 2 frames (at 24 fps) between two cues, and a gap under 12 frames (0.5 s) is
 *   closed to those 2 frames rather than left to flicker.
 * The pause that ends a cue is reelscope's choice, not a guideline's: a cue held across a
 * second of silence reads as out of step with the speech (pocketsphinx itself splits
 * utterances at shorter silences).
 */
export const SUBTITLE_RULES = {
  maxLineChars: 42,
  maxLines: 2,
  minCueSeconds: 5 / 6,
  maxCueSeconds: 7,
  maxCharsPerSecond: 20,
  minGapSeconds: 2 / 24,
  closeGapUnderSeconds: 12 / 24,
  pauseBreakSeconds: 1,
} as const;

interface TimedWord {
  text: string;
  startMs: number;
  endMs: number;
  speaker?: string;
}

const SENTENCE_END = /[.!?…]["'”’)\]]*$/;
const CLAUSE_END = /[,;:–—]["'”’)\]]*$/;
const ms = (seconds: number) => Math.round(seconds * 1000);
const MIN_CUE_MS = ms(SUBTITLE_RULES.minCueSeconds);
const MAX_CUE_MS = ms(SUBTITLE_RULES.maxCueSeconds);
const MIN_GAP_MS = ms(SUBTITLE_RULES.minGapSeconds);
const CLOSE_GAP_MS = ms(SUBTITLE_RULES.closeGapUnderSeconds);
const PAUSE_MS = ms(SUBTITLE_RULES.pauseBreakSeconds);

/**
 * Cues for a transcript's words, every word kept (low-confidence ones too: the transcript
 * marks those, the subtitles show what was heard) and none split. A cue ends at a sentence
 * end, a pause, a change of speaker, or when the next word would break the line or duration
 * limits, preferring then to break after a comma. A single word longer than a line is a cue
 * of its own, over-long: splitting it would be worse.
 */
export function buildSubtitleCues(transcript: Pick<Transcript, 'segments' | 'audioSeconds'>): SubtitleCue[] {
  const groups = groupWords(timedWords(transcript));
  const cues = groups.map((words) => ({
    startMs: words[0]?.startMs ?? 0,
    wordsEndMs: words[words.length - 1]?.endMs ?? 0,
    lines: layoutLines(words.map((w) => w.text)) ?? [words.map((w) => w.text).join(' ')],
    speaker: words[0]?.speaker,
  }));
  const timed: SubtitleCue[] = [];
  cues.forEach((cue, i) => {
    const next = cues[i + 1];
    const chars = cue.lines.join(' ').length;
    // Long enough to read and never under the minimum, but never stretched past the maximum by that.
    const readable = Math.max(cue.wordsEndMs, cue.startMs + MIN_CUE_MS, cue.startMs + Math.ceil((chars / SUBTITLE_RULES.maxCharsPerSecond) * 1000));
    let endMs = Math.min(readable, Math.max(cue.wordsEndMs, cue.startMs + MAX_CUE_MS));
    // The last cue is not held past the end of the audio, when the transcript says where that is.
    if (!next && transcript.audioSeconds !== undefined) endMs = Math.min(endMs, Math.max(cue.wordsEndMs, ms(transcript.audioSeconds)));
    if (next) {
      const latestEnd = next.startMs - MIN_GAP_MS;
      if (latestEnd - endMs < CLOSE_GAP_MS - MIN_GAP_MS && latestEnd <= cue.startMs + MAX_CUE_MS) endMs = Math.max(endMs, latestEnd);
      endMs = Math.min(endMs, latestEnd);
      // Words closer than the minimum allows (a quick exchange): the next cue waits its turn.
      endMs = Math.max(endMs, cue.startMs + MIN_CUE_MS);
      if (next.startMs < endMs + MIN_GAP_MS) next.startMs = endMs + MIN_GAP_MS;
    }
    timed.push({ start: cue.startMs / 1000, end: endMs / 1000, lines: cue.lines, ...(cue.speaker ? { speaker: cue.speaker } : {}) });
  });
  return timed;
}

function timedWords(transcript: Pick<Transcript, 'segments'>): TimedWord[] {
  const words: TimedWord[] = [];
  for (const segment of transcript.segments) {
    for (const word of segment.words) {
      // A blank line would end a cue early in both formats; a word never holds one.
      const text = word.word.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const startMs = Math.max(0, ms(word.start));
      words.push({ text, startMs, endMs: Math.max(startMs, ms(word.end)), ...(segment.speaker ? { speaker: segment.speaker } : {}) });
    }
  }
  return words.sort((a, b) => a.startMs - b.startMs);
}

function groupWords(words: readonly TimedWord[]): TimedWord[][] {
  const groups: TimedWord[][] = [];
  let current: TimedWord[] = [];
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous && (previous.speaker !== word.speaker || word.startMs - previous.endMs >= PAUSE_MS || SENTENCE_END.test(previous.text))) {
      groups.push(current);
      current = [];
    }
    while (current.length > 0 && !fits([...current, word])) {
      const cut = clauseBreak(current) ?? current.length;
      groups.push(current.slice(0, cut));
      current = current.slice(cut);
    }
    current.push(word);
  }
  if (current.length) groups.push(current);
  return groups;
}

function fits(words: readonly TimedWord[]): boolean {
  const first = words[0];
  const last = words[words.length - 1];
  if (!first || !last || last.endMs - first.startMs > MAX_CUE_MS) return false;
  return layoutLines(words.map((w) => w.text)) !== undefined;
}

/** After the last comma (or the like) that leaves at least half the text in the first cue, if any. */
function clauseBreak(words: readonly TimedWord[]): number | undefined {
  const total = words.map((w) => w.text).join(' ').length;
  for (let cut = words.length - 1; cut > 0; cut--) {
    const head = words.slice(0, cut);
    if (head.map((w) => w.text).join(' ').length < total / 2) return undefined;
    if (CLAUSE_END.test(head[head.length - 1]?.text ?? '')) return cut;
  }
  return undefined;
}

/**
 * The words on one line, or on two as even as they go (a break after punctuation preferred,
 * the longer line at the bottom on a tie); undefined when they do not fit two lines.
 */
export function layoutLines(words: readonly string[]): string[] | undefined {
  const text = words.join(' ');
  if (text.length <= SUBTITLE_RULES.maxLineChars) return [text];
  let best: { lines: string[]; score: number } | undefined;
  for (let cut = 1; cut < words.length; cut++) {
    const top = words.slice(0, cut).join(' ');
    const bottom = words.slice(cut).join(' ');
    if (top.length > SUBTITLE_RULES.maxLineChars || bottom.length > SUBTITLE_RULES.maxLineChars) continue;
    const afterPunctuation = SENTENCE_END.test(top) || CLAUSE_END.test(top);
    const score = Math.abs(top.length - bottom.length) - (afterPunctuation ? 20 : 0) + (top.length > bottom.length ? 0.5 : 0);
    if (!best || score < best.score) best = { lines: [top, bottom], score };
  }
  return best?.lines;
}

/** WebVTT: a header, then numbered cues; `&`, `<` and `>` escaped, as cue text is markup. */
export function renderWebVtt(cues: readonly SubtitleCue[]): string {
  const body = cues.map((cue, i) => `${i + 1}\n${timestamp(cue.start, '.')} --> ${timestamp(cue.end, '.')}\n${cue.lines.map(escapeVttText).join('\n')}\n`);
  return ['WEBVTT\n', ...body].join('\n');
}

/** SubRip: cues numbered from 1, comma before the milliseconds. SRT has no escapes: text goes as it is. */
export function renderSrt(cues: readonly SubtitleCue[]): string {
  return cues.map((cue, i) => `${i + 1}\n${timestamp(cue.start, ',')} --> ${timestamp(cue.end, ',')}\n${cue.lines.join('\n')}\n`).join('\n');
}

/** hh:mm:ss.mmm (or ,mmm); hours grow past 99 rather than wrap. */
export function timestamp(seconds: number, separator: '.' | ','): string {
  const total = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const secs = Math.floor(total / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(total % 1000, 3)}`;
}

function escapeVttText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}
