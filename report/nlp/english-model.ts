import type { Case, ItemCustomEntity, ItemSentence, ItsFunction, PartOfSpeech, WinkMethods } from 'wink-nlp';

/** One token as wink's English model reads it. */
export interface TaggedToken {
  /** As written in the transcript. */
  text: string;
  /** Lowercased. */
  normal: string;
  lemma: string;
  pos: PartOfSpeech;
  stopWord: boolean;
  /** wink's token type: word, number, punctuation, ... */
  type: string;
  case: Case;
  /** The first token of a sentence: a capital there says nothing about a name. */
  sentenceStart: boolean;
}

export type SpanKind = 'honorificName' | 'properName' | 'nounPhrase';

/** A run of tokens one of the patterns below matched. */
export interface TaggedSpan {
  kind: SpanKind;
  /** Index of the first token in its segment's tokens. */
  first: number;
  tokens: TaggedToken[];
}

export interface TaggedText {
  tokens: TaggedToken[];
  spans: TaggedSpan[];
}

/**
 * Titles that introduce a name. Only the unambiguous ones: "lady" and "lord" begin ordinary
 * noun phrases too ("lady friend"), and a lowercase recogniser gives no capital to tell them apart.
 */
export const HONORIFICS = ['mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'miss', 'mister', 'dr', 'dr.', 'sir'];

/*
 * wink's custom entities are its pattern matcher over part-of-speech tags; it takes the
 * longest match at each position, so one pass splits a text into names and noun phrases.
 * The English lite model's own NER finds dates, numbers, money and the like, not people or
 * places, so names come from proper-noun tags (which need capitals: Transcribe's text) and
 * from an honorific before a noun (which works on pocketsphinx's lowercase text as well).
 * Noun phrases are adjectives then nouns (ADJ* NOUN+), the usual key-phrase shape; three
 * tokens at most, as longer chunks rarely recur and read as fragments of a sentence.
 */
const honorific = `[${HONORIFICS.join('|')}]`;
const PATTERNS = [
  { name: 'honorificName', patterns: [`${honorific} [NOUN|PROPN]`, `${honorific} [PROPN] [PROPN]`] },
  { name: 'properName', patterns: ['[PROPN]', '[PROPN] [PROPN]', '[PROPN] [PROPN] [PROPN]', '[PROPN] [of] [PROPN]', '[PROPN] [of] [the] [PROPN]'] },
  {
    name: 'nounPhrase',
    patterns: ['[NOUN]', '[ADJ] [NOUN]', '[NOUN] [NOUN]', '[ADJ] [ADJ] [NOUN]', '[ADJ] [NOUN] [NOUN]', '[NOUN] [NOUN] [NOUN]'],
  },
];

let pipeline: WinkMethods | undefined;

/**
 * wink with its English lite model, built on first use and kept for the process: loading
 * and building it takes ~0.3 s and ~30 MB of heap on a quiet machine, which a worker that
 * never writes an extractive report (the aws backend, unless Bedrock's answer stays
 * invalid) should not pay at start.
 */
function englishPipeline(): WinkMethods {
  if (!pipeline) {
    // A synchronous require keeps the writer synchronous; `import` at the top would load the
    // model in every process that imports the writer, and `import()` would make it async.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const winkNLP = require('wink-nlp') as typeof import('wink-nlp').default;
    const model = require('wink-eng-lite-web-model') as typeof import('wink-eng-lite-web-model').default;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Sentiment and negation are never read; without them a document reads faster.
    const nlp = winkNLP(model, ['sbd', 'pos', 'ner', 'cer']);
    nlp.learnCustomEntities(PATTERNS);
    pipeline = nlp;
  }
  return pipeline;
}

/** Tokens, tags and pattern matches of one stretch of text (a transcript segment). */
export function tagText(text: string): TaggedText {
  const nlp = englishPipeline();
  const { its } = nlp;
  const doc = nlp.readDoc(text);
  const all = doc.tokens();
  /* eslint-disable @typescript-eslint/unbound-method -- wink's `its` helpers are standalone
     functions (src/its.js) that out() calls with its own arguments; the declarations type
     them as methods, with parameters that do not match the ItsFunction out() takes. */
  const column = <T>(helper: unknown): T[] => all.out(helper as ItsFunction<T>) as T[];
  const normals = column<string>(its.normal);
  const lemmas = column<string>(its.lemma);
  const tags = column<PartOfSpeech>(its.pos);
  const stops = column<boolean>(its.stopWordFlag);
  const types = column<string>(its.type);
  const cases = column<Case>(its.case);
  const span = its.span as ItsFunction<number[]>;
  const kind = its.type as ItsFunction<string>;
  /* eslint-enable @typescript-eslint/unbound-method */
  const sentenceStarts = new Set<number>();
  doc.sentences().each((sentence: ItemSentence) => {
    const tokens = sentence.tokens();
    if (tokens.length() > 0) sentenceStarts.add(tokens.itemAt(0).index());
  });
  const tokens = all.out().map((value, i) => ({
    text: value,
    normal: normals[i] ?? value.toLowerCase(),
    lemma: lemmas[i] ?? value.toLowerCase(),
    pos: tags[i] ?? 'X',
    stopWord: stops[i] ?? false,
    type: types[i] ?? 'word',
    case: cases[i] ?? 'other',
    sentenceStart: sentenceStarts.has(i),
  }));
  const spans: TaggedSpan[] = [];
  doc.customEntities().each((entity: ItemCustomEntity) => {
    const [first = 0, last = first] = entity.out(span) as number[];
    spans.push({ kind: entity.out(kind) as SpanKind, first, tokens: tokens.slice(first, last + 1) });
  });
  return { tokens, spans };
}
