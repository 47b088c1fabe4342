import type { TranscribeClient } from '@aws-sdk/client-transcribe';
import { redactSecrets } from '../../common/redact-secrets';
import { toS3Uri } from '../../common/s3-uri';
import { transcribeCost } from '../../cost/price-table';
import { extractAudioTrack } from '../../media/audio-track';
import type { TranscriptOutput } from '../../spine/branch-outputs';
import type { AnalysisRun } from '../analysis-backend';
import { writeSubtitleFiles } from '../subtitle-files';
import type { AwsBackendDeps, RunnerResult } from './aws-backend';
import { tenantTranscribeOptions, type AwsBackendSettings } from './aws-backend-settings';
import { runJobToCompletion } from './job-poller';
import { isCancellation, jobName, polling } from './job-run';
import { deleteTranscription, startTranscription, transcriptionOutputKey, transcriptionState, type TranscriptionInfo, type TranscriptionRequest } from './transcribe-job';
import { transcriptFromTranscribe } from './transcribe-transcript';

/**
 * The job's name: the one a notified wait gave it (the wait's address, which the relay reads
 * from Transcribe's event), the one the wait ended on, or the polled job's name.
 */
function transcriptionJobName(run: AnalysisRun, notified: boolean): string {
  // The name the wait gave its job, not the one the notification says: a notification is no proof.
  if (run.input.job) return run.input.job.tag;
  if (notified && run.jobWaitTag) return run.jobWaitTag;
  return jobName(run, 'transcript');
}

/** Whether the job exists; an error reading it (throttled, not found) says it may not, and the start finds out. */
async function transcriptionExists(client: TranscribeClient, name: string, signal: AbortSignal): Promise<boolean> {
  try {
    await transcriptionState(client, name, signal);
    return true;
  } catch {
    return false;
  }
}

/** Containers Transcribe reads directly; anything else is sent as an extracted audio track. */
const TRANSCRIBE_EXTENSIONS = new Set(['amr', 'flac', 'm4a', 'mp3', 'mp4', 'ogg', 'webm', 'wav']);
/** How long a cancelled transcript waits for DeleteTranscriptionJob: the workflow waits for the cancellation to complete. */
const DELETE_JOB_TIMEOUT_MS = 10_000;

/** The transcript analysis on Amazon Transcribe: one job per run, polled to completion, its words cued into subtitles here. */
export async function transcribe(given: AnalysisRun, deps: AwsBackendDeps): Promise<RunnerResult> {
  // A read after a wait re-attaches to the job its wait named, whatever the notice said.
  const run: AnalysisRun = given.input.job ? { ...given, resumeFrom: { ...(given.resumeFrom as object), jobId: given.input.job.tag } } : given;
  const { input, store, prefix, signal } = run;
  const { settings } = deps;
  const notified = run.jobWaitTag !== undefined && settings.notifications?.transcribe === true;
  const request: TranscriptionRequest = {
    ...tenantRequest(settings.transcribe, input.tenant),
    jobName: transcriptionJobName(run, notified),
    mediaUri: toS3Uri(input.source.bucket, input.source.key),
    outputBucket: store.resultsBucket,
    outputFolder: `${prefix}transcribe/`,
    maxSpeakers: settings.transcribe.maxSpeakers,
    // reelscope cues the subtitles itself, below, by the rules the local backend uses too.
    subtitleFormats: [],
  };
  let language = request.languageCode ?? 'und';
  let jobLanguages: TranscriptionInfo['languageCodes'];
  let jobRedaction: TranscriptionInfo['redaction'] | undefined;
  // The job that may exist: asked for (an aborted StartTranscriptionJob may still have created it), or re-attached to.
  let startedJob: string | undefined;
  const job = await runJobToCompletion({
    service: 'transcribe',
    start: async () => {
      if (needsAudioTrack(input.source.key, input.media.sizeBytes, settings)) {
        // A notified wait keeps no checkpoint: its safety-net retry finds the job by name before extracting the audio again.
        if (notified && (await transcriptionExists(deps.transcribe, request.jobName, signal))) return request.jobName;
        request.mediaUri = await uploadAudioTrack(run);
      }
      startedJob = request.jobName;
      return (await startTranscription(deps.transcribe, request, signal)).jobName;
    },
    check: async (name) => {
      const info = await transcriptionState(deps.transcribe, name, signal);
      if (info.languageCode) language = info.languageCode;
      if (info.languageCodes) jobLanguages = info.languageCodes;
      jobRedaction = info.redaction;
      return info.state;
    },
    ...polling(run, settings),
    awaitNotification: notified,
    heartbeat: (checkpoint) => {
      startedJob = checkpoint.jobId;
      run.heartbeat(checkpoint);
    },
  }).catch(async (err: unknown) => {
    if (startedJob && isCancellation(run)) await deleteCancelledTranscription(deps.transcribe, startedJob, run);
    throw err;
  });
  // The job's own redaction, as GetTranscriptionJob reports it, over the options of today: with
  // redaction the redacted transcript is the only one the job was asked to write.
  const redaction = jobRedaction === undefined ? request.redaction : (jobRedaction ?? undefined);
  const raw = await store.getJson<unknown>(toS3Uri(store.resultsBucket, transcriptionOutputKey({ ...request, redaction }, 'json')), signal);
  const redactedEntityTypes = redaction ? (redaction.piiEntityTypes ?? ['ALL']) : undefined;
  const filterNames = [request.vocabularyFilterName, ...Object.values(request.languageVocabularies ?? {}).map((v) => v.vocabularyFilterName)].filter(
    (name): name is string => !!name,
  );
  const vocabularyFilter = request.vocabularyFilterMethod && filterNames.length ? { names: filterNames, method: request.vocabularyFilterMethod } : undefined;
  // Transcribe is given the whole audio (the file, or its full extracted track).
  const transcript: TranscriptOutput = {
    ...transcriptFromTranscribe(raw, language, { ...(redactedEntityTypes ? { redactedEntityTypes } : {}), ...(vocabularyFilter ? { vocabularyFilter } : {}) }),
    audioSeconds: input.media.durationSeconds,
  };
  // The job's LanguageCodes say the same as the output's language_codes; they stand in for a file without them.
  if (!transcript.languages && jobLanguages?.length) transcript.languages = jobLanguages;
  const toxicityMissing = request.toxicityDetection === true && !transcript.toxicity;
  if (toxicityMissing) {
    run.log?.warn('Transcribe was asked for toxicity detection and its output has none: audio moderation rests on the profanity matcher alone', {
      kind: 'transcript',
      mediaId: input.mediaId,
      jobName: request.jobName,
    });
  }
  const ref = await store.putJson(`${prefix}transcript.json`, transcript, signal);
  // Not Transcribe's own subtitles: its cues run across a change of speaker and follow limits of
  // its own, so the same speech would be cued differently on the two backends.
  const subtitles = settings.transcribe.subtitleFormats.length
    ? await writeSubtitleFiles(store, prefix, transcript, settings.transcribe.subtitleFormats, signal)
    : undefined;
  const speakers = new Set(transcript.segments.map((s) => s.speaker).filter(Boolean)).size;
  return {
    status: 'succeeded',
    ref,
    jobId: job.jobId,
    counts: {
      words: transcript.wordCount,
      segments: transcript.segments.length,
      speakers,
      polls: job.polls,
      ...(subtitles ? { subtitleCues: subtitles.cues } : {}),
    },
    // Said in the outcome, not only logged: a clean verdict must not read as toxicity-checked.
    summary: `${transcript.wordCount} words, ${speakers} speaker(s), ${spokenLanguages(transcript)}${optionsSummary(transcript)}${toxicityMissing ? ', toxicity asked for but not returned' : ''}, job ${job.jobId}`,
    cost: [transcribeCost(input.media.durationSeconds, deps.prices)],
    ...(subtitles ? { files: subtitles.files } : {}),
  };
}

/**
 * Stops a cancelled transcript's job, best effort: with a signal of its own (the run's has
 * aborted) and a short timeout, and whatever happens the run's cancellation goes on.
 */
async function deleteCancelledTranscription(client: TranscribeClient, jobName: string, { input, log }: AnalysisRun): Promise<void> {
  const fields = { kind: 'transcript', mediaId: input.mediaId, jobName };
  try {
    const deletion = await deleteTranscription(client, jobName, AbortSignal.timeout(DELETE_JOB_TIMEOUT_MS));
    if (deletion.deleted) log?.info('analysis cancelled; Transcribe job deleted', fields);
    // Gone already (finished and removed, or never created), or refused: nothing is left to do either way.
    else log?.info('analysis cancelled; Transcribe did not delete the job', { ...fields, reason: redactSecrets(deletion.reason) });
  } catch (err) {
    log?.warn('analysis cancelled; the Transcribe job could not be deleted and runs to the end', {
      ...fields,
      error: redactSecrets(err instanceof Error ? `${err.name}: ${err.message}` : String(err)),
    });
  }
}

/**
 * The language and tenant options of a tenant's jobs. Which combinations are valid was
 * checked at worker start; this only places each option where the API takes it.
 */
function tenantRequest(transcribe: AwsBackendSettings['transcribe'], tenant: string): Omit<TranscriptionRequest, 'jobName' | 'mediaUri' | 'outputBucket' | 'outputFolder' | 'maxSpeakers' | 'subtitleFormats'> {
  const options = tenantTranscribeOptions(transcribe, tenant);
  const identify = options.identifyLanguages;
  const languageCode = identify ? undefined : (options.languageCode ?? transcribe.languageCode);
  return {
    ...(languageCode ? { languageCode } : { languageOptions: options.languageOptions ?? transcribe.languageOptions }),
    ...(!languageCode && identify === 'multiple' ? { identifyMultipleLanguages: true } : {}),
    ...(options.vocabularyName ? { vocabularyName: options.vocabularyName } : {}),
    ...(options.vocabularyFilterName ? { vocabularyFilterName: options.vocabularyFilterName } : {}),
    ...(options.vocabularyFilterMethod ? { vocabularyFilterMethod: options.vocabularyFilterMethod } : {}),
    ...(options.languageVocabularies ? { languageVocabularies: options.languageVocabularies } : {}),
    ...(options.redaction ? { redaction: options.redaction } : {}),
    ...(options.toxicityDetection ? { toxicityDetection: true } : {}),
  };
}

function spokenLanguages(transcript: TranscriptOutput): string {
  const found = transcript.languages?.map((l) => l.code) ?? [];
  return found.length > 1 ? found.join(' + ') : transcript.language;
}

function optionsSummary({ redaction, toxicity }: TranscriptOutput): string {
  return [redaction ? `, ${redaction.redactedWords} word(s) redacted` : '', toxicity ? `, ${toxicity.segments.length} stretch(es) scored for toxicity` : ''].join('');
}

function needsAudioTrack(key: string, sizeBytes: number, settings: AwsBackendSettings): boolean {
  const extension = key.split('.').pop()?.toLowerCase() ?? '';
  return sizeBytes > settings.transcribe.extractAudioOverBytes || !TRANSCRIBE_EXTENSIONS.has(extension);
}

/** Extracts the audio track and streams it to the results bucket; returns where it is. */
async function uploadAudioTrack({ mediaUrl, store, prefix, signal }: AnalysisRun): Promise<string> {
  const { stream, done } = extractAudioTrack(mediaUrl, signal);
  const [uri] = await Promise.all([store.putStream(`${prefix}audio-track.flac`, stream, 'audio/flac', signal), done]);
  return uri;
}
