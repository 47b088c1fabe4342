import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { TranscribeClient } from '@aws-sdk/client-transcribe';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { boundedMap } from '../../common/bounded-map';
import { toS3Uri } from '../../common/s3-uri';
import type { AnalysisKind, AnalysisOutcome, BackendCapabilities, Capability } from '../../common/types';
import type { AnalysisBackend, AnalysisRun, AnalysisRunner } from '../analysis-backend';
import {
  KEYFRAME_API,
  REKOGNITION_FEATURE,
  rekognitionCost,
  rekognitionImageCost,
  transcribeCost,
  type PriceTable,
  type RekognitionFeature,
  type RekognitionImageApi,
} from '../../cost/price-table';
import { extractAudioTrack } from '../../media/audio-track';
import { withKeyframes, type KeyframeSampling } from '../../media/keyframe-sampler';
import { MediaUnusableError } from '../../media/media-unusable-error';
import type { TranscriptOutput, VisualModerationOutput } from '../../spine/branch-outputs';
import type { AwsBackendSettings } from './aws-backend-settings';
import { runJobToCompletion, type JobCheckpoint } from './job-poller';
import { detectInFrame, joinFrameResults } from './rekognition-image';
import { celebritiesOutput, labelsOutput, moderationOutput, textOutput } from './rekognition-outputs';
import { writeVideoJobResults } from './rekognition-results-writer';
import { startVideoJob, videoJobPages, videoJobState } from './rekognition-video';
import { redactSecrets } from '../../common/redact-secrets';
import { deleteTranscription, startTranscription, transcriptionOutputKey, transcriptionState, type TranscriptionRequest } from './transcribe-job';
import { transcriptFromTranscribe } from './transcribe-transcript';
import { writeSubtitleFiles } from '../subtitle-files';

/** Containers Transcribe reads directly; anything else is sent as an extracted audio track. */
const TRANSCRIBE_EXTENSIONS = new Set(['amr', 'flac', 'm4a', 'mp3', 'mp4', 'ogg', 'webm', 'wav']);
/** A still image is its own single keyframe. */
const STILL_IMAGE: KeyframeSampling = { intervalSeconds: 1, maxFrames: 1 };
/** Image API calls in flight per analysis: the image APIs' TPS quota is per account, shared by every run. */
const IMAGE_CALLS_IN_FLIGHT = 4;
/** How long a cancelled transcript waits for DeleteTranscriptionJob: the workflow waits for the cancellation to complete. */
const DELETE_JOB_TIMEOUT_MS = 10_000;

export interface AwsBackendDeps {
  rekognition: RekognitionClient;
  transcribe: TranscribeClient;
  settings: AwsBackendSettings;
  prices: PriceTable;
  /** Analyses that run on the worker itself (thumbnails, transcript moderation). */
  onWorker: Partial<Record<AnalysisKind, AnalysisRunner>>;
}

/**
 * What the aws backend runs and what each analysis costs a minute, at the configured prices.
 * With keyframe sampling, labels, moderation, celebrities and text are image calls: priced per
 * frame, and outside the video-job quota.
 */
export function awsCapabilities(prices: PriceTable, sampling?: KeyframeSampling): BackendCapabilities {
  const rekognition = (feature: RekognitionFeature): Capability => ({
    available: true,
    usdPerMinute: prices.rekognitionPerMinute[feature],
    quota: 'rekognition-video',
  });
  const sampled = (feature: RekognitionFeature): Capability =>
    sampling ? { available: true, usdPerMinute: (60 / sampling.intervalSeconds) * prices.rekognitionPerImage } : rekognition(feature);
  return {
    backend: 'aws',
    analyses: {
      transcript: { available: true, usdPerMinute: prices.transcribePerMinute, quota: 'transcribe' },
      shots: rekognition('SegmentDetection'),
      thumbnails: { available: true, usdPerMinute: 0 },
      visualModeration: sampled('ContentModeration'),
      audioModeration: { available: true, usdPerMinute: 0 },
      labels: sampled('LabelDetection'),
      celebrities: sampled('CelebrityRecognition'),
      text: sampled('TextDetection'),
      faces: { available: false, reason: 'face detection is not built for the aws backend yet' },
    },
  };
}

/**
 * Amazon Rekognition Video and Amazon Transcribe behind the analysis-runner interface:
 * each analysis is one service job, started idempotently and polled to completion.
 */
export function createAwsBackend(deps: AwsBackendDeps): AnalysisBackend {
  const runners: Partial<Record<AnalysisKind, AnalysisRunner>> = { ...deps.onWorker, transcript: (run) => transcribe(run, deps) };
  const sampling = deps.settings.keyframeSampling;
  for (const [kind, feature] of Object.entries(REKOGNITION_FEATURE) as [AnalysisKind, RekognitionFeature][]) {
    const imageApi = KEYFRAME_API[kind];
    runners[kind] = async (run) => {
      // Rekognition Video reads video files only: a still image goes to the image API, if any.
      if (run.input.media.kind === 'image') {
        if (imageApi) return detectInKeyframes(kind, imageApi, STILL_IMAGE, run, deps);
        return { status: 'skipped', summary: `${feature} is a video API; it does not read still images` };
      }
      return sampling && imageApi ? detectInKeyframes(kind, imageApi, sampling, run, deps) : detectInVideo(kind, feature, run, deps);
    };
  }
  return { capabilities: awsCapabilities(deps.prices, sampling), runners };
}

type RunnerResult = Omit<AnalysisOutcome, 'kind'>;

async function detectInVideo(kind: AnalysisKind, feature: RekognitionFeature, run: AnalysisRun, deps: AwsBackendDeps): Promise<RunnerResult> {
  const { input, store, prefix, signal } = run;
  const { rekognition, settings } = deps;
  let checkpoint: JobCheckpoint | undefined;
  const job = await runJobToCompletion({
    service: `rekognition ${feature}`,
    start: () =>
      startVideoJob(
        rekognition,
        feature,
        {
          bucket: input.source.bucket,
          key: input.source.key,
          versionId: input.source.versionId,
          clientRequestToken: requestToken(run, kind),
          jobTag: input.mediaId,
          minConfidence: settings.rekognitionMinConfidence,
        },
        signal,
      ),
    check: (jobId) => videoJobState(rekognition, feature, jobId, signal),
    ...polling(run, settings),
    heartbeat: (latest) => {
      checkpoint = latest;
      run.heartbeat(latest);
    },
  }).catch((err: unknown) => {
    // Rekognition Video has no call that stops a job: a cancelled analysis leaves it running, and billed, to its end.
    if (checkpoint && isCancellation(run)) {
      run.log?.info('analysis cancelled; Rekognition Video cannot stop a job, so it runs to the end', { kind, mediaId: input.mediaId, jobId: checkpoint.jobId });
    }
    throw err;
  });
  // A 6-hour video's results run to hundreds of pages: each is written as it arrives, and
  // each page heartbeats the job's checkpoint, so a retry re-attaches to the finished job.
  const written = await writeVideoJobResults({ store, prefix, kind, signal, durationSeconds: input.media.durationSeconds }, feature, job.jobId, videoJobPages(rekognition, feature, job.jobId, signal), (pages) =>
    run.heartbeat({ ...checkpoint, resultPages: pages }),
  );
  return {
    status: 'succeeded',
    ref: written.ref,
    jobId: job.jobId,
    counts: { detections: written.items, pages: written.pages, polls: job.polls },
    summary: `${written.items} detections in ${written.pages} page(s) from job ${job.jobId}`,
    cost: [rekognitionCost(feature, input.media.durationSeconds, deps.prices)],
  };
}

/**
 * An analysis from its image API on sampled keyframes: no job to wait for and a
 * fraction of the video price, but nothing is seen between frames. A retried attempt samples
 * and calls again (the frames are the same; the calls are billed again).
 */
async function detectInKeyframes(
  kind: AnalysisKind,
  api: RekognitionImageApi,
  sampling: KeyframeSampling,
  run: AnalysisRun,
  deps: AwsBackendDeps,
): Promise<RunnerResult> {
  const { input, mediaUrl, store, prefix, signal, heartbeat } = run;
  const { rekognition, settings } = deps;
  let done = 0;
  let times: number[] = [];
  const frames = await withKeyframes(mediaUrl, input.media.durationSeconds, sampling, signal, (sampled) => {
    times = sampled.map((f) => f.time);
    return boundedMap(sampled, IMAGE_CALLS_IN_FLIGHT, async (frame) => {
      const detected = await detectInFrame(rekognition, api, { time: frame.time, jpeg: await readFile(frame.path) }, settings.rekognitionMinConfidence, signal);
      heartbeat({ keyframesDone: ++done, keyframes: sampled.length });
      return detected;
    });
  });
  const first = times[0];
  const last = times[times.length - 1];
  // No frame sent is nothing checked: "0 detections" would read as a clean result.
  if (first === undefined || last === undefined) {
    throw new MediaUnusableError('NoDecodableFrames', `no keyframe of the picture could be decoded for ${api}`);
  }
  const results = joinFrameResults(frames);
  await store.putJson(`${prefix}rekognition/${api}.json`, { frames: frames.length, ...results }, signal);
  // How long one moderation sample stands for; a still image's one sample, a second.
  const spacing = Math.max(1, input.media.durationSeconds / Math.max(1, frames.length));
  const normalized = (() => {
    switch (api) {
      case 'DetectLabels':
        return labelsOutput(results);
      case 'DetectModerationLabels': {
        const end = Math.min(input.media.durationSeconds, last + spacing);
        const coverage = { frames: frames.length, start: first, end: Math.round(end * 100) / 100 };
        return { ...moderationOutput(results, Math.round(spacing * 100) / 100), coverage } satisfies VisualModerationOutput;
      }
      case 'RecognizeCelebrities':
        return celebritiesOutput(results);
      case 'DetectText':
        return textOutput(results);
    }
  })();
  const ref = await store.putJson(`${prefix}${kind}.json`, normalized, signal);
  return {
    status: 'succeeded',
    ref,
    counts: { detections: results.items.length, keyframes: frames.length },
    summary: `${results.items.length} detections on ${frames.length} sampled keyframe(s) (${api})`,
    cost: [rekognitionImageCost(api, frames.length, deps.prices)],
  };
}

async function transcribe(run: AnalysisRun, deps: AwsBackendDeps): Promise<RunnerResult> {
  const { input, store, prefix, signal } = run;
  const { settings } = deps;
  const request: TranscriptionRequest = {
    jobName: jobName(run, 'transcript'),
    mediaUri: toS3Uri(input.source.bucket, input.source.key),
    outputBucket: store.resultsBucket,
    outputFolder: `${prefix}transcribe/`,
    languageCode: settings.transcribe.languageCode,
    languageOptions: settings.transcribe.languageOptions,
    maxSpeakers: settings.transcribe.maxSpeakers,
    // reelscope cues the subtitles itself, below, by the rules the local backend uses too.
    subtitleFormats: [],
  };
  let language = settings.transcribe.languageCode ?? 'und';
  // The job that may exist: asked for (an aborted StartTranscriptionJob may still have created it), or re-attached to.
  let startedJob: string | undefined;
  const job = await runJobToCompletion({
    service: 'transcribe',
    start: async () => {
      if (needsAudioTrack(input.source.key, input.media.sizeBytes, settings)) {
        request.mediaUri = await uploadAudioTrack(run);
      }
      startedJob = request.jobName;
      return (await startTranscription(deps.transcribe, request, signal)).jobName;
    },
    check: async (name) => {
      const info = await transcriptionState(deps.transcribe, name, signal);
      if (info.languageCode) language = info.languageCode;
      return info.state;
    },
    ...polling(run, settings),
    heartbeat: (checkpoint) => {
      startedJob = checkpoint.jobId;
      run.heartbeat(checkpoint);
    },
  }).catch(async (err: unknown) => {
    if (startedJob && isCancellation(run)) await deleteCancelledTranscription(deps.transcribe, startedJob, run);
    throw err;
  });
  const raw = await store.getJson<unknown>(toS3Uri(store.resultsBucket, transcriptionOutputKey(request, 'json')), signal);
  // Transcribe is given the whole audio (the file, or its full extracted track).
  const transcript: TranscriptOutput = { ...transcriptFromTranscribe(raw, language), audioSeconds: input.media.durationSeconds };
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
    summary: `${transcript.wordCount} words, ${speakers} speaker(s), ${language}, job ${job.jobId}`,
    cost: [transcribeCost(input.media.durationSeconds, deps.prices)],
    ...(subtitles ? { files: subtitles.files } : {}),
  };
}

/** Whether the run's signal aborted because the workflow cancelled it, rather than a timeout or a shutdown a retry follows. */
function isCancellation(run: AnalysisRun): boolean {
  return run.signal.aborted && run.cancelRequested?.() === true;
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

/** Heartbeat, resume and deadline settings shared by every job of a run. */
function polling(run: AnalysisRun, settings: AwsBackendSettings) {
  const { baseSeconds, perMediaSecond } = settings.jobDeadline;
  return {
    resumeFrom: run.resumeFrom,
    heartbeat: run.heartbeat,
    signal: run.signal,
    deadlineMs: (baseSeconds + perMediaSecond * run.input.media.durationSeconds) * 1000,
    schedule: settings.poll,
  };
}

/**
 * Transcribe job names are unique per account and readable in its console: the workflow
 * id, a short hash of the run and the analysis. A new run of the same media (a retry after
 * FAILED) starts fresh jobs; every attempt within one run finds its own.
 */
function jobName({ execution }: AnalysisRun, kind: AnalysisKind): string {
  return `${execution.workflowId}-${shortHash(execution.runId)}-${kind}`.replace(/[^0-9a-zA-Z._-]/g, '_').slice(0, 200);
}

/** Rekognition's ClientRequestToken: at most 64 characters of [a-zA-Z0-9-_]. */
function requestToken({ execution }: AnalysisRun, kind: AnalysisKind): string {
  return createHash('sha256').update(`${execution.workflowId}\n${execution.runId}\n${kind}`).digest('hex').slice(0, 64);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
