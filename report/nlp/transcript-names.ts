import { HONORIFICS, type TaggedSpan, type TaggedText, type TaggedToken } from './english-model';

export type NameType = 'person' | 'place' | 'organization' | 'other';

/** A name said in the transcript, as written there (title-cased when the recogniser lowercases). */
export interface TranscriptName {
  name: string;
  type: NameType;
  mentions: number;
}

/** A span of one segment, for the topics: names other than people are subjects too. */
export interface SegmentSpan {
  segment: number;
  span: TaggedSpan;
}

export const MAX_TRANSCRIPT_NAMES = 12;
const MAX_NAME_WORDS = 5;
/**
 * Words that make a proper name an organisation or a place wherever they stand in it ("Bank
 * of England", "Amazon Web Services", "Norland Park"). The lite model tags proper nouns but
 * does not tell people from places or companies, so only such a word, or an honorific, types
 * a name; any other name stays `other` rather than a guess.
 */
const ORGANIZATION_WORDS = new Set(
  `inc inc. ltd ltd. llc plc corp corp. corporation company co. group bank university college institute school council
  ministry department agency association society foundation federation union committee services systems technologies
  airlines press`.split(/\s+/),
);
const PLACE_WORDS = new Set(
  `street st. road avenue lane square park river lake mount mountain mountains island islands county city town village
  valley bay sea ocean bridge hill hills forest desert coast harbour harbor`.split(/\s+/),
);
const HONORIFIC_SET = new Set(HONORIFICS);
const VERB_SUBJECTS = new Set<TaggedToken['pos']>(['PRON', 'NOUN', 'PROPN', 'AUX', 'PART']);
const WORD = /^\p{L}[\p{L}'’.-]*$/u;

interface Found {
  name: string;
  type: NameType;
  mentions: number;
  firstSeen: number;
  /** A lone capitalised word opening a sentence: kept only if it is also capitalised elsewhere. */
  onlySentenceInitial: boolean;
}

/**
 * People, places, organisations and other names in the tagged segments: an honorific before
 * a noun ("mr john", "Dr. Ada Lovelace") is a person; a run of proper nouns is a name, typed
 * by the words in it. Returns the names, most mentioned first, and the spans of the names
 * that are not people, which the topics rank with the noun phrases; `consumed` holds, per
 * segment, the token indexes a name took, so a noun phrase inside one is not counted twice.
 */
export function findNames(segments: readonly TaggedText[]): { names: TranscriptName[]; topical: SegmentSpan[]; consumed: Set<number>[] } {
  const found = new Map<string, Found>();
  const topical: SegmentSpan[] = [];
  const consumed = segments.map(() => new Set<number>());
  let order = 0;
  const note = (name: string, type: NameType, onlySentenceInitial: boolean) => {
    const key = name.toLowerCase();
    const known = found.get(key);
    if (known) {
      known.mentions += 1;
      known.onlySentenceInitial &&= onlySentenceInitial;
    } else {
      found.set(key, { name, type, mentions: 1, firstSeen: order, onlySentenceInitial });
    }
    order += 1;
  };

  segments.forEach((segment, index) => {
    for (const span of segment.spans) {
      if (span.kind === 'nounPhrase') continue;
      const first = span.tokens[0];
      if (!first) continue;
      if (HONORIFIC_SET.has(first.normal)) {
        const person = honorificName(span.tokens, segment.tokens[span.first - 1]);
        if (person) note(person, 'person', false);
        continue;
      }
      const tokens = extendWithCapitalisedNouns(segment, span);
      const words = trimToWords(tokens);
      if (words.length === 0 || words.length > MAX_NAME_WORDS) continue;
      const name = words.map((t) => t.text).join(' ');
      const lone = words.length === 1 && (words[0]?.sentenceStart ?? false);
      note(name, nameType(words), lone);
      for (let i = span.first; i < span.first + tokens.length; i += 1) consumed[index]?.add(i);
      topical.push({ segment: index, span: { kind: 'properName', first: span.first, tokens: words } });
    }
  });

  const titled = new Set([...found.values()].filter((f) => f.type === 'person').map((f) => withoutHonorific(f.name)));
  const kept = [...found.values()].filter((f) => !f.onlySentenceInitial);
  // "John Dashwood" after "Mr John Dashwood" is the same person, said without the title.
  for (const f of kept) if (f.type === 'other' && titled.has(f.name.toLowerCase())) f.type = 'person';
  const names = kept
    .sort((a, b) => b.mentions - a.mentions || a.firstSeen - b.firstSeen)
    .slice(0, MAX_TRANSCRIPT_NAMES)
    .map(({ name, type, mentions }) => ({ name, type, mentions }));
  const subjects = new Set(kept.filter((f) => f.type !== 'person').map((f) => f.name.toLowerCase()));
  return {
    names,
    topical: topical.filter(({ span }) => subjects.has(span.tokens.map((t) => t.text).join(' ').toLowerCase())),
    consumed,
  };
}

/**
 * The honorific and its name, title-cased when the recogniser wrote it lowercase. wink tags
 * "miss" a verb wherever it stands, so the tag cannot tell "miss marianne" from "i miss
 * mum"; a subject just before it can: after a pronoun, noun, auxiliary or "to" it is the verb.
 * No name either when the word after it is a function word or an initial.
 */
function honorificName(tokens: readonly TaggedToken[], before: TaggedToken | undefined): string | undefined {
  const [title, ...rest] = tokens;
  if (!title || (before && VERB_SUBJECTS.has(before.pos))) return undefined;
  const name: TaggedToken[] = [];
  for (const token of rest) {
    if (token.stopWord || !WORD.test(token.text) || token.text.replace(/\W/gu, '').length < 2) break;
    name.push(token);
  }
  if (name.length === 0 || (name.length === 1 && (name[0]?.text.length ?? 0) < 3)) return undefined;
  return [title, ...name].map((t) => (t.case === 'lowerCase' ? capitalize(t.text) : t.text)).join(' ');
}

/** "Norland" + "Park": a capitalised common noun right after a proper name belongs to it. */
function extendWithCapitalisedNouns(segment: TaggedText, span: TaggedSpan): TaggedToken[] {
  const tokens = [...span.tokens];
  for (let i = span.first + tokens.length; i < segment.tokens.length && tokens.length < MAX_NAME_WORDS; i += 1) {
    const next = segment.tokens[i];
    if (!next || next.pos !== 'NOUN' || next.case !== 'titleCase' || next.sentenceStart) break;
    tokens.push(next);
  }
  return tokens;
}

/** Drops stop words and non-words from both ends; "of" and "the" stay inside ("Bank of England"). */
function trimToWords(tokens: readonly TaggedToken[]): TaggedToken[] {
  const usable = (t: TaggedToken) => !t.stopWord && t.type === 'word' && WORD.test(t.text);
  let start = 0;
  let end = tokens.length;
  while (start < end && !usable(tokens[start] as TaggedToken)) start += 1;
  while (end > start && !usable(tokens[end - 1] as TaggedToken)) end -= 1;
  return tokens.slice(start, end);
}

function nameType(tokens: readonly TaggedToken[]): NameType {
  if (tokens.some((t) => ORGANIZATION_WORDS.has(t.normal))) return 'organization';
  if (tokens.some((t) => PLACE_WORDS.has(t.normal))) return 'place';
  return 'other';
}

function withoutHonorific(name: string): string {
  return name.split(' ').slice(1).join(' ').toLowerCase();
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
