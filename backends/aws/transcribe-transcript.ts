import { z } from 'zod';
import {
  buildTranscript,
  type AppliedVocabularyFilter,
  type IdentifiedLanguage,
  type LanguageUtterance,
  type ToxicityDetection,
  type Transcript,
  type TranscriptWord,
} from '../../media/transcript';

/** Transcribe writes times and scores as strings in some places and as numbers in others. */
const decimal = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);

/** The part of Amazon Transcribe's output file reelscope reads. */
const transcribeOutputSchema = z.object({
  results: z.object({
    items: z.array(
      z.object({
        type: z.enum(['pronunciation', 'punctuation']),
        start_time: z.string().optional(),
        end_time: z.string().optional(),
        speaker_label: z.string().optional(),
        // Multi-language identification: the language of each word.
        language_code: z.string().optional(),
        // A vocabulary filter in `tag` mode matched the word.
        vocabularyFilterMatch: z.boolean().optional(),
        alternatives: z
          .array(
            z.object({
              content: z.string(),
              confidence: z.string().optional(),
              // PII redaction: the entity a `[PII]` word stands for.
              redactions: z.array(z.object({ type: z.string().optional(), category: z.string().optional(), confidence: z.string().optional() })).optional(),
            }),
          )
          .min(1),
      }),
    ),
    // Single-language identification: each candidate's score.
    language_identification: z.array(z.object({ code: z.string(), score: decimal })).optional(),
    // Multi-language identification: each language found and how long it is spoken.
    language_codes: z.array(z.object({ language_code: z.string(), duration_in_seconds: decimal.optional() })).optional(),
    toxicity_detection: z
      .array(
        z.object({
          toxicity: decimal,
          categories: z.record(z.string(), decimal),
          start_time: decimal,
          end_time: decimal,
        }),
      )
      .optional(),
  }),
});

/** A pause this long between words ends an utterance even without punctuation. */
const PAUSE_SECONDS = 1.5;
/** What Transcribe writes in place of a redacted entity. */
const REDACTED_WORD = '[PII]';

/** What was asked of the job, which its output alone does not say. */
export interface TranscribeJobOptions {
  /** The entity types redaction was asked for (`ALL` when none were named); unset, nothing was redacted. */
  redactedEntityTypes?: string[];
  /** The vocabulary filter the job was asked to apply. */
  vocabularyFilter?: AppliedVocabularyFilter;
}

/**
 * Turns Transcribe's output into the transcript every backend writes: utterances end at a
 * change of speaker or of language, at sentence-final punctuation or at a long pause.
 */
export function transcriptFromTranscribe(raw: unknown, language: string, options: TranscribeJobOptions = {}): Transcript {
  const { results } = transcribeOutputSchema.parse(raw);
  const utterances: LanguageUtterance[] = [];
  let current: LanguageUtterance | undefined;
  let redactedWords = 0;
  for (const item of results.items) {
    const best = item.alternatives[0];
    if (!best) continue;
    if (item.type === 'punctuation') {
      const last = current?.words[current.words.length - 1];
      if (last) last.word += best.content;
      if (/[.?!]$/.test(best.content)) current = undefined;
      continue;
    }
    if (best.content === REDACTED_WORD || best.redactions?.length) redactedWords += 1;
    const word: TranscriptWord = {
      word: best.content,
      start: Number(item.start_time ?? 0),
      end: Number(item.end_time ?? item.start_time ?? 0),
      confidence: Number(best.confidence ?? 0),
      ...(item.vocabularyFilterMatch ? { vocabularyFilterMatch: true as const } : {}),
    };
    const previous = current?.words[current.words.length - 1];
    if (
      !current ||
      current.speaker !== item.speaker_label ||
      current.language !== item.language_code ||
      (previous && word.start - previous.end > PAUSE_SECONDS)
    ) {
      current = { words: [], ...(item.speaker_label ? { speaker: item.speaker_label } : {}), ...(item.language_code ? { language: item.language_code } : {}) };
      utterances.push(current);
    }
    current.words.push(word);
  }
  const languages = identifiedLanguages(results, language);
  const dominant = language === 'und' ? [...languages].sort((a, b) => (b.durationSeconds ?? 0) - (a.durationSeconds ?? 0))[0]?.code : undefined;
  const transcript = buildTranscript(utterances, 'amazon-transcribe', dominant ?? language);
  const scored = results.toxicity_detection;
  // Only a list in the output says toxicity was checked; a job asked for it without one claims nothing.
  const toxicity: ToxicityDetection | undefined = scored && {
    engine: 'amazon-transcribe toxicity detection',
    segments: scored.map((s) => ({ start: s.start_time, end: s.end_time, toxicity: s.toxicity, categories: s.categories })),
  };
  return {
    ...transcript,
    ...(languages.length ? { languages } : {}),
    ...(options.redactedEntityTypes ? { redaction: { piiEntityTypes: options.redactedEntityTypes, redactedWords } } : {}),
    ...(options.vocabularyFilter ? { vocabularyFilter: options.vocabularyFilter } : {}),
    ...(toxicity ? { toxicity } : {}),
  };
}

type Results = z.infer<typeof transcribeOutputSchema>['results'];

/**
 * The languages found: multi-language identification lists each with its duration (and,
 * should that list be missing, each word names its own); single-language identification
 * scores candidates, of which the identified one is what was found.
 */
function identifiedLanguages(results: Results, language: string): IdentifiedLanguage[] {
  if (results.language_codes?.length) {
    return results.language_codes.map((l) => ({ code: l.language_code, ...(l.duration_in_seconds !== undefined ? { durationSeconds: l.duration_in_seconds } : {}) }));
  }
  const perWord = new Map<string, number>();
  for (const item of results.items) {
    if (item.type !== 'pronunciation' || !item.language_code) continue;
    const seconds = Number(item.end_time ?? 0) - Number(item.start_time ?? 0);
    perWord.set(item.language_code, (perWord.get(item.language_code) ?? 0) + Math.max(0, seconds));
  }
  if (perWord.size) return [...perWord].map(([code, seconds]) => ({ code, durationSeconds: Math.round(seconds * 1000) / 1000 }));
  const identified = results.language_identification?.find((l) => l.code === language) ?? results.language_identification?.[0];
  return identified ? [{ code: identified.code, score: identified.score }] : [];
}
