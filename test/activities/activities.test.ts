import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { readFile } from 'node:fs/promises';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import type { TranscriptOutput, ShotsOutput } from '../../spine/branch-outputs';
import type { AnalysisInput, AnalysisOutcome, MediaSource, ProbeResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { createActivityDeps } from '../../worker/activity-deps';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { loadWorkerConfig } from '../../worker/config';
import { makeTextAsMp4 } from '../support/media-fixtures';

describe('activities with MockActivityEnvironment on generated media', () => {
  const config = loadWorkerConfig(process.env);
  let clients: AwsClients;
  let activities: ReelscopeActivities;
  let dir: string;

  async function upload(path: string, key: string): Promise<MediaSource> {
    const body = await readFile(path);
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body }));
    return { bucket: config.bucket, key, sizeBytes: body.length };
  }

  beforeAll(async () => {
    clients = createAwsClients(config.aws);
    activities = createActivities(createActivityDeps(config, clients, { error() {}, info() {} }));
    dir = await mkdtemp(join(tmpdir(), 'reelscope-act-'));
  });
  afterAll(() => {
    clients.destroy();
  });

  it('probes the sample clip: kind, duration, streams, title and location', async () => {
    // Arrange
    const source = await upload(await ensureSampleClip(join(dir, 'sample.mp4')), 'incoming/acme/probe.mp4');

    // Act
    const probe: ProbeResult = await new MockActivityEnvironment().run(activities.probeMedia, { mediaId: 'm1', tenant: 'acme', tier: 'standard', source });

    // Assert
    expect(probe.media).toMatchObject({
      kind: 'video',
      video: { codec: 'h264', width: 640, height: 360, framesPerSecond: 25 },
      audio: { codec: 'aac', channels: 1 },
      title: 'Sense and Sensibility (LibriVox excerpt)',
      location: { latitude: 48.8584, longitude: 2.2945 },
    });
    expect(probe.media.durationSeconds).toBeCloseTo(21.2, 0);
    expect(probe.capabilities.backend).toBe('local');
  });

  it('rejects a text file non-retryably with a stable type', async () => {
    // Arrange
    const source = await upload(await makeTextAsMp4(dir), 'incoming/acme/notes.mp4');

    // Act
    const probing = new MockActivityEnvironment().run(activities.probeMedia, { mediaId: 'm2', tenant: 'acme', tier: 'standard', source });

    // Assert
    await expect(probing).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(probing).rejects.toMatchObject({ type: 'UnrecognizedMedia', nonRetryable: true });
  });

  it('transcribes and finds shots, black and silence, writing outputs to the store', async () => {
    // Arrange
    const source = await upload(await ensureSampleClip(join(dir, 'sample.mp4')), 'incoming/acme/analyse.mp4');
    const { media }: ProbeResult = await new MockActivityEnvironment().run(activities.probeMedia, { mediaId: 'm3', tenant: 'acme', tier: 'standard', source });
    const input: AnalysisInput = { mediaId: 'm3', tenant: 'acme', source, media };
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));

    // Act
    const [transcript, shots] = (await Promise.all([
      env.run(activities.analyzeTranscript, input),
      new MockActivityEnvironment().run(activities.analyzeShots, input),
    ])) as [AnalysisOutcome, AnalysisOutcome];

    // Assert
    const deps = createActivityDeps(config, clients, { error() {}, info() {} });
    const text = (await deps.store.getJson<TranscriptOutput>(transcript.ref!)).text;
    expect(text).toMatch(/leisure|consider|selfish/);
    expect(heartbeats.length).toBeGreaterThan(0);
    const cues = await deps.store.getJson<ShotsOutput>(shots.ref!);
    expect(cues.sceneCuts).toEqual(expect.arrayContaining([6, 10, 12, 17]));
    expect(cues.blackSegments).toEqual([{ start: 10, end: 12 }]);
    expect(cues.silences.some((s) => s.start > 14 && s.end < 19)).toBe(true);
    expect(cues.loudness?.integratedLufs).toBeLessThan(0);
  });
});
