import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import { KnownPeople, KnownPersonRefusedError, type KnownPerson } from '../../backends/known-people';
import { createLocalBackend } from '../../backends/local/local-backend';
import { createLocalFaceEnroller, FACE_MATCH_THRESHOLD, FACE_MIN_CONFIDENCE } from '../../backends/local/local-faces';
import { OBJECT_MIN_CONFIDENCE } from '../../backends/local/local-objects';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import type { AnalysisInput, AnalysisOutcome, ProbeResult } from '../../common/types';
import type { FacesOutput, LabelsOutput } from '../../spine/branch-outputs';
import type { ObjectStore } from '../../storage/object-store';
import { createActivityDeps } from '../../worker/activity-deps';
import { loadWorkerConfig } from '../../worker/config';
import { facelessPhoto, photoClip, samplePhoto } from '../support/face-fixtures';

const TENANT = 'vision-local';

/**
 * The local backend's labels and faces analyses through their activities: real ffmpeg
 * keyframes of a clip cut from real photographs, Human's models from the models package, the
 * tenant's known people and the outputs in the local S3.
 */
describe('objects and faces on the local backend (@vladmandic/human)', () => {
  const config = loadWorkerConfig({ ...process.env, REELSCOPE_BACKEND: 'local' });
  let clients: AwsClients;
  let activities: ReelscopeActivities;
  let store: ObjectStore;
  let knownPeople: KnownPeople;
  let dir: string;
  let clip: AnalysisInput;

  async function probed(path: string, mediaId: string): Promise<AnalysisInput> {
    const body = await readFile(path);
    const key = `incoming/${TENANT}/${mediaId}.mp4`;
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body }));
    const source = { bucket: config.bucket, key, sizeBytes: body.length };
    const { media }: ProbeResult = await new MockActivityEnvironment().run(activities.probeMedia, { mediaId, tenant: TENANT, tier: 'standard', source });
    return { mediaId, tenant: TENANT, source, media };
  }

  beforeAll(async () => {
    clients = createAwsClients(config.aws);
    const deps = createActivityDeps(config, clients, { error() {}, info() {} });
    store = deps.store;
    knownPeople = new KnownPeople(store, createLocalFaceEnroller());
    activities = createActivities({ ...deps, backend: createLocalBackend(config.analysis, knownPeople) });
    dir = await mkdtemp(join(tmpdir(), 'reelscope-local-vision-'));
    // Shots of 2 s: the diner at 0 s, the portrait at 2 s, an empty grey frame at 4 s.
    clip = await probed(await photoClip(join(dir, 'photos.mp4'), ['diner', 'portrait', 'grey']), 'vision-photos');
  });
  afterAll(() => {
    clients.destroy();
  });

  it('finds COCO objects at the keyframes that show them, as labels', async () => {
    // Act
    const outcome: AnalysisOutcome = await new MockActivityEnvironment().run(activities.analyzeLabels, clip);

    // Assert
    expect(outcome).toMatchObject({ kind: 'labels', status: 'succeeded', counts: { keyframes: 3 } });
    const output = await store.getJson<LabelsOutput>(outcome.ref!);
    expect(output.model).toMatch(/^@vladmandic\/human \d+\.\d+\.\d+ centernet \(COCO\), models \d+\.\d+\.\d+$/);
    const at = (time: number) => output.detections.filter((d) => d.time === time).map((d) => d.name);
    expect(at(0)).toEqual(expect.arrayContaining(['Person', 'Cup']));
    expect(at(2)).toContain('Person');
    expect(at(4)).toEqual([]);
    for (const detection of output.detections) {
      expect(detection.confidence).toBeGreaterThanOrEqual(OBJECT_MIN_CONFIDENCE);
      expect(detection.confidence).toBeLessThanOrEqual(1);
      expect(detection).toMatchObject({ parents: [], categories: [] });
    }
    // One detection per class per keyframe.
    const keys = output.detections.map((d) => `${d.time} ${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(outcome.summary).toMatch(/^\d+ object detections \(\d+ distinct\) on 3 keyframes, 0\.0–4\.0 s$/);
  });

  it('names the enrolled person where their face is, and leaves a stranger unnamed', async () => {
    // Arrange: the diner enrolled from a photo of him, three times the size he is on the sheet.
    const photo = await readFile(await samplePhoto(join(dir, 'diner.png'), 'diner'));
    const person: KnownPerson = await knownPeople.index(TENANT, 'Marco Diner', photo);

    // Act
    const outcome: AnalysisOutcome = await new MockActivityEnvironment().run(activities.analyzeFaces, clip);

    // Assert
    expect(person.faces).toEqual([expect.objectContaining({ photoSha256: expect.stringMatching(/^[0-9a-f]{64}$/), confidence: expect.any(Number) })]);
    expect(person.faces[0]?.descriptor).toHaveLength(1024);
    expect(person.faces[0]?.faceId).toBeUndefined();
    expect(outcome).toMatchObject({ kind: 'faces', status: 'succeeded', counts: { faces: 2, matchedFaces: 1, knownPeopleSearched: 1, keyframes: 3 } });
    const output = await store.getJson<FacesOutput>(outcome.ref!);
    expect(output).toMatchObject({ knownPeopleSearched: 1, matchThreshold: FACE_MATCH_THRESHOLD });
    expect(output.faces.map((f) => f.time)).toEqual([0, 2]);
    const [diner, stranger] = output.faces;
    expect(diner?.match).toEqual({ personId: person.personId, name: 'Marco Diner', similarity: expect.any(Number) });
    expect(diner?.match?.similarity).toBeGreaterThanOrEqual(FACE_MATCH_THRESHOLD);
    expect(stranger?.match).toBeUndefined();
    for (const face of output.faces) {
      expect(face.confidence).toBeGreaterThanOrEqual(FACE_MIN_CONFIDENCE);
      // Inside the letterboxed photo, in its upper half, where the heads are.
      const box = face.box!;
      expect(box.left).toBeGreaterThan(0.2);
      expect(box.left + box.width).toBeLessThan(0.8);
      expect(box.top + box.height / 2).toBeLessThan(0.5);
      expect(box.width).toBeGreaterThan(0.05);
    }
    expect(outcome.summary).toBe('2 faces on 3 keyframes, 0.0–4.0 s, 1 matched 1 known person (Marco Diner)');
  });

  it('refuses an enrolment photo with no face, with several, or that is no image, storing nothing', async () => {
    // Arrange
    const noFace = await readFile(await facelessPhoto(join(dir, 'fractal.png')));
    const group = await readFile(await samplePhoto(join(dir, 'group.png'), 'group'));
    const before = (await knownPeople.list(TENANT)).length;

    // Act
    const refusals: unknown[] = [];
    for (const photo of [noFace, group, Buffer.from('not an image at all')]) {
      refusals.push(await knownPeople.index(TENANT, 'Nobody Here', photo).catch((err: unknown) => err));
    }

    // Assert
    expect(refusals.every((r) => r instanceof KnownPersonRefusedError)).toBe(true);
    expect((refusals[0] as Error).message).toBe('no face was found on the photo');
    expect((refusals[1] as Error).message).toMatch(/^the photo shows \d+ faces; enrol a photo of the person alone$/);
    expect((refusals[2] as Error).message).toBe('the photo must be a JPEG or PNG image');
    expect(await knownPeople.list(TENANT)).toHaveLength(before);
  });

  it('stops between keyframes when the analysis is cancelled, reported as a cancellation', async () => {
    // Arrange: a dozen keyframes, far more than are looked at before the cancel.
    const input = await probed(await photoClip(join(dir, 'long.mp4'), Array.from({ length: 12 }, () => 'diner' as const)), 'vision-cancel');
    const env = new MockActivityEnvironment();
    const seen: number[] = [];
    env.on('heartbeat', (details: unknown) => {
      const done = (details as { keyframesDone?: number } | undefined)?.keyframesDone;
      if (done !== undefined) seen.push(done);
      if (done === 1) env.cancel();
    });

    // Act
    const ending = await env.run(activities.analyzeFaces, input).then(
      () => undefined,
      (err: unknown) => err,
    );

    // Assert
    expect(ending).toBeInstanceOf(CancelledFailure);
    expect(Math.max(...seen)).toBe(1);
  });
});
