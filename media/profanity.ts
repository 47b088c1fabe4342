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
  const hits = [...dictionaryHits(transcript)];
  return [...hits, ...vocabularyFilterHits(transcript, hits)].sort((a, b) => a.start - b.start);
}

/** What Transcribe writes for a word a vocabulary filter masked, punctuation kept. */
const MASKED_WORD = /^\*\*\*[.,?!;:]*$/;

/**
 * Words a vocabulary filter caught: the tenant listed them as unwanted, and a masked word
 * (`***`) no dictionary can read any more, so each counts as a hit in its own right. A word
 * the dictionary already matched is not counted twice. Removed words leave nothing to find.
 */
function vocabularyFilterHits(transcript: Transcript, found: readonly ProfanityHit[]): ProfanityHit[] {
  const filter = transcript.vocabularyFilter;
  if (!filter || filter.method === 'remove') return [];
  const term = `vocabulary filter ${filter.names.join(', ')}`;
  return transcript.segments.flatMap((segment) =>
    segment.words
      .filter((w) => (filter.method === 'tag' ? w.vocabularyFilterMatch === true : MASKED_WORD.test(w.word)))
      .filter((w) => !found.some((hit) => hit.start < w.end && hit.end > w.start))
      .map((w): ProfanityHit => ({ start: w.start, end: w.end, term, spoken: w.word, confidence: w.confidence })),
  );
}

function dictionaryHits(transcript: Transcript): ProfanityHit[] {
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
