import type { MediaFacts } from '../../common/types';
import type { Spine } from '../../spine/spine';
import type { Report } from '../report-schema';
import { writeCsv } from './csv';
import { EDL_MAX_EVENTS, writeEdl } from './edl';
import { formatTimecode, framesAt, timecodeRate, type TimecodeRate } from './timecode';

export const EXPORT_NAMES = ['shots.edl', 'chapters.edl', 'shots.csv', 'chapters.csv'] as const;
export type ExportName = (typeof EXPORT_NAMES)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportName, string> = {
  // No registered type exists for CMX3600; it is plain ASCII text.
  'shots.edl': 'text/plain; charset=us-ascii',
  'chapters.edl': 'text/plain; charset=us-ascii',
  // RFC 4180's registration, with the header row it allows.
  'shots.csv': 'text/csv; charset=utf-8; header=present',
  'chapters.csv': 'text/csv; charset=utf-8; header=present',
};

export interface ExportFile {
  name: ExportName;
  body: string;
  contentType: string;
}

export interface Exports {
  /** The timecode the EDLs and CSVs count in ("29.97 fps drop-frame"); absent without one. */
  timecode?: string;
  files: ExportFile[];
  /** Why an export is missing or shortened, in words; empty when all four were written whole. */
  notes: string[];
}

/**
 * The editorial exports of a media: its shots and its chapters as CMX3600 EDLs and as CSV.
 * EDLs need a picture rate timecode can count, so audio, stills and unusual rates get CSV
 * only (a note says why); audio has no shots.
 */
export function buildExports(report: Report, spine: Spine, media: MediaFacts, sourceKey: string): Exports {
  const notes: string[] = [];
  const files: ExportFile[] = [];
  const add = (name: ExportName, body: string) => files.push({ name, body, contentType: EXPORT_CONTENT_TYPES[name] });
  if (spine.kind === 'image') return { files, notes: ['a still image has no shots or chapters in time to export'] };

  const clipName = sourceKey.split('/').pop() ?? sourceKey;
  const rate = media.video ? timecodeRate(media.video.framesPerSecond) : undefined;
  const shots = spine.hasVideo ? spine.segments : [];
  const chapters = report.chapters;
  if (!spine.hasVideo) notes.push('no shots and no EDL: the media has no picture, so no frame rate for timecode');
  else if (!rate) notes.push(`no EDL: ${media.video?.framesPerSecond ?? 0} frames a second has no standard timecode count`);

  if (rate) {
    const shotsEdl = writeEdl({ title: `${report.title} shots`, clipName, rate, hasAudio: spine.hasAudio, events: shots.map((s) => ({ start: s.start, end: s.end, comment: `shot ${s.index + 1}` })) });
    const chaptersEdl = writeEdl({ title: `${report.title} chapters`, clipName, rate, hasAudio: spine.hasAudio, events: chapters.map((c) => ({ start: c.start, end: c.end, comment: c.title })) });
    add('shots.edl', shotsEdl.text);
    add('chapters.edl', chaptersEdl.text);
    for (const [name, edl] of [['shots.edl', shotsEdl], ['chapters.edl', chaptersEdl]] as const) {
      if (edl.truncated) notes.push(`${name} holds the first ${EDL_MAX_EVENTS} events, CMX3600's limit; ${edl.truncated} more are in the CSV`);
    }
  }
  const timecode = (seconds: number) => (rate ? formatTimecode(framesAt(seconds, rate), rate) : undefined);
  const timecodeColumns = rate ? ['start_timecode', 'end_timecode'] : [];
  const tc = (start: number, end: number) => (rate ? [timecode(start), timecode(end)] : []);
  if (spine.hasVideo) {
    add(
      'shots.csv',
      writeCsv(
        ['shot', 'start_seconds', 'end_seconds', ...timecodeColumns, 'duration_seconds', 'black', 'silent', 'speech', 'labels', 'people', 'on_screen_text'],
        shots.map((s) => [s.index + 1, seconds(s.start), seconds(s.end), ...tc(s.start, s.end), seconds(s.end - s.start), s.black, s.silent, s.speech, join(s.labels), join(s.people), join(s.onScreenText)]),
      ),
    );
  }
  add(
    'chapters.csv',
    writeCsv(
      ['chapter', 'title', 'start_seconds', 'end_seconds', ...timecodeColumns, 'iab_category_id', 'iab_category', 'category_source', 'summary'],
      chapters.map((c, i) => [i + 1, c.title, seconds(c.start), seconds(c.end), ...tc(c.start, c.end), c.category?.id, c.category?.name, c.category?.source ?? 'none fits', c.summary]),
    ),
  );
  return { ...(rate ? { timecode: describeRate(rate) } : {}), files, notes };
}

/** Which timecode the exports count in, for the report: "25 fps non-drop", "29.97 fps drop-frame". */
export function describeRate(rate: TimecodeRate): string {
  return `${Number(rate.actual.toFixed(3))} fps ${rate.dropFrame ? 'drop-frame' : 'non-drop'}`;
}

function seconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function join(values: readonly string[] | undefined): string {
  return (values ?? []).join('; ');
}
