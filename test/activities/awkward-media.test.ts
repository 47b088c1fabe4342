import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import type { AudioModerationOutput, ShotsOutput, ThumbnailsOutput, VisualModerationOutput } from '../../spine/branch-outputs';
import type { ObjectStore } from '../../storage/object-store';
import type { AnalysisInput, AnalysisOutcome, ProbeResult } from '../../common/types';
import { createActivityDeps } from '../../worker/activity-deps';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config';
import { makeAudioOnly, makeDamagedMp4, makeImage, makeSingleFrameVideo, makeUndecodableVideo } from '../support/media-fixtures';

/**
 * Media that probes fine but is awkward to analyse: a still, a one-frame video, audio only,
 * a damaged and an undecodable file. Each analysis must say what it checked, or fail
 * non-retryably when it could check nothing; none may succeed having looked at nothing.
 */
describe('analyses of awkward media state what they checked', () => {
  const base = loadWorkerConfig(process.env);
  const config: WorkerConfig = { ...base, analysis: { ...base.analysis, acceptedKinds: ['video', 'audio', 'image'] } };
  let clients: AwsClients;
  let activities: ReelscopeActivities;
  let store: ObjectStore;
  let dir: string;

  /** Uploads a generated file and probes it, as the workflow would before analysing. */
  async function probed(path: string, mediaId: string): Promise<AnalysisInput> {
    const body = await readFile(path);
    const key = `incoming/acme/${mediaId}-${path.split('/').pop()}`;
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body }));
    const source = { bucket: config.bucket, key, sizeBytes: body.length };
    const { media }: ProbeResult = await new MockActivityEnvironment().run(activities.probeMedia, { mediaId, tenant: 'acme', tier: 'standard', source });
    return { mediaId, tenant: 'acme', source, media };
  }

  type Analysis = (input: AnalysisInput) => Promise<AnalysisOutcome>;
  const run = (activity: Analysis, input: AnalysisInput): Promise<AnalysisOutcome> =>
    new MockActivityEnvironment().run<[AnalysisInput], AnalysisOutcome, Analysis>(activity, input);

  beforeAll(async () => {
    clients = createAwsClients(config.aws);
    const deps = createActivityDeps(config, clients, { error() {}, info() {} });
    activities = createActivities(deps);
    store = deps.store;
    dir = await mkdtemp(join(tmpdir(), 'reelscope-awkward-act-'));
  });
  afterAll(() => {
    clients.destroy();
  });

  it('visual moderation checks the first frame of a still PNG and of a one-frame video, and says so', async () => {
    // Arrange
    const still = await probed(await makeImage(dir, { format: 'png', size: '640x480' }), 'still-png');
    const oneFrame = await probed(await makeSingleFrameVideo(dir), 'one-frame');

    // Act
    const outcomes = [await run(activities.analyzeVisualModeration, still), await run(activities.analyzeVisualModeration, oneFrame)];

    // Assert
    expect(still.media.kind).toBe('image');
    expect(oneFrame.media.kind).toBe('video');
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'succeeded', counts: { frames: 1 } });
      expect(outcome.summary).toMatch(/^1 frame classified/);
      const output = await store.getJson<VisualModerationOutput>(outcome.ref!);
      expect(output.samples).toHaveLength(1);
      expect(output.coverage).toMatchObject({ frames: 1, start: 0 });
    }
    expect(outcomes[0]?.summary).toMatch(/the still image/);
  });

  it('thumbnails of a one-frame video take the poster from its only frame', async () => {
    // Arrange
    const input = await probed(await makeSingleFrameVideo(dir), 'one-frame-thumbs');

    // Act
    const outcome = await run(activities.analyzeThumbnails, input);

    // Assert
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { keyframes: 1 } });
    const output = await store.getJson<ThumbnailsOutput>(outcome.ref!);
    expect(output.poster.time).toBe(0);
    expect((await store.getBytes(output.poster.ref)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('thumbnails and visual moderation of a video with no decodable frame fail non-retryably as NoDecodableFrames', async () => {
    // Arrange
    const input = await probed(await makeUndecodableVideo(dir), 'undecodable');

    // Act: both at once, each failure caught as it comes (one settles while the other runs)
    const failures = await Promise.all(
      [run(activities.analyzeThumbnails, input), run(activities.analyzeVisualModeration, input)].map((attempt) => attempt.then(() => undefined, (err: unknown) => err)),
    );

    // Assert
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'NoDecodableFrames', nonRetryable: true });
    }
  });

  it('the shots pass over a damaged MP4 records where it is damaged and how much', async () => {
    // Arrange
    const input = await probed(await makeDamagedMp4(dir), 'damaged');

    // Act
    const outcome = await run(activities.analyzeShots, input);

    // Assert
    expect(outcome.status).toBe('succeeded');
    const { damage } = await store.getJson<ShotsOutput>(outcome.ref!);
    expect(damage).toBeDefined();
    expect(damage!.videoErrors).toBeGreaterThan(0);
    expect(damage!.audioErrors).toBeGreaterThan(0);
    expect(damage!.decodeErrors).toBe(damage!.videoErrors + damage!.audioErrors);
    // The zeroed block sits in the middle of the 6 s file: the damage starts there, not at 0.
    expect(damage!.start).toBeGreaterThanOrEqual(1);
    expect(damage!.start).toBeLessThanOrEqual(3.5);
    expect(damage!.end).toBeLessThanOrEqual(6);
    expect(outcome.counts?.['decodeErrors']).toBe(damage!.decodeErrors);
    expect(outcome.summary).toMatch(/damaged: \d+ decode errors \(\d+ video, \d+ audio\) between \d\.\d s and \d\.\d s/);
  });

  it('audio-only media gets audio cues, not shots, and its transcript and audio moderation say how much audio they covered', async () => {
    // Arrange
    const input = await probed(await makeAudioOnly(dir), 'audio-only');

    // Act
    const shots = await run(activities.analyzeShots, input);
    const transcript = await run(activities.analyzeTranscript, input);
    const audioModeration = await run(activities.analyzeAudioModeration, { ...input, transcriptRef: transcript.ref! });

    // Assert
    expect(shots.status).toBe('succeeded');
    expect(shots.summary).not.toMatch(/shot/);
    expect(shots.counts).not.toHaveProperty('shots');
    expect((await store.getJson<ShotsOutput>(shots.ref!)).shots).toEqual([]);
    expect(transcript.counts?.['audioSeconds']).toBeCloseTo(3, 0);
    expect(transcript.summary).toMatch(/from 3\.\d s of audio/);
    const checked = await store.getJson<AudioModerationOutput>(audioModeration.ref!);
    expect(checked.coverage?.audioSeconds).toBeCloseTo(3, 0);
    expect(audioModeration.summary).toMatch(/from 3\.\d s of audio/);
  });

  it('a still image has no shots to detect', async () => {
    // Arrange
    const input = await probed(await makeImage(dir, { format: 'png', size: '640x480' }), 'still-shots');

    // Act
    const outcome = await run(activities.analyzeShots, input);

    // Assert
    expect(outcome).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/still image/) });
  });
});
