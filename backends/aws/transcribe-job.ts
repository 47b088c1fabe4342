import {
  BadRequestException,
  ConflictException,
  DeleteTranscriptionJobCommand,
  GetTranscriptionJobCommand,
  StartTranscriptionJobCommand,
  type LanguageCode,
  type LanguageIdSettings,
  type PiiEntityType,
  type Settings,
  type StartTranscriptionJobRequest,
  type SubtitleFormat,
  type TranscribeClient,
} from '@aws-sdk/client-transcribe';
import type { LanguageVocabulary, TranscribeTenantOptions } from './aws-backend-settings';
import type { JobState } from './job-poller';

export interface TranscriptionRequest {
  /** Unique per account: the idempotency key of the job. */
  jobName: string;
  /** s3://bucket/key of the media (or of its extracted audio track). */
  mediaUri: string;
  outputBucket: string;
  /** A folder (ends with '/'): Transcribe writes `<jobName>.json` and the subtitles into it. */
  outputFolder: string;
  /** A fixed language, or undefined to let Transcribe identify it among `languageOptions`. */
  languageCode?: string;
  /** Without a fixed language: every language spoken (IdentifyMultipleLanguages), not the dominant one. */
  identifyMultipleLanguages?: boolean;
  languageOptions?: string[];
  maxSpeakers: number;
  subtitleFormats: SubtitleFormat[];
  kmsKeyId?: string;
  /** With a fixed language: the vocabulary and filter in Settings. */
  vocabularyName?: string;
  vocabularyFilterName?: string;
  /** Goes in Settings whichever way the filter is named (Settings or LanguageIdSettings). */
  vocabularyFilterMethod?: TranscribeTenantOptions['vocabularyFilterMethod'];
  /** With identification: vocabulary and filter per language (LanguageIdSettings). */
  languageVocabularies?: Record<string, LanguageVocabulary>;
  /** PII redaction; only the redacted transcript is asked for, so no unredacted copy is ever written. */
  redaction?: { piiEntityTypes?: string[] };
  toxicityDetection?: boolean;
}

export interface TranscriptionInfo {
  state: JobState;
  languageCode?: string;
  identifiedLanguageScore?: number;
  /** Multi-language identification: each language found and how long it is spoken. */
  languageCodes?: { code: string; durationSeconds?: number }[];
  /**
   * The redaction the job itself was started with (null: none). A retried attempt re-attached
   * to a job started under other tenant options reads the file that job wrote, not the one
   * today's options would name.
   */
  redaction: TranscriptionRequest['redaction'] | null;
}

/**
 * The StartTranscriptionJob input for a request. A vocabulary goes in Settings with a fixed
 * language and in LanguageIdSettings (per candidate language) with identification, as the
 * API reference asks; an option left unset adds no field at all.
 */
export function startTranscriptionInput(request: TranscriptionRequest): StartTranscriptionJobRequest {
  const language: Partial<StartTranscriptionJobRequest> = request.languageCode
    ? { LanguageCode: request.languageCode as LanguageCode }
    : {
        ...(request.identifyMultipleLanguages ? { IdentifyMultipleLanguages: true } : { IdentifyLanguage: true }),
        ...(request.languageOptions?.length ? { LanguageOptions: request.languageOptions as LanguageCode[] } : {}),
      };
  const languageIdSettings = request.languageCode ? undefined : languageIdSettingsOf(request.languageVocabularies);
  const settings: Settings = {
    ShowSpeakerLabels: true,
    MaxSpeakerLabels: request.maxSpeakers,
    ...(request.languageCode && request.vocabularyName ? { VocabularyName: request.vocabularyName } : {}),
    ...(request.languageCode && request.vocabularyFilterName ? { VocabularyFilterName: request.vocabularyFilterName } : {}),
    ...(request.vocabularyFilterMethod ? { VocabularyFilterMethod: request.vocabularyFilterMethod } : {}),
  };
  return {
    TranscriptionJobName: request.jobName,
    Media: { MediaFileUri: request.mediaUri },
    OutputBucketName: request.outputBucket,
    OutputKey: request.outputFolder,
    ...(request.kmsKeyId ? { OutputEncryptionKMSKeyId: request.kmsKeyId } : {}),
    ...language,
    ...(languageIdSettings ? { LanguageIdSettings: languageIdSettings } : {}),
    Settings: settings,
    ...(request.redaction
      ? {
          ContentRedaction: {
            RedactionType: 'PII',
            RedactionOutput: 'redacted',
            ...(request.redaction.piiEntityTypes?.length ? { PiiEntityTypes: request.redaction.piiEntityTypes as PiiEntityType[] } : {}),
          },
        }
      : {}),
    ...(request.toxicityDetection ? { ToxicityDetection: [{ ToxicityCategories: ['ALL'] }] } : {}),
    ...(request.subtitleFormats.length ? { Subtitles: { Formats: request.subtitleFormats, OutputStartIndex: 1 } } : {}),
  };
}

function languageIdSettingsOf(vocabularies: Record<string, LanguageVocabulary> | undefined): StartTranscriptionJobRequest['LanguageIdSettings'] {
  const entries = Object.entries(vocabularies ?? {})
    .map(([code, v]): [string, LanguageIdSettings] => [
      code,
      { ...(v.vocabularyName ? { VocabularyName: v.vocabularyName } : {}), ...(v.vocabularyFilterName ? { VocabularyFilterName: v.vocabularyFilterName } : {}) },
    ])
    .filter(([, v]) => Object.keys(v).length > 0);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * Starts the transcription job. Job names are unique, so a ConflictException means this job
 * was started before (by an earlier attempt or a crashed worker): that is success.
 */
export async function startTranscription(
  client: TranscribeClient,
  request: TranscriptionRequest,
  signal: AbortSignal,
): Promise<{ jobName: string; alreadyStarted: boolean }> {
  try {
    await client.send(new StartTranscriptionJobCommand(startTranscriptionInput(request)), { abortSignal: signal });
    return { jobName: request.jobName, alreadyStarted: false };
  } catch (err) {
    if (err instanceof ConflictException) return { jobName: request.jobName, alreadyStarted: true };
    throw err;
  }
}

export async function transcriptionState(client: TranscribeClient, jobName: string, signal: AbortSignal): Promise<TranscriptionInfo> {
  const { TranscriptionJob: job } = await client.send(new GetTranscriptionJobCommand({ TranscriptionJobName: jobName }), {
    abortSignal: signal,
  });
  const state: JobState =
    job?.TranscriptionJobStatus === 'COMPLETED'
      ? { state: 'succeeded' }
      : job?.TranscriptionJobStatus === 'FAILED'
        ? { state: 'failed', message: job.FailureReason ?? '' }
        : { state: 'running' };
  const languageCodes = (job?.LanguageCodes ?? []).flatMap((item) =>
    item.LanguageCode ? [{ code: item.LanguageCode, ...(item.DurationInSeconds !== undefined ? { durationSeconds: item.DurationInSeconds } : {}) }] : [],
  );
  return {
    state,
    languageCode: job?.LanguageCode,
    identifiedLanguageScore: job?.IdentifiedLanguageScore,
    ...(languageCodes.length ? { languageCodes } : {}),
    redaction: job?.ContentRedaction
      ? { ...(job.ContentRedaction.PiiEntityTypes?.length ? { piiEntityTypes: job.ContentRedaction.PiiEntityTypes } : {}) }
      : null,
  };
}

/** What DeleteTranscriptionJob did: removed the job, or refused with the service's reason. */
export type TranscriptionDeletion = { deleted: true } | { deleted: false; reason: string };

/**
 * Deletes a transcription job: the only call Transcribe has that stops one. It answers
 * BadRequestException when the job no longer exists, and its API reference says the same
 * exception may refuse a job in a non-terminal state; both come back as `deleted: false`
 * with the service's words, since neither leaves anything for the caller to do.
 */
export async function deleteTranscription(client: TranscribeClient, jobName: string, signal: AbortSignal): Promise<TranscriptionDeletion> {
  try {
    await client.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: jobName }), { abortSignal: signal });
    return { deleted: true };
  } catch (err) {
    if (err instanceof BadRequestException) return { deleted: false, reason: err.message };
    throw err;
  }
}

/**
 * Where Transcribe writes a job's files when OutputKey is a folder. A redacted transcript is
 * named `redacted-<job name>.json` (the location RedactedTranscriptFileUri gives).
 */
export function transcriptionOutputKey(
  request: Pick<TranscriptionRequest, 'outputFolder' | 'jobName' | 'redaction'>,
  extension: 'json' | SubtitleFormat,
): string {
  const redacted = request.redaction && extension === 'json' ? 'redacted-' : '';
  return `${request.outputFolder}${redacted}${request.jobName}.${extension}`;
}
