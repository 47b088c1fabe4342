import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Report } from '../../report/report-schema';
import type { LabelsOutput, TranscriptOutput } from '../../spine/branch-outputs';
import { MediaRecords } from '../../storage/media-records';
import { ObjectStore } from '../../storage/object-store';
import type { AnalysisOutcome, AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../intake/start-analysis';
import { progressQuery } from '../../workflows/messages';
import { announcementOf } from '../support/announcements';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { makeImage } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const REKOGNITION_QUOTA = 3;
const REKOGNITION_STARTS = [
  'StartLabelDetection',
  'StartContentModeration',
  'StartCelebrityRecognition',
  'StartTextDetection',
  'StartSegmentDetection',
] as const;

/**
 * Worker settings that make the fake's jobs quick to poll and a stuck job quick to give up
 * on, yet leave room for polls slowed by the SDK's backoff under 50% throttling.
 */
function awsEnv(fake: FakeAws): Record<string, string> {
  return awsBackendEnv(fake, {
    REELSCOPE_JOB_DEADLINE_BASE_SECONDS: '15',
    REELSCOPE_JOB_DEADLINE_PER_MEDIA_SECOND: '0',
    REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '40',
    // Below the 5 Rekognition jobs of one video, so every test exercises the queue.
    REELSCOPE_QUOTA_REKOGNITION_VIDEO: String(REKOGNITION_QUOTA),
  });
}

describe('analyzeMedia on the aws backend (real SDK clients against the fake AWS, s3rver, dynalite, dev server)', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let clip: string;
  let store: ObjectStore;
  let records: MediaRecords;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle, {}, (d) => d, awsEnv(fake));
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-aws-')), 'sample.mp4'));
    store = new ObjectStore(harness.clients.s3, harness.config.bucket);
    records = new MediaRecords(harness.clients.doc, harness.config.tables);
  });
  beforeEach(() => {
    fake.reset();
    fake.config.mediaDurationSeconds = () => 21;
  });
  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  /** Uploads media (the sample clip unless given) and analyses it on a worker (the suite's unless given). */
  async function analyse(
    name: string,
    worker: TestWorker = harness,
    media: string = clip,
  ): Promise<{ result: AnalyzeMediaResult; byKind: Record<string, AnalysisOutcome>; mediaId: string; workflowId: string }> {
    const input = await worker.upload(media, { name });
    const { workflowId } = await startAnalysis(worker.client, worker.taskQueue, input);
    const result = (await worker.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    return { result, byKind: Object.fromEntries(result.outcomes.map((o) => [o.kind, o])), mediaId: input.mediaId, workflowId };
  }

  it('runs every analysis as one service job each, with cost and speakers in record and report', async () => {
    // Act
    const { result, byKind, mediaId, workflowId } = await analyse('aws.mp4');

    // Assert
    expect(result.status).toBe('COMPLETED');
    for (const kind of ['transcript', 'shots', 'thumbnails', 'visualModeration', 'audioModeration', 'labels', 'celebrities', 'text']) {
      expect(byKind[kind]).toMatchObject({ status: 'succeeded' });
    }
    for (const operation of [...REKOGNITION_STARTS, 'StartTranscriptionJob']) {
      expect(fake.counters.starts(operation)).toBe(1);
    }
    expect(byKind['labels']?.jobId).toEqual(expect.any(String));
    const { jobs } = await harness.client.workflow.getHandle(workflowId).query(progressQuery);
    expect(jobs).toMatchObject({ labels: byKind['labels']?.jobId, transcript: byKind['transcript']?.jobId });
    expect(byKind['labels']?.cost).toEqual([expect.objectContaining({ service: 'rekognition', item: 'LabelDetection', unit: 'video-minute' })]);
    // Billed by the second, rounded up: the clip is 21.2 s long.
    expect(byKind['transcript']?.cost).toEqual([expect.objectContaining({ service: 'transcribe', unit: 'audio-second', quantity: 22 })]);

    const transcript = await store.getJson<TranscriptOutput>(byKind['transcript']!.ref!);
    expect(transcript.engine).toBe('amazon-transcribe');
    expect(new Set(transcript.segments.map((s) => s.speaker)).size).toBe(2);
    // Subtitles cued by reelscope beside the transcript, as on the local backend, not Transcribe's own.
    const vttRef = byKind['transcript']?.files?.['subtitles.vtt'];
    expect(vttRef).toBe(byKind['transcript']?.ref?.replace(/transcript\.json$/, 'subtitles.vtt'));
    expect(byKind['transcript']?.files?.['subtitles.srt']).toBe(byKind['transcript']?.ref?.replace(/transcript\.json$/, 'subtitles.srt'));
    const vtt = (await store.getBytes(vttRef!)).toString();
    const cues = vtt.split('\n\n').slice(1);
    expect(cues).toHaveLength(byKind['transcript']?.counts?.['subtitleCues'] ?? -1);
    // Every word of a speaker's turn is in a cue of its own: the two speakers' words never share one.
    const turns = transcript.segments.reduce<{ speaker?: string; text: string }[]>((all, s) => {
      const last = all[all.length - 1];
      if (last && last.speaker === s.speaker) last.text += ` ${s.text}`;
      else all.push({ speaker: s.speaker, text: s.text });
      return all;
    }, []);
    for (const cue of cues) {
      const text = cue.trim().split('\n').slice(2).join(' ');
      expect(turns.some((turn) => turn.text.includes(text))).toBe(true);
    }

    const report = await store.getJson<Report>(result.report!.jsonRef);
    expect(report.cost?.totalUsd).toBeGreaterThan(0);
    expect(report.subtitles).toEqual({ vtt: vttRef, srt: byKind['transcript']?.files?.['subtitles.srt'], cues: cues.length });
    expect(report.generatedBy).toMatch(/^amazon-bedrock /);
    expect(report.cost?.lines.map((l) => l.service)).toEqual(expect.arrayContaining(['rekognition', 'transcribe', 'bedrock']));
    // Rekognition Video moderates the whole video: the picture is covered, so no picture gap.
    expect(report.moderation.coverage.picture).toMatchObject({ start: 0, end: expect.any(Number) });
    expect(report.moderation.coverage.gaps.filter((gap) => /picture/.test(gap))).toEqual([]);
    expect(fake.counters.converse.calls).toBe(1);
    const record = await records.get(mediaId);
    expect(record).toMatchObject({ status: 'COMPLETED', cost: { totalUsd: report.cost?.totalUsd } });
    // Announced once on the deployment's bus, after the record was written, keyed by the run.
    const { runId } = await harness.client.workflow.getHandle(workflowId).describe();
    expect(await announcementOf(harness.client, { mediaId, runId }, 'completed')).toMatchObject({ published: true });
    expect(fake.events()).toEqual([
      expect.objectContaining({
        eventBusName: 'reelscope',
        source: 'reelscope',
        detailType: 'Media Analysis Completed',
        detail: expect.objectContaining({
          eventId: `${runId}/completed`,
          mediaId,
          tenant: 'acme',
          status: 'COMPLETED',
          verdict: result.report?.verdict,
          report: { jsonRef: result.report?.jsonRef, htmlRef: result.report?.htmlRef },
        }),
      }),
    ]);
  });

  it('completes with half of all AWS calls throttled', async () => {
    // Arrange
    fake.config.throttleRate = 0.5;

    // Act
    const { result, byKind, workflowId, mediaId } = await analyse('throttled.mp4');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(Object.values(byKind).filter((o) => o.status !== 'succeeded')).toEqual([]);
    expect(fake.counters.injectedErrors('throttling')).toBeGreaterThan(5);
    for (const operation of REKOGNITION_STARTS) expect(fake.counters.jobsStarted(operation)).toBe(1);
    // A throttled PutEvents is retried until the bus takes it (the fake refuses before accepting, so once).
    const { runId } = await harness.client.workflow.getHandle(workflowId).describe();
    expect(await announcementOf(harness.client, { mediaId, runId }, 'completed')).toMatchObject({ published: true });
    expect(fake.events().map((e) => e.detailType)).toEqual(['Media Analysis Completed']);
  });

  it('records a FAILED job as a failed optional branch and still completes', async () => {
    // Arrange
    fake.config.failJobs = new Set(['CelebrityRecognition']);

    // Act
    const { result, byKind, mediaId } = await analyse('failed-job.mp4');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(byKind['celebrities']).toMatchObject({ status: 'failed', failureType: 'AnalysisJobFailed' });
    expect(fake.counters.starts('StartCelebrityRecognition')).toBe(1);
    const report = await store.getJson<Report>(result.report!.jsonRef);
    expect(report.missing).toEqual(expect.arrayContaining([expect.objectContaining({ analysis: 'celebrities', status: 'failed' })]));
    expect(await records.get(mediaId)).toMatchObject({ outcomes: expect.arrayContaining([expect.objectContaining({ kind: 'celebrities', status: 'failed' })]) });
  });

  it('falls back to the extractive report when the model answers outside the schema twice, and says so', async () => {
    // Arrange
    fake.config.malformedModelResponses = 2;

    // Act
    const { result } = await analyse('bad-model.mp4');

    // Assert
    expect(result.status).toBe('COMPLETED');
    const report = await store.getJson<Report>(result.report!.jsonRef);
    expect(report.generatedBy).toBe('reelscope-extractive-1');
    expect(report.missing).toEqual(expect.arrayContaining([expect.objectContaining({ analysis: 'modelReport', status: 'failed' })]));
    expect(result.report?.cost).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'bedrock', unit: 'input-token' })]));
  });

  it('repairs one malformed model answer', async () => {
    // Arrange
    fake.config.malformedModelResponses = 1;

    // Act
    const { result } = await analyse('repaired-model.mp4');

    // Assert
    const report = await store.getJson<Report>(result.report!.jsonRef);
    expect(report.generatedBy).toMatch(/^amazon-bedrock /);
    expect(fake.counters.converse.calls).toBe(2);
  });

  it('sends Transcribe an extracted audio track when the container is one it cannot read', async () => {
    // Arrange: note what each transcription job was given (and let it succeed).
    const transcribed: string[] = [];
    fake.config.failJobs = (job) => {
      if (job.family === 'Transcription') transcribed.push(`s3://${job.bucket}/${job.key}`);
      return false;
    };

    // Act: the same clip, uploaded as .mkv.
    const { result, byKind } = await analyse('clip.mkv');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(byKind['transcript']?.status).toBe('succeeded');
    expect(transcribed).toEqual([expect.stringMatching(/^s3:\/\/reelscope-test\/results\/acme\/.+\/audio-track\.flac$/)]);
    const track = await store.getBytes(transcribed[0] as string);
    expect(track.subarray(0, 4).toString('latin1')).toBe('fLaC');
  });

  it('gives up on a stuck job at its deadline, records it, and completes the rest', async () => {
    // Arrange
    fake.config.stuckJobs = new Set(['TextDetection']);

    // Act
    const { result, byKind } = await analyse('stuck-job.mp4');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(byKind['text']).toMatchObject({ status: 'failed', failureType: 'AnalysisJobTimedOut' });
    expect(fake.counters.starts('StartTextDetection')).toBe(1);
  });

  it('with keyframe sampling, runs labels, moderation, celebrities and text as image calls on the keyframes, priced per image, each frame once under throttling', async () => {
    // Arrange: the clip's keyframes are at 0, 6, 12 and 17 s; 5 s slots hold one each. A
    // throttled frame is retried on its own: calls the service answered stay one per frame.
    fake.config.throttleRate = 0.5;
    const sampling = await startTestWorker(bundle, {}, (d) => d, { ...awsEnv(fake), REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '5' });
    try {
      // Act
      const { result, byKind } = await analyse('keyframes.mp4', sampling);

      // Assert
      expect(result.status).toBe('COMPLETED');
      for (const kind of ['labels', 'visualModeration', 'celebrities', 'text']) {
        expect(byKind[kind]).toMatchObject({ status: 'succeeded', counts: { keyframes: 4 } });
      }
      expect(byKind['labels']?.cost).toEqual([{ service: 'rekognition', item: 'DetectLabels', unit: 'image', quantity: 4, usd: 0.004 }]);
      for (const operation of ['DetectLabels', 'DetectModerationLabels', 'RecognizeCelebrities', 'DetectText']) {
        expect(fake.counters.calls(operation)).toBe(4);
      }
      // Only shots (segment detection has no image API) and the transcript remain jobs.
      expect(fake.counters.starts()).toBe(2);
      expect(fake.counters.starts('StartSegmentDetection')).toBe(1);
      const labels = await store.getJson<LabelsOutput>(byKind['labels']!.ref!);
      expect(labels.detections.length).toBeGreaterThanOrEqual(4);
      expect(new Set(labels.detections.map((d) => d.time))).toEqual(new Set([0, 6, 12, 17]));
    } finally {
      await sampling.stop();
    }
  });

  it('analyses a still image with the image APIs and skips shots, which has only a video API, with the reason', async () => {
    // Arrange
    const still = await makeImage(await mkdtemp(join(tmpdir(), 'reelscope-still-')));
    const images = await startTestWorker(bundle, {}, (d) => d, { ...awsEnv(fake), REELSCOPE_ACCEPTED_KINDS: 'video,image' });
    try {
      // Act
      const { result, byKind } = await analyse('still.jpg', images, still);

      // Assert
      expect(result.status).toBe('COMPLETED');
      for (const kind of ['labels', 'visualModeration', 'celebrities', 'text']) {
        expect(byKind[kind]).toMatchObject({ status: 'succeeded', counts: { keyframes: 1 } });
      }
      expect(byKind['shots']).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/does not read still images/) });
      expect(fake.counters.calls('DetectLabels')).toBe(1);
      expect(fake.counters.starts()).toBe(0);
    } finally {
      await images.stop();
    }
  });

  it('queues more concurrent videos than the Rekognition quota allows: all complete, never more jobs than the quota', async () => {
    // Arrange: the fake enforces the same quota as the service would.
    fake.config.concurrentJobLimit.rekognition = REKOGNITION_QUOTA;
    for (const family of ['LabelDetection', 'ContentModeration', 'CelebrityRecognition', 'TextDetection', 'SegmentDetection'] as const) {
      fake.config.jobDurationMs[family] = 800;
    }

    // Act: 4 videos x 5 Rekognition jobs against a quota of 3.
    const runs = await Promise.all([1, 2, 3, 4].map((n) => analyse(`burst-${n}.mp4`)));

    // Assert
    for (const { result, byKind } of runs) {
      expect(result.status).toBe('COMPLETED');
      expect(Object.values(byKind).filter((o) => o.status !== 'succeeded')).toEqual([]);
    }
    expect(fake.counters.jobsStarted('StartLabelDetection')).toBe(4);
    expect(fake.counters.peakConcurrentJobs('rekognition')).toBe(REKOGNITION_QUOTA);
    expect(fake.counters.injectedErrors('limit')).toBe(0);
  });
});
