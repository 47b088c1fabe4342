import type { SubtitleFormat } from '@aws-sdk/client-transcribe';
import type { KeyframeSampling } from '../../media/keyframe-sampler';
import type { PollSchedule } from './job-poller';

/** Which identification a tenant's jobs use instead of a fixed language. */
export type LanguageIdentification = 'single' | 'multiple';

/** Vocabulary and filter for one language, when the language is identified (LanguageIdSettings). */
export interface LanguageVocabulary {
  vocabularyName?: string;
  vocabularyFilterName?: string;
}

/**
 * One tenant's Transcribe options, validated at worker start (worker/config.ts) against the
 * combinations StartTranscriptionJob accepts, so a job never fails on them.
 */
export interface TranscribeTenantOptions {
  /** A fixed language for this tenant, over the worker's REELSCOPE_TRANSCRIBE_LANGUAGE. */
  languageCode?: string;
  /** Identify the language ('single': IdentifyLanguage) or every language spoken ('multiple': IdentifyMultipleLanguages). */
  identifyLanguages?: LanguageIdentification;
  /** Candidates for identification, over the worker's REELSCOPE_TRANSCRIBE_LANGUAGE_OPTIONS. */
  languageOptions?: string[];
  /** With a fixed language: Settings.VocabularyName / VocabularyFilterName. */
  vocabularyName?: string;
  vocabularyFilterName?: string;
  /** How the filter applies (Settings.VocabularyFilterMethod); required with any filter name. */
  vocabularyFilterMethod?: 'mask' | 'remove' | 'tag';
  /** With an identified language: per language (LanguageIdSettings), keys among the language options. */
  languageVocabularies?: Record<string, LanguageVocabulary>;
  /** PII redaction (ContentRedaction, RedactionOutput `redacted`): only the redacted transcript is written. */
  redaction?: { piiEntityTypes?: string[] };
  /** ToxicityDetection (ToxicityCategories ALL); needs the tenant's language fixed to en-US. */
  toxicityDetection?: boolean;
}

/** The options a tenant's jobs carry: its own entry, else the `*` default, else none. */
export function tenantTranscribeOptions(settings: AwsBackendSettings['transcribe'], tenant: string): TranscribeTenantOptions {
  return settings.tenantOptions?.[tenant] ?? settings.tenantOptions?.['*'] ?? {};
}

/** Tunables of the aws backend; validated from the environment in worker/config.ts. */
export interface AwsBackendSettings {
  /** Percent (0..100) below which Rekognition does not return labels or moderation labels. */
  rekognitionMinConfidence: number;
  /** Percent (0..100) of similarity a face must reach to be named as one of the tenant's known people. */
  faceMatchThreshold: number;
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
    /**
     * Per-tenant Transcribe options, keyed by tenant id; `*` is the default for a tenant not
     * listed. Absent (or no entry and no `*`), a job carries none of them.
     */
    tenantOptions?: Record<string, TranscribeTenantOptions>;
  };
  poll: PollSchedule;
  /**
   * When set, labels, moderation, celebrities and text call the image APIs on sampled
   * keyframes instead of running a video job: a fraction of the price, with gaps between frames.
   */
  keyframeSampling?: KeyframeSampling;
  /** A job may stay in progress this long: base plus a multiple of the media's duration. */
  jobDeadline: { baseSeconds: number; perMediaSecond: number };
  /**
   * Which services tell the completion relay that a job ended, so an analysis waits for that
   * instead of polling. Absent (or a service off), its jobs are polled as before.
   */
  notifications?: {
    /** Rekognition Video's NotificationChannel: the SNS topic, and the role it publishes with. */
    rekognition?: { topicArn: string; roleArn: string };
    /** An EventBridge rule routes Transcribe's job state changes to the relay. */
    transcribe: boolean;
    /** How long a wait lasts before the worker checks the job itself. */
    safetyNetSeconds: number;
  };
}
