import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { Transcript } from './transcript';

export interface ProfanityHit {
  start: number;
  end: number;
  /** The dictionary word that matched, not the (possibly obfuscated) spoken form. */
  term: string;
  spoken: string;
  confidence: number;
}

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/**
 * Finds profanity in a transcript with obscenity's English dataset, matching over whole
 * segment text (so phrases spanning words are found) and mapping each match back to the
 * timed words it covers.
 */
export function findProfanity(transcript: Transcript): ProfanityHit[] {
  const hits: ProfanityHit[] = [];
  for (const segment of transcript.segments) {
    const offsets: { from: number; to: number }[] = [];
    let text = '';
    for (const word of segment.words) {
      if (text) text += ' ';
      offsets.push({ from: text.length, to: text.length + word.word.length });
      text += word.word;
    }
    for (const match of matcher.getAllMatches(text, true)) {
      const covered = segment.words.filter((_, i) => {
        const o = offsets[i];
        return o !== undefined && o.to > match.startIndex && o.from <= match.endIndex;
      });
      const first = covered[0];
      const last = covered[covered.length - 1];
      if (!first || !last) continue;
      const { phraseMetadata } = englishDataset.getPayloadWithPhraseMetadata(match);
      hits.push({
        start: first.start,
        end: last.end,
        term: phraseMetadata?.originalWord ?? text.slice(match.startIndex, match.endIndex + 1),
        spoken: covered.map((w) => w.word).join(' '),
        confidence: Math.min(...covered.map((w) => w.confidence)),
      });
    }
  }
  return hits;
}
