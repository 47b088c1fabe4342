import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { TranscribeClient } from '@aws-sdk/client-transcribe';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { boundedMap } from '../../common/bounded-map';
import type { AnalysisKind, AnalysisOutcome, BackendCapabilities, Capability } from '../../common/types';
import type { AnalysisBackend, AnalysisRun, AnalysisRunner } from '../analysis-backend';
import type { KnownPeople } from '../known-people';
import {
  KEYFRAME_API,
  REKOGNITION_FEATURE,
  rekognitionCost,
  rekognitionImageCost,
  type PriceTable,
  type RekognitionFeature,
  type RekognitionImageApi,
} from '../../cost/price-table';
import { withKeyframes, type KeyframeSampling } from '../../media/keyframe-sampler';
import { MediaUnusableError } from '../../media/media-unusable-error';
import type { FacesOutput, VisualModerationOutput } from '../../spine/branch-outputs';
import type { AwsBackendSettings } from './aws-backend-settings';
import { runJobToCompletion, type JobCheckpoint } from './job-poller';
import { collectionIdFor } from './face-collection';
import { detectFacesInFrame, detectInFrame, joinFrameResults } from './rekognition-image';
import { celebritiesOutput, facesOutput, labelsOutput, moderationOutput, textOutput, type FaceSearchContext } from './rekognition-outputs';
import { writeVideoJobResults } from './rekognition-results-writer';
import { featureOfNotifiedApi, startVideoJob, videoJobPages, videoJobState } from './rekognition-video';
import { transcribe } from './transcribe-runner';
import { isCancellation, polling } from './job-run';

/** A still image is its own single keyframe. */
const STILL_IMAGE: KeyframeSampling = { intervalSeconds: 1, maxFrames: 1 };
/** Image API calls in flight per analysis: the image APIs' TPS quota is per account, shared by every run. */
const IMAGE_CALLS_IN_FLIGHT = 4;
/** DetectFaces, and SearchFacesByImage when the frame shows a face and someone is enrolled. */
const FACE_IMAGE_CALLS_PER_FRAME = 2;

export interface AwsBackendDeps {
  rekognition: RekognitionClient;
  transcribe: TranscribeClient;
  settings: AwsBackendSettings;
  prices: PriceTable;
  /** Analyses that run on the worker itself (thumbnails, transcript moderation). */
  onWorker: Partial<Record<AnalysisKind, AnalysisRunner>>;
  /**
   * The tenants' enrolled people: the faces analysis searches a tenant's collection when it
   * holds anyone and names matches from these records. Absent, faces are detected, never searched.
   */
  knownPeople?: KnownPeople;
}

/**
 * What the aws backend runs and what each analysis costs a minute, at the configured prices.
 * With keyframe sampling, labels, moderation, celebrities and text are image calls: priced per
 * frame, and outside the video-job quota.
 */
export function awsCapabilities(prices: PriceTable, sampling?: KeyframeSampling, notifications?: AwsBackendSettings['notifications']): BackendCapabilities {
  // Jobs whose end the services announce: the workflow waits for the relay instead of an activity polling.
  const notified = (service: 'rekognition' | 'transcribe'): Pick<Capability & { available: true }, 'completion'> => {
    const on = service === 'rekognition' ? notifications?.rekognition !== undefined : notifications?.transcribe === true;
    return on && notifications ? { completion: { by: 'notification', safetyNetSeconds: notifications.safetyNetSeconds } } : {};
  };
  const rekognition = (feature: RekognitionFeature): Capability => ({
    available: true,
    usdPerMinute: prices.rekognitionPerMinute[feature],
    quota: 'rekognition-video',
    ...notified('rekognition'),
  });
  const sampled = (feature: RekognitionFeature): Capability =>
    sampling ? { available: true, usdPerMinute: (60 / sampling.intervalSeconds) * prices.rekognitionPerImage } : rekognition(feature);
  return {
    backend: 'aws',
    analyses: {
      transcript: { available: true, usdPerMinute: prices.transcribePerMinute, quota: 'transcribe', ...notified('transcribe') },
      shots: rekognition('SegmentDetection'),
      thumbnails: { available: true, usdPerMinute: 0 },
      visualModeration: sampled('ContentModeration'),
      audioModeration: { available: true, usdPerMinute: 0 },
      labels: sampled('LabelDetection'),
      celebrities: sampled('CelebrityRecognition'),
      text: sampled('TextDetection'),
      // Priced as a search: what a tenant with enrolled people runs (detection costs the same a minute).
      faces: sampling
        ? { available: true, usdPerMinute: (60 / sampling.intervalSeconds) * prices.rekognitionPerImage * FACE_IMAGE_CALLS_PER_FRAME }
        : rekognition('FaceSearch'),
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
  runners.faces = (run) => detectFaces(run, deps);
  return { capabilities: awsCapabilities(deps.prices, sampling, deps.settings.notifications), runners };
}

export type RunnerResult = Omit<AnalysisOutcome, 'kind'>;

/** What the faces analysis adds to a video job: the collection it searches, kept in the checkpoint too. */
interface FaceJob {
  search: FaceSearchContext;
}

async function detectInVideo(kind: AnalysisKind, feature: RekognitionFeature, run: AnalysisRun, deps: AwsBackendDeps, faceJob?: FaceJob): Promise<RunnerResult> {
  const { input, store, prefix, signal } = run;
  const { rekognition, settings } = deps;
  const channel = run.jobWaitTag ? settings.notifications?.rekognition : undefined;
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
          // A notified job carries the address of the wait its notification ends.
          jobTag: channel && run.jobWaitTag ? run.jobWaitTag : input.mediaId,
          ...(channel ? { notificationChannel: channel } : {}),
          minConfidence: settings.rekognitionMinConfidence,
          ...(feature === 'FaceSearch' && faceJob?.search.collectionId
            ? { faceSearch: { collectionId: faceJob.search.collectionId, faceMatchThreshold: faceJob.search.faceMatchThreshold } }
            : {}),
        },
        signal,
      ),
    check: (jobId) => videoJobState(rekognition, feature, jobId, signal, input.job?.tag),
    ...polling(run, settings),
    awaitNotification: channel !== undefined,
    heartbeat: (latest) => {
      checkpoint = latest;
      run.heartbeat(faceJob ? { ...latest, faceFeature: feature } : latest);
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
  const written = await writeVideoJobResults(
    { store, prefix, kind, signal, durationSeconds: input.media.durationSeconds, ...(faceJob ? { faceSearch: faceJob.search } : {}) },
    feature,
    job.jobId,
    videoJobPages(rekognition, feature, job.jobId, signal),
    (pages) => run.heartbeat({ ...checkpoint, resultPages: pages, ...(faceJob ? { faceFeature: feature } : {}) }),
  );
  const searched = feature === 'FaceSearch' ? ` (${feature} against ${faceJob?.search.names.size ?? 0} known people)` : '';
  return {
    status: 'succeeded',
    ref: written.ref,
    jobId: job.jobId,
    counts: { detections: written.items, pages: written.pages, polls: job.polls },
    summary: `${written.items} detections in ${written.pages} page(s) from job ${job.jobId}${searched}`,
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

/**
 * Faces, and which of the tenant's known people they are: a FaceSearch job against the
 * tenant's collection when anyone is enrolled in it, else a FaceDetection job; on keyframes
 * (sampling on, or a still image) DetectFaces and SearchFacesByImage per frame.
 */
async function detectFaces(run: AnalysisRun, deps: AwsBackendDeps): Promise<RunnerResult> {
  const search = await faceSearchContext(run, deps);
  const sampling = run.input.media.kind === 'image' ? STILL_IMAGE : deps.settings.keyframeSampling;
  if (sampling) return facesInKeyframes(sampling, search, run, deps);
  // A retried attempt keeps the job kind its first attempt started, whoever was enrolled since.
  // After a notification, the job is the one its notification named (a face search or a face detection).
  const resumeFrom = run.resumeFrom as { faceFeature?: unknown; api?: unknown } | undefined;
  const resumed = resumeFrom?.faceFeature ?? (typeof resumeFrom?.api === 'string' ? featureOfNotifiedApi(resumeFrom.api) : undefined);
  const feature: RekognitionFeature =
    resumed === 'FaceSearch' || resumed === 'FaceDetection' ? resumed : search.collectionId ? 'FaceSearch' : 'FaceDetection';
  return detectInVideo('faces', feature, run, deps, { search });
}

/** The tenant's collection and its people's names; no collection when nobody has a face in it. */
async function faceSearchContext({ input, signal }: AnalysisRun, deps: AwsBackendDeps): Promise<FaceSearchContext> {
  const people = (await deps.knownPeople?.list(input.tenant, signal)) ?? [];
  // People enrolled on the local backend have descriptors, not faces in the collection.
  const indexed = people.filter((person) => person.faces.some((face) => face.faceId));
  return {
    ...(indexed.length > 0 ? { collectionId: collectionIdFor(input.tenant) } : {}),
    names: new Map(indexed.map((person) => [person.personId, person.name])),
    faceMatchThreshold: deps.settings.faceMatchThreshold,
  };
}

async function facesInKeyframes(sampling: KeyframeSampling, search: FaceSearchContext, run: AnalysisRun, deps: AwsBackendDeps): Promise<RunnerResult> {
  const { input, mediaUrl, store, prefix, signal, heartbeat } = run;
  const collection = search.collectionId ? { collectionId: search.collectionId, faceMatchThreshold: search.faceMatchThreshold } : undefined;
  let done = 0;
  const frames = await withKeyframes(mediaUrl, input.media.durationSeconds, sampling, signal, (sampled) =>
    boundedMap(sampled, IMAGE_CALLS_IN_FLIGHT, async (frame) => {
      const faces = await detectFacesInFrame(deps.rekognition, { time: frame.time, jpeg: await readFile(frame.path) }, collection, signal);
      heartbeat({ keyframesDone: ++done, keyframes: sampled.length });
      return faces;
    }),
  );
  if (frames.length === 0) throw new MediaUnusableError('NoDecodableFrames', 'no keyframe of the picture could be decoded for DetectFaces');
  const searches = frames.filter((f) => f.searched).length;
  const feature = collection ? 'FaceSearch' : 'FaceDetection';
  const results = { items: frames.flatMap((f) => f.items as never[]), pages: frames.length };
  await store.putJson(`${prefix}rekognition/DetectFaces.json`, { frames: frames.length, searchedFrames: searches, ...results }, signal);
  const normalized: FacesOutput = facesOutput(feature, results, { ...search, faceMatchesMarkCompared: true });
  const ref = await store.putJson(`${prefix}faces.json`, normalized, signal);
  const matched = normalized.faces.filter((f) => f.match).length;
  return {
    status: 'succeeded',
    ref,
    counts: { detections: normalized.faces.length, matches: matched, keyframes: frames.length },
    summary: `${normalized.faces.length} faces on ${frames.length} sampled keyframe(s), ${matched} matched among ${normalized.knownPeopleSearched} known people`,
    cost: [rekognitionImageCost('DetectFaces', frames.length, deps.prices), ...(searches > 0 ? [rekognitionImageCost('SearchFacesByImage', searches, deps.prices)] : [])],
  };
}

/** Rekognition's ClientRequestToken: at most 64 characters of [a-zA-Z0-9-_]. */
function requestToken({ execution }: AnalysisRun, kind: AnalysisKind): string {
  return createHash('sha256').update(`${execution.workflowId}\n${execution.runId}\n${kind}`).digest('hex').slice(0, 64);
}
