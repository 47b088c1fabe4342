import type { TaggedSpan, TaggedToken } from './english-model';

/** A key phrase of the transcript, lemmatised, with where it was said. */
export interface KeyPhrase {
  name: string;
  /** The phrase's score over the best phrase's, 0..1 as the report schema wants. */
  weight: number;
  /** Indexes of the analysed segments that mention it, in order. */
  segments: number[];
}

/** A noun phrase or proper name as found in one segment; tokens already tagged. */
export interface PhraseMention {
  span: TaggedSpan;
  segment: number;
  /** The recogniser's confidence in the segment, 0..1. */
  confidence: number;
}

export const MAX_TOPICS = 8;
/** Words in one topic: longer chunks are fragments of a sentence more than a subject. */
const MAX_PHRASE_WORDS = 4;
const MAX_PHRASE_CHARACTERS = 60;
/**
 * Nouns that head phrases of every subject ("a lot", "the way", "some time"): alone they
 * say nothing about this one. wink's stop-word list has the function words but not these.
 */
const GENERIC_NOUNS = new Set(['lot', 'thing', 'way', 'time', 'kind', 'sort', 'bit', 'people', 'one', 'yes', 'okay']);
/** Plurals whose dictionary lemma is not what anyone means by them today. */
const KEEP_AS_SAID = new Set(['media', 'data']);
/** Letters, with the hyphens and apostrophes words contain; no initials ("s."), digits or symbols. */
const WORD = /^\p{L}[\p{L}'’-]*$/u;

interface Candidate {
  name: string;
  head: string;
  words: number;
  frequency: number;
  firstSeen: number;
  segments: Set<number>;
}

/**
 * Ranks noun phrases as topics. A phrase's score is how often it was said, each mention
 * weighted by the recogniser's confidence in its segment (a misheard phrase counts for
 * less), plus half the mentions of other phrases with the same head noun: "state machine"
 * gains from "machine" and "old state machine", since they are about the same thing, but
 * less than from being said itself. Position is not used: unlike an article, speech does
 * not put its subject first. Ties go to the longer, more specific phrase, then the earlier.
 */
export function rankKeyPhrases(mentions: readonly PhraseMention[], limit = MAX_TOPICS): KeyPhrase[] {
  const candidates = new Map<string, Candidate>();
  let order = 0;
  for (const mention of mentions) {
    for (const words of phraseWords(mention.span)) {
      // Keyed lowercase, so a name said at a sentence's start and in its middle is one topic.
      const key = words.join(' ').toLowerCase();
      const head = words[words.length - 1]?.toLowerCase() ?? key;
      const known = candidates.get(key);
      const candidate = known ?? { name: words.join(' '), head, words: words.length, frequency: 0, firstSeen: order, segments: new Set() };
      candidate.frequency += mention.confidence;
      candidate.segments.add(mention.segment);
      if (!known) candidates.set(key, candidate);
      order += 1;
    }
  }
  const byHead = new Map<string, number>();
  for (const c of candidates.values()) byHead.set(c.head, (byHead.get(c.head) ?? 0) + c.frequency);
  const scored = [...candidates.values()]
    .map((c) => ({ ...c, score: c.frequency + 0.5 * ((byHead.get(c.head) ?? 0) - c.frequency) }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || b.words - a.words || a.firstSeen - b.firstSeen || a.name.localeCompare(b.name))
    .slice(0, limit);
  const best = scored[0]?.score ?? 1;
  return scored.map((c) => ({
    name: c.name,
    weight: Math.round((c.score / best) * 1000) / 1000,
    segments: [...c.segments].sort((a, b) => a - b),
  }));
}

/**
 * The topic forms of one matched span. A name is one topic as written ("Bank of England").
 * A noun phrase has its nouns lemmatised ("state machines" -> "state machine"); a stop word
 * or non-word in it splits it, and each part must still end in a noun, its head.
 */
function phraseWords(span: TaggedSpan): string[][] {
  if (span.kind === 'properName') {
    const words = span.tokens.map((t) => t.text);
    return words.length <= MAX_PHRASE_WORDS && words.join(' ').length <= MAX_PHRASE_CHARACTERS ? [words] : [];
  }
  const runs: TaggedToken[][] = [[]];
  for (const token of span.tokens) {
    if (token.type === 'word' && WORD.test(token.text) && !token.stopWord) runs[runs.length - 1]?.push(token);
    else runs.push([]);
  }
  const phrases: string[][] = [];
  for (const run of runs) {
    const head = run[run.length - 1];
    if (!head || (head.pos !== 'NOUN' && head.pos !== 'PROPN')) continue;
    if (run.length > MAX_PHRASE_WORDS) continue;
    // Only the head is lemmatised: modifiers of a compound are singular already ("state
    // machines"), and lemmatising them turns "media team" into "medium team".
    const words = run.map((t) => (t.pos === 'PROPN' ? t.text : t === head && !KEEP_AS_SAID.has(t.normal) ? t.lemma : t.normal));
    const single = words.length === 1 ? words[0] : undefined;
    if (single !== undefined && (single.length < 3 || GENERIC_NOUNS.has(single.toLowerCase()))) continue;
    if (words.join(' ').length > MAX_PHRASE_CHARACTERS) continue;
    phrases.push(words);
  }
  return phrases;
}
