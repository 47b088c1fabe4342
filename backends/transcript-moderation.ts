import type { AnalysisOutcome } from '../common/types';
import { findProfanity } from '../media/profanity';
import type { AudioModerationOutput, TranscriptOutput } from '../spine/branch-outputs';
import type { AnalysisRun } from './analysis-backend';

/**
 * Audio moderation reads the transcript, whichever backend made it, so both backends run
 * this one on the worker: the same words get the same verdict.
 */
export async function moderateTranscript(run: AnalysisRun): Promise<Omit<AnalysisOutcome, 'kind'>> {
  const { input, store, prefix, signal } = run;
  if (!input.transcriptRef) throw new Error('audio moderation needs a transcript reference');
  const transcript = await store.getJson<TranscriptOutput>(input.transcriptRef, signal);
  const { audioSeconds } = transcript;
  const output: AudioModerationOutput = {
    dictionary: 'obscenity english',
    hits: findProfanity(transcript),
    // Next to the dictionary, not instead of it: each catches what the other misses.
    ...(transcript.toxicity ? { toxicity: transcript.toxicity } : {}),
    ...(audioSeconds !== undefined ? { coverage: { audioSeconds, words: transcript.wordCount } } : {}),
  };
  const ref = await store.putJson(`${prefix}audio-moderation.json`, output, signal);
  const heard = audioSeconds !== undefined ? ` from ${audioSeconds.toFixed(1)} s of audio` : ' (audio covered unknown)';
  const toxicity = output.toxicity;
  // The threshold is reduce's to apply: here only what was scored.
  const highest = toxicity ? Math.max(0, ...toxicity.segments.map((s) => s.toxicity)) : 0;
  return {
    status: 'succeeded',
    ref,
    counts: { hits: output.hits.length, words: transcript.wordCount, ...(toxicity ? { toxicityScored: toxicity.segments.length } : {}) },
    summary:
      `${output.hits.length} profanity hits in ${transcript.wordCount} words${heard}` +
      (toxicity ? `; toxicity scored over ${toxicity.segments.length} stretch(es), highest ${highest.toFixed(2)}` : ''),
  };
}
