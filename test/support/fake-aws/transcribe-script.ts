/**
 * What the fake Transcribe "hears" beyond the words: the sentences of
 * `config.transcriptScript` may carry annotations, which stand for what the real service
 * would find in the audio (it finds PII, toxicity and languages itself; the fake cannot).
 *
 * - `[es-US] Hola a todos.`: the sentence is spoken in that language (multi-language identification);
 * - `[toxic insult=0.91 profanity=0.42] You are an idiot.`: Transcribe's toxicity scores of the sentence;
 * - `My name is {NAME:Ada Lovelace}.`: words that are personal information of that PII entity type;
 * - `Well ~darn~ it.`: a word the job's vocabulary filter lists (whatever filter the job names).
 *
 * Unannotated sentences are in the job's language, not toxic (low scores), without PII.
 */

/** Transcribe's toxicity categories, as its output names them. */
export const TOXICITY_CATEGORIES = ['profanity', 'hate_speech', 'sexual', 'insult', 'violence_or_threat', 'graphic', 'harassment_or_abuse'] as const;
/** What an unannotated sentence scores in every category: speech the detector finds harmless. */
const BENIGN_SCORE = 0.02;

export interface ScriptedSentence {
  /** The spoken words, annotations removed: what the transcript shows without redaction. */
  spoken: string;
  language?: string;
  /** Category scores of a sentence annotated `[toxic ...]`. */
  toxicity?: Partial<Record<string, number>>;
  /** Token ranges (indexes into the whitespace-split spoken text, end exclusive) that are PII. */
  pii: { from: number; to: number; type: string }[];
  /** Token indexes a vocabulary filter matches. */
  filtered: number[];
}

const LEADING_TAG = /^\s*\[([^\]]+)\]\s*/;
const PII_SPAN = /\{([A-Z_]+):([^}]+)\}/g;
const FILTERED_WORD = /^~[^~\s]+~[.,?!;:]*$/;

/** Reads the annotations out of the script's sentences. */
export function parseScript(sentences: readonly string[]): ScriptedSentence[] {
  return sentences.map((sentence) => {
    let rest = sentence;
    let language: string | undefined;
    let toxicity: Record<string, number> | undefined;
    for (let tag = LEADING_TAG.exec(rest); tag; tag = LEADING_TAG.exec(rest)) {
      const words = tag[1] ?? '';
      if (words.startsWith('toxic')) {
        toxicity = Object.fromEntries(
          words
            .split(/\s+/)
            .slice(1)
            .map((pair) => pair.split('='))
            .map(([category = '', score = '0']) => [category, Number(score)]),
        );
      } else {
        language = words.trim();
      }
      rest = rest.slice(tag[0].length);
    }
    const pii: ScriptedSentence['pii'] = [];
    const unfiltered = rest.replace(PII_SPAN, (_match, type: string, words: string, offset: number) => {
      const before = rest.slice(0, offset).replace(PII_SPAN, (_m, _t, w: string) => w);
      const from = before.split(/\s+/).filter(Boolean).length;
      pii.push({ from, to: from + words.split(/\s+/).filter(Boolean).length, type });
      return words;
    });
    const filtered = unfiltered
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((token, index) => (FILTERED_WORD.test(token) ? [index] : []));
    const spoken = unfiltered.replace(/~([^~\s]+)~/g, '$1');
    return { spoken, ...(language ? { language } : {}), ...(toxicity ? { toxicity } : {}), pii, filtered };
  });
}

type Item = Record<string, unknown> & { id: number; type: string; alternatives: Record<string, unknown>[] };
interface AudioSegment {
  id: number;
  transcript: string | undefined;
  items: number[];
  start_time: string;
  end_time: string;
}
/** The transcript document of transcribe-output.ts, as far as this module reshapes it. */
export interface TranscriptDocumentShape {
  results: { transcripts: { transcript: string }[]; items: Record<string, unknown>[]; audio_segments: AudioSegment[] } & Record<string, unknown>;
}

/** What of the StartTranscriptionJob request shapes the output. */
export interface ShapingRequest {
  /** PII entity types to redact (`ALL` for all); unset, nothing is redacted. */
  redact?: string[];
  /** The vocabulary filter method, when the job names a filter. */
  vocabularyFilter?: 'mask' | 'remove' | 'tag';
  toxicity: boolean;
  /** Multi-language identification: sentence languages among these (the first when a sentence's is not one). */
  multipleLanguages?: string[];
  /** Single-language identification: the language identified and the candidates scored. */
  singleLanguage?: { identified: string; options: string[] };
}

/**
 * Reshapes a generated transcript document as the options asked: redacted entities become one
 * `[PII]` item each (with its `redactions`), words carry their `language_code`, and the results
 * gain `toxicity_detection`, `language_codes` or `language_identification`.
 */
export function shapeTranscript(document: TranscriptDocumentShape, script: readonly ScriptedSentence[], request: ShapingRequest): void {
  const { results } = document;
  const byId = new Map((results.items as Item[]).map((item) => [item.id, item]));
  const removed = new Set<number>();
  const durations = new Map<string, number>();
  results.audio_segments.forEach((segment, index) => {
    const sentence = script[index];
    if (!sentence) return;
    const words = segment.items.map((id) => byId.get(id)).filter((item): item is Item => item?.type === 'pronunciation');
    if (request.vocabularyFilter) filterSentence(words, sentence, request.vocabularyFilter, removed);
    if (request.redact) redactSentence(words, segment.items, sentence, request.redact, removed);
    if (request.multipleLanguages) {
      const options = request.multipleLanguages;
      const language = sentence.language && (options.length === 0 || options.includes(sentence.language)) ? sentence.language : (options[0] ?? 'en-US');
      for (const id of segment.items) {
        const item = byId.get(id);
        if (item?.type === 'pronunciation') item['language_code'] = language;
      }
      durations.set(language, (durations.get(language) ?? 0) + Number(segment.end_time) - Number(segment.start_time));
    }
  });
  results.items = (results.items as Item[]).filter((item) => !removed.has(item.id));
  for (const segment of results.audio_segments) {
    segment.items = segment.items.filter((id) => !removed.has(id));
    segment.transcript = textOf(segment.items.map((id) => byId.get(id)).filter((item): item is Item => !!item));
  }
  results.transcripts = [{ transcript: results.audio_segments.map((s) => s.transcript).join(' ') }];
  if (request.toxicity) {
    results['toxicity_detection'] = results.audio_segments.map((segment, index) => {
      const scripted = script[index]?.toxicity ?? {};
      const categories = Object.fromEntries(TOXICITY_CATEGORIES.map((c) => [c, scripted[c] ?? BENIGN_SCORE]));
      return {
        text: segment.transcript,
        toxicity: Math.max(...Object.values(categories)),
        categories,
        start_time: Number(segment.start_time),
        end_time: Number(segment.end_time),
      };
    });
  }
  if (request.multipleLanguages) {
    results['language_codes'] = [...durations].map(([language_code, seconds]) => ({ language_code, duration_in_seconds: Math.round(seconds * 100) / 100 }));
  }
  if (request.singleLanguage) {
    const { identified, options } = request.singleLanguage;
    const others = options.filter((o) => o !== identified);
    results['language_code'] = identified;
    results['language_identification'] = [
      { code: identified, score: '0.9632' },
      ...others.map((code, i) => ({ code, score: (0.03 / (i + 2)).toFixed(4) })),
    ];
  }
}

/** The languages a multi-language job found, with their spoken seconds, for GetTranscriptionJob's LanguageCodes. */
export function languageDurations(document: TranscriptDocumentShape | undefined): { LanguageCode: string; DurationInSeconds: number }[] {
  const codes = (document?.results['language_codes'] ?? []) as { language_code: string; duration_in_seconds: number }[];
  return codes.map((c) => ({ LanguageCode: c.language_code, DurationInSeconds: c.duration_in_seconds }));
}

function redactSentence(
  words: Item[],
  sentenceItems: number[],
  sentence: ScriptedSentence,
  types: string[],
  removed: Set<number>,
): void {
  for (const span of sentence.pii) {
    if (!types.includes('ALL') && !types.includes(span.type)) continue;
    const covered = words.slice(span.from, span.to);
    const first = covered[0];
    const last = covered[covered.length - 1];
    if (!first || !last) continue;
    first.alternatives = [{ confidence: '0.0', content: '[PII]', redactions: [{ confidence: '0.9961', type: span.type, category: 'PII' }] }];
    first['end_time'] = last['end_time'];
    // The entity's other words and the punctuation inside it go; punctuation after it stays.
    const start = sentenceItems.indexOf(first.id);
    const end = sentenceItems.indexOf(last.id);
    for (const id of sentenceItems.slice(start + 1, end + 1)) removed.add(id);
  }
}

/** mask: `***` for the word; remove: the word goes (its punctuation stays); tag: `vocabularyFilterMatch`. */
function filterSentence(words: Item[], sentence: ScriptedSentence, method: 'mask' | 'remove' | 'tag', removed: Set<number>): void {
  for (const index of sentence.filtered) {
    const word = words[index];
    if (!word) continue;
    if (method === 'remove') removed.add(word.id);
    else if (method === 'tag') word['vocabularyFilterMatch'] = true;
    else word.alternatives = word.alternatives.map((a) => ({ ...a, content: '***' }));
  }
}

function textOf(items: Item[]): string {
  let text = '';
  for (const item of items) {
    const spoken = item.alternatives[0]?.['content'];
    const content = typeof spoken === 'string' ? spoken : '';
    text += item.type === 'punctuation' || !text ? content : ` ${content}`;
  }
  return text;
}
