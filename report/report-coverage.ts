import { coverageStatement } from '../spine/describe-coverage';
import type { Spine } from '../spine/spine';
import type { Report } from './report-schema';

/**
 * The parts of a report that state what it rests on, taken from the spine by code whichever
 * writer wrote the prose: moderation coverage, damage and the low-confidence speech kept.
 */
export function reportCoverage(spine: Spine): Report['moderation']['coverage'] {
  const { picture, sound, gaps } = spine.moderation.coverage;
  return {
    statement: coverageStatement(spine),
    ...(picture ? { picture: { ...(picture.frames !== undefined ? { frames: picture.frames } : {}), start: picture.start, end: picture.end } } : {}),
    ...(sound ? { sound: { audioSeconds: sound.audioSeconds, words: sound.words, lowConfidenceHits: sound.lowConfidenceHits } } : {}),
    gaps: [...gaps],
  };
}

/** Damage and low-confidence speech, when there is any. */
export function reportNotes(spine: Spine): Pick<Report, 'damage' | 'lowConfidenceSpeech' | 'technicalCues'> {
  const { damage, lowConfidenceSpeech, lowConfidenceSpeechSeconds, thresholds, technicalCues } = spine;
  return {
    ...(damage ? { damage: { ...damage } } : {}),
    // What segment detection looked for and found, so report.json says which cues were checked.
    ...(technicalCues ? { technicalCues: { checked: [...technicalCues.checked], cues: technicalCues.cues.map((cue) => ({ ...cue })) } } : {}),
    ...(lowConfidenceSpeech.length
      ? { lowConfidenceSpeech: { segments: lowConfidenceSpeech.length, seconds: lowConfidenceSpeechSeconds, threshold: thresholds.minConfidence } }
      : {}),
  };
}
