import type { RecognizedWord } from './pocketsphinx';

/** A recognised word; `vocabularyFilterMatch` when a vocabulary filter in `tag` mode matched it. */
export type TranscriptWord = RecognizedWord & { vocabularyFilterMatch?: true };

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  /** Mean word confidence. */
  confidence: number;
  words: TranscriptWord[];
  /** Speaker label (`spk_0`, ...) when the recogniser tells speakers apart. */
  speaker?: string;
  /** The segment's language, when the recogniser identified languages per word (multi-language identification). */
  language?: string;
}

/** A language the recogniser identified in the audio. */
export interface IdentifiedLanguage {
  code: string;
  /** Seconds spoken in it (multi-language identification). */
  durationSeconds?: number;
  /** 0..1 confidence of the identification (single-language identification). */
  score?: number;
}

/**
 * A stretch of speech a toxicity detector scored: the overall score and each category's, 0..1.
 * No text: the stretch's words are in the segments, redacted when the transcript is.
 */
export interface ToxicSpeech {
  start: number;
  end: number;
  toxicity: number;
  categories: Record<string, number>;
}

/** What a toxicity detector checked: every stretch it scored, toxic or not. */
export interface ToxicityDetection {
  engine: string;
  segments: ToxicSpeech[];
}

/** An utterance, with its language when the recogniser gives one per word. */
export interface LanguageUtterance {
  words: TranscriptWord[];
  speaker?: string;
  language?: string;
}

/**
 * A vocabulary filter the recogniser applied: `mask` writes `***` for each match, `remove`
 * drops it (audio moderation cannot see those words), `tag` keeps it marked.
 */
export interface AppliedVocabularyFilter {
  names: string[];
  method: 'mask' | 'remove' | 'tag';
}

export interface Transcript {
  engine: string;
  language: string;
  text: string;
  wordCount: number;
  segments: TranscriptSegment[];
  /**
   * Seconds of audio the recogniser was given: what "no speech" or "no profanity" rests on.
   * Absent in transcripts written before it was recorded; then nothing is known of it.
   */
  audioSeconds?: number;
  /** Every language identified, when the language was identified rather than given. */
  languages?: IdentifiedLanguage[];
  /**
   * Set when personal information was redacted by the recogniser: the words are the redacted
   * ones (`[PII]`), and no unredacted transcript was written.
   */
  redaction?: { piiEntityTypes: string[]; redactedWords: number };
  /** Set when a vocabulary filter applied to the words. */
  vocabularyFilter?: AppliedVocabularyFilter;
  /** Set when the recogniser ran toxicity detection; absent, toxicity was not checked. */
  toxicity?: ToxicityDetection;
}

/** Longest segment, so the timeline and chapters stay readable on long monologues. */
const MAX_SEGMENT_SECONDS = 15;

/** Groups recognised words into timed segments: one per utterance, split when too long. */
export function buildTranscript(utterances: readonly LanguageUtterance[], engine: string, language: string): Transcript {
  const segments: TranscriptSegment[] = [];
  for (const { words, speaker, language: spoken } of utterances) {
    let group: TranscriptWord[] = [];
    for (const word of words) {
      const first = group[0];
      if (first && word.end - first.start > MAX_SEGMENT_SECONDS) {
        segments.push(toSegment(group, speaker, spoken));
        group = [];
      }
      group.push(word);
    }
    if (group.length) segments.push(toSegment(group, speaker, spoken));
  }
  return {
    engine,
    language,
    text: segments.map((s) => s.text).join(' '),
    wordCount: segments.reduce((n, s) => n + s.words.length, 0),
    segments,
  };
}

function toSegment(words: TranscriptWord[], speaker: string | undefined, language: string | undefined): TranscriptSegment {
  const confidence = words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
  return {
    start: words[0]?.start ?? 0,
    end: words[words.length - 1]?.end ?? 0,
    text: words.map((w) => w.word).join(' '),
    confidence: Math.round(confidence * 1000) / 1000,
    words,
    ...(speaker ? { speaker } : {}),
    ...(language ? { language } : {}),
  };
}
