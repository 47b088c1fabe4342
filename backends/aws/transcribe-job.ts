import {
  BadRequestException,
  ConflictException,
  DeleteTranscriptionJobCommand,
  GetTranscriptionJobCommand,
  StartTranscriptionJobCommand,
  type LanguageCode,
  type SubtitleFormat,
  type TranscribeClient,
} from '@aws-sdk/client-transcribe';
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
  languageOptions?: string[];
  maxSpeakers: number;
  subtitleFormats: SubtitleFormat[];
  kmsKeyId?: string;
}

export interface TranscriptionInfo {
  state: JobState;
  languageCode?: string;
  identifiedLanguageScore?: number;
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
  const language = request.languageCode
    ? { LanguageCode: request.languageCode as LanguageCode }
    : { IdentifyLanguage: true, ...(request.languageOptions?.length ? { LanguageOptions: request.languageOptions as LanguageCode[] } : {}) };
  try {
    await client.send(
      new StartTranscriptionJobCommand({
        TranscriptionJobName: request.jobName,
        Media: { MediaFileUri: request.mediaUri },
        OutputBucketName: request.outputBucket,
        OutputKey: request.outputFolder,
        ...(request.kmsKeyId ? { OutputEncryptionKMSKeyId: request.kmsKeyId } : {}),
        ...language,
        Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: request.maxSpeakers },
        ...(request.subtitleFormats.length ? { Subtitles: { Formats: request.subtitleFormats, OutputStartIndex: 1 } } : {}),
      }),
      { abortSignal: signal },
    );
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
  return { state, languageCode: job?.LanguageCode, identifiedLanguageScore: job?.IdentifiedLanguageScore };
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

/** Where Transcribe writes a job's files when OutputKey is a folder. */
export function transcriptionOutputKey(request: Pick<TranscriptionRequest, 'outputFolder' | 'jobName'>, extension: 'json' | SubtitleFormat): string {
  return `${request.outputFolder}${request.jobName}.${extension}`;
}
