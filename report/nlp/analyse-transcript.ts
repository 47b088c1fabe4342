import { tagText } from './english-model';
import { rankKeyPhrases, type KeyPhrase, type PhraseMention } from './key-phrases';
import { findNames, type TranscriptName } from './transcript-names';

/**
 * Characters of transcript analysed, from the start: about 17,000 words, two hours of
 * speech. wink reads that in under a second here; a longer transcript's topics and names are
 * those of its first two hours, so a day-long recording cannot hold the report activity up.
 */
export const MAX_ANALYSED_CHARACTERS = 100_000;

export interface SpokenText {
  text: string;
  /** The recogniser's confidence, 0..1. */
  confidence: number;
}

export interface TranscriptAnalysis {
  /** Ranked key phrases; `segments` index the input. */
  topics: KeyPhrase[];
  names: TranscriptName[];
  /** Segments read; fewer than given when the cap was reached. */
  segmentsAnalysed: number;
}

/**
 * Key phrases and names of a transcript, with wink's English model: the same segments
 * always give the same answer. Each segment is read on its own, since a recogniser's
 * segment ends where the speaker paused and pocketsphinx writes no punctuation to say so.
 */
export function analyseTranscript(segments: readonly SpokenText[]): TranscriptAnalysis {
  const tagged = [];
  let budget = MAX_ANALYSED_CHARACTERS;
  for (const segment of segments) {
    if (budget <= 0) break;
    tagged.push(tagText(segment.text.length > budget ? cutAtWord(segment.text, budget) : segment.text));
    budget -= segment.text.length + 1;
  }
  const { names, topical, consumed } = findNames(tagged);
  const mentions: PhraseMention[] = [];
  tagged.forEach((segment, index) => {
    const confidence = segments[index]?.confidence ?? 0;
    for (const span of segment.spans) {
      if (span.kind !== 'nounPhrase' || consumed[index]?.has(span.first)) continue;
      mentions.push({ span, segment: index, confidence });
    }
  });
  for (const { span, segment } of topical) mentions.push({ span, segment, confidence: segments[segment]?.confidence ?? 0 });
  // In the order they were said: the ranking breaks ties by first mention.
  mentions.sort((a, b) => a.segment - b.segment || a.span.first - b.span.first);
  return { topics: rankKeyPhrases(mentions), names, segmentsAnalysed: tagged.length };
}

/** The text up to `length` characters, ending at a space when there is one, so no word is cut. */
function cutAtWord(text: string, length: number): string {
  const space = text.lastIndexOf(' ', length);
  return text.slice(0, space > 0 ? space : length);
}
