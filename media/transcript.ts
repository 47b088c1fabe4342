import type { RecognizedWord, Utterance } from './pocketsphinx';

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  /** Mean word confidence. */
  confidence: number;
  words: RecognizedWord[];
  /** Speaker label (`spk_0`, ...) when the recogniser tells speakers apart. */
  speaker?: string;
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
}

/** Longest segment, so the timeline and chapters stay readable on long monologues. */
const MAX_SEGMENT_SECONDS = 15;

/** Groups recognised words into timed segments: one per utterance, split when too long. */
export function buildTranscript(utterances: readonly Utterance[], engine: string, language: string): Transcript {
  const segments: TranscriptSegment[] = [];
  for (const { words, speaker } of utterances) {
    let group: RecognizedWord[] = [];
    for (const word of words) {
      const first = group[0];
      if (first && word.end - first.start > MAX_SEGMENT_SECONDS) {
        segments.push(toSegment(group, speaker));
        group = [];
      }
      group.push(word);
    }
    if (group.length) segments.push(toSegment(group, speaker));
  }
  return {
    engine,
    language,
    text: segments.map((s) => s.text).join(' '),
    wordCount: segments.reduce((n, s) => n + s.words.length, 0),
    segments,
  };
}

function toSegment(words: RecognizedWord[], speaker: string | undefined): TranscriptSegment {
  const confidence = words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
  return {
    start: words[0]?.start ?? 0,
    end: words[words.length - 1]?.end ?? 0,
    text: words.map((w) => w.word).join(' '),
    confidence: Math.round(confidence * 1000) / 1000,
    words,
    ...(speaker ? { speaker } : {}),
  };
}
