import { describeDamage } from '../media/decode-damage';
import type { Spine } from './spine';

/**
 * What a moderation verdict rests on, in words: the frames checked and over what span, the
 * seconds of audio transcribed and checked, and any damage. One sentence per part, shared
 * by both report writers, the HTML page, the prompt and the record.
 */
export function coverageStatement(spine: Spine): string {
  const { coverage } = spine.moderation;
  const parts: string[] = [];
  // A one-frame video lasts 0.04 s: tenths would say it was checked over "0.0–0.0 s of 0.0 s".
  const digits = spine.durationSeconds < 1 ? 2 : 1;
  const range = (start: number, end: number) => `${start.toFixed(digits)}–${end.toFixed(digits)} s`;
  const seconds = (s: number) => `${s.toFixed(digits)} s`;
  if (spine.hasVideo) {
    const picture = coverage.picture;
    if (!picture) parts.push('Picture: not checked.');
    else if (spine.kind === 'image') parts.push(`Picture: the still image checked (${plural(picture.frames ?? 1, 'frame')}).`);
    else if (picture.frames === undefined) parts.push(`Picture: the whole video checked by the service, ${range(picture.start, picture.end)}.`);
    else parts.push(`Picture: ${plural(picture.frames, 'frame')} checked over ${range(picture.start, picture.end)} of ${seconds(spine.durationSeconds)}.`);
  }
  if (spine.hasAudio) {
    const sound = coverage.sound;
    if (!sound) parts.push('Sound: not checked.');
    else {
      const unsure = sound.lowConfidenceHits
        ? ` (${plural(sound.lowConfidenceHits, 'possible hit')} below confidence ${spine.thresholds.minConfidence} not counted)`
        : '';
      parts.push(`Sound: ${seconds(sound.audioSeconds)} of audio transcribed, ${plural(sound.words, 'word')} checked for profanity${unsure}.`);
    }
  }
  if (spine.damage) parts.push(`Damage: ${describeDamage(spine.damage)}.`);
  return parts.join(' ');
}

/** Why the verdict is not clean, when it is unverified; empty otherwise. */
export function unverifiedReason(spine: Spine): string {
  const { verdict, coverage } = spine.moderation;
  return verdict === 'unverified' && coverage.gaps.length ? `Unverified: ${coverage.gaps.join('; ')}.` : '';
}

/** Rekognition's TechnicalCueType names in words; the order is the one statements list them in. */
const CUE_TYPE_NAMES: Record<string, string> = {
  ColorBars: 'colour bars',
  Slate: 'slate',
  StudioLogo: 'studio logo',
  OpeningCredits: 'opening credits',
  Content: 'programme content',
  EndCredits: 'end credits',
  BlackFrames: 'black frames',
};

/** A cue type in words; a type the service added after this list is shown as it is named. */
export function cueTypeName(type: string): string {
  return CUE_TYPE_NAMES[type] ?? type;
}

/**
 * Which technical cues were looked for and what was found, in words, so a report never
 * implies colour bars or credits were checked where only black frames were: the local
 * backend has no detector for the other types. Empty for media without a picture.
 */
export function technicalCuesStatement(spine: Spine): string {
  if (!spine.hasVideo) return '';
  const cues = spine.technicalCues;
  if (!cues) return 'Technical cues: not checked.';
  const checked = new Set(cues.checked);
  const unchecked = Object.keys(CUE_TYPE_NAMES).filter((type) => !checked.has(type));
  const lookedFor = `looked for ${joinWords(cues.checked.map(cueTypeName))}${unchecked.length ? ` only, not ${joinWords(unchecked.map(cueTypeName), 'or')}` : ''}`;
  const found = new Map<string, number>();
  for (const cue of cues.cues) found.set(cue.type, (found.get(cue.type) ?? 0) + 1);
  const foundText = found.size ? [...found].map(([type, n]) => `${cueTypeName(type)} (${n})`).join(', ') : 'none';
  return `Technical cues: ${lookedFor}; found ${foundText}.`;
}

function joinWords(words: string[], conjunction = 'and'): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}` : (words[0] ?? 'nothing');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
