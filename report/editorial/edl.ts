import { formatTimecode, framesAt, type TimecodeRate } from './timecode';

/** One event: a stretch of the source laid end to end on the record side. */
export interface EdlEvent {
  start: number;
  end: number;
  /** Written as a `* COMMENT:` line after the event: a chapter's title, a shot's number. */
  comment?: string;
}

export interface EdlInput {
  title: string;
  /** The source file's name: the reel is made from it, and `* FROM CLIP NAME:` names it. */
  clipName: string;
  rate: TimecodeRate;
  /** Whether the source has sound: events then carry picture and sound (B), else picture (V). */
  hasAudio: boolean;
  events: readonly EdlEvent[];
}

/** CMX3600 numbers events with three digits. */
export const EDL_MAX_EVENTS = 999;
/** Where the record side starts: one hour, the usual start of a programme's timecode. */
const RECORD_START_SECONDS = 3600;
const MAX_TITLE_CHARS = 70;
const MAX_COMMENT_CHARS = 200;

export interface Edl {
  text: string;
  /** Events written; fewer than given when frames rounded to nothing or the 999 limit was reached. */
  events: number;
  /** Events left out by the 999 limit. */
  truncated: number;
}

/**
 * A CMX3600 EDL: `TITLE:`, `FCM:` (DROP FRAME or NON-DROP FRAME), then one cut (C) per event
 * numbered 001..999, reel name of at most 8 characters, channel, and source in/out and
 * record in/out at the media's rate (out points exclusive, as CMX counts them). The record
 * side is continuous from 01:00:00:00. Lines end in CRLF, the form edit systems read everywhere.
 */
export function writeEdl({ title, clipName, rate, hasAudio, events }: EdlInput): Edl {
  const reel = reelName(clipName);
  const channel = hasAudio ? 'B' : 'V';
  const lines = [`TITLE: ${ascii(title, MAX_TITLE_CHARS) || 'UNTITLED'}`, `FCM: ${rate.dropFrame ? 'DROP FRAME' : 'NON-DROP FRAME'}`, ''];
  // 01:00:00:00 as a frame count: drop-frame labels keep to the clock, non-drop labels count every frame.
  let record = rate.dropFrame ? framesAt(RECORD_START_SECONDS, rate) : RECORD_START_SECONDS * rate.nominal;
  let written = 0;
  let truncated = 0;
  for (const event of events) {
    const sourceIn = framesAt(event.start, rate);
    const sourceOut = framesAt(event.end, rate);
    if (sourceOut <= sourceIn) continue;
    if (written === EDL_MAX_EVENTS) {
      truncated += 1;
      continue;
    }
    written += 1;
    const recordOut = record + (sourceOut - sourceIn);
    const times = [sourceIn, sourceOut, record, recordOut].map((f) => formatTimecode(f, rate)).join(' ');
    lines.push(`${String(written).padStart(3, '0')}  ${reel.padEnd(8)} ${channel.padEnd(5)} C        ${times}`);
    lines.push(`* FROM CLIP NAME: ${ascii(clipName, MAX_COMMENT_CHARS)}`);
    if (event.comment) lines.push(`* COMMENT: ${ascii(event.comment, MAX_COMMENT_CHARS)}`);
    lines.push('');
    record = recordOut;
  }
  return { text: `${lines.join('\r\n')}\r\n`, events: written, truncated };
}

/**
 * A reel name CMX3600 accepts: at most 8 characters of A–Z, 0–9 and underscore, from the
 * file name without its extension; "AX" (auxiliary source, the convention for file-based
 * media) when nothing usable is left.
 */
export function reelName(clipName: string): string {
  const base = clipName.replace(/\.[^.]*$/, '');
  const reel = ascii(base, 64).toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 8).replace(/_+$/, '');
  return reel || 'AX';
}

/**
 * Text as one printable ASCII line: accents folded, other characters replaced, capped. EDL
 * readers split on line ends and many reject bytes above 127, so a title with a newline or
 * an emoji must not forge or break an event.
 */
function ascii(text: string, max: number): string {
  const flat = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? flat.slice(0, max).trimEnd() : flat;
}
