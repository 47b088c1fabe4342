import type { ProfanityHit } from '../media/profanity';
import type { TechnicalCues } from '../media/technical-cues';
import type { Transcript } from '../media/transcript';
import type { NsfwScores } from '../media/nsfw-classifier';

/**
 * What each analysis writes to the object store, whichever backend ran it: the contract
 * between the analyses and reduce. The workflow only ever sees references to these.
 */
export type TranscriptOutput = Transcript;

export type ShotsOutput = TechnicalCues;

export interface ThumbnailsOutput {
  poster: { time: number; ref: string };
  keyframes: { time: number; ref: string }[];
}

export interface VisualModerationOutput {
  model: string;
  intervalSeconds: number;
  samples: { time: number; scores: NsfwScores }[];
}

export interface AudioModerationOutput {
  dictionary: string;
  hits: ProfanityHit[];
}

export interface BranchOutputs {
  transcript?: TranscriptOutput;
  shots?: ShotsOutput;
  thumbnails?: ThumbnailsOutput;
  visualModeration?: VisualModerationOutput;
  audioModeration?: AudioModerationOutput;
}
