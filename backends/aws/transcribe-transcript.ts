import { z } from 'zod';
import type { RecognizedWord, Utterance } from '../../media/pocketsphinx';
import { buildTranscript, type Transcript } from '../../media/transcript';

/** The part of Amazon Transcribe's output file reelscope reads; times and confidences are strings. */
const transcribeOutputSchema = z.object({
  results: z.object({
    items: z.array(
      z.object({
        type: z.enum(['pronunciation', 'punctuation']),
        start_time: z.string().optional(),
        end_time: z.string().optional(),
        speaker_label: z.string().optional(),
        alternatives: z.array(z.object({ content: z.string(), confidence: z.string().optional() })).min(1),
      }),
    ),
  }),
});

/** A pause this long between words ends an utterance even without punctuation. */
const PAUSE_SECONDS = 1.5;

/**
 * Turns Transcribe's output into the transcript every backend writes: utterances end at a
 * change of speaker, at sentence-final punctuation or at a long pause.
 */
export function transcriptFromTranscribe(raw: unknown, language: string): Transcript {
  const { results } = transcribeOutputSchema.parse(raw);
  const utterances: Utterance[] = [];
  let current: Utterance | undefined;
  for (const item of results.items) {
    const best = item.alternatives[0];
    if (!best) continue;
    if (item.type === 'punctuation') {
      const last = current?.words[current.words.length - 1];
      if (last) last.word += best.content;
      if (/[.?!]$/.test(best.content)) current = undefined;
      continue;
    }
    const word: RecognizedWord = {
      word: best.content,
      start: Number(item.start_time ?? 0),
      end: Number(item.end_time ?? item.start_time ?? 0),
      confidence: Number(best.confidence ?? 0),
    };
    const previous = current?.words[current.words.length - 1];
    if (!current || current.speaker !== item.speaker_label || (previous && word.start - previous.end > PAUSE_SECONDS)) {
      current = { words: [], ...(item.speaker_label ? { speaker: item.speaker_label } : {}) };
      utterances.push(current);
    }
    current.words.push(word);
  }
  return buildTranscript(utterances, 'amazon-transcribe', language);
}
