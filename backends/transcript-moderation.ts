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
    ...(audioSeconds !== undefined ? { coverage: { audioSeconds, words: transcript.wordCount } } : {}),
  };
  const ref = await store.putJson(`${prefix}audio-moderation.json`, output, signal);
  const heard = audioSeconds !== undefined ? ` from ${audioSeconds.toFixed(1)} s of audio` : ' (audio covered unknown)';
  return {
    status: 'succeeded',
    ref,
    counts: { hits: output.hits.length, words: transcript.wordCount },
    summary: `${output.hits.length} profanity hits in ${transcript.wordCount} words${heard}`,
  };
}
