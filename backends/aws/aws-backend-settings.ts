import type { SubtitleFormat } from '@aws-sdk/client-transcribe';
import type { KeyframeSampling } from '../../media/keyframe-sampler';
import type { PollSchedule } from './job-poller';

/** Tunables of the aws backend; validated from the environment in worker/config.ts. */
export interface AwsBackendSettings {
  /** Percent (0..100) below which Rekognition does not return labels or moderation labels. */
  rekognitionMinConfidence: number;
  transcribe: {
    /** A fixed language (`en-US`), or undefined to let Transcribe identify it. */
    languageCode?: string;
    /** Candidates for language identification; narrowing them improves accuracy. */
    languageOptions: string[];
    maxSpeakers: number;
    subtitleFormats: SubtitleFormat[];
    /**
     * Media larger than this, or in a container Transcribe does not read, is transcribed
     * from an extracted audio track instead (Transcribe refuses inputs over 2 GB).
     */
    extractAudioOverBytes: number;
  };
  poll: PollSchedule;
  /**
   * When set, labels, moderation, celebrities and text call the image APIs on sampled
   * keyframes instead of running a video job: a fraction of the price, with gaps between frames.
   */
  keyframeSampling?: KeyframeSampling;
  /** A job may stay in progress this long: base plus a multiple of the media's duration. */
  jobDeadline: { baseSeconds: number; perMediaSecond: number };
}
