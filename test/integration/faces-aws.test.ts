import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeCollectionCommand, ListFacesCommand } from '@aws-sdk/client-rekognition';
import type { WorkflowBundle } from '@temporalio/worker';
import { openCliContext, type CliContext } from '../../cli/cli-context';
import { createProgram } from '../../cli/program';
import type { AnalysisOutcome, AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import type { Report } from '../../report/report-schema';
import type { FacesOutput } from '../../spine/branch-outputs';
import type { Spine } from '../../spine/spine';
import { ObjectStore } from '../../storage/object-store';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/** The spine sits beside the report, in the run's results prefix. */
const spineRef = (result: AnalyzeMediaResult) => result.report!.jsonRef.replace(/report\.json$/, 'spine.json');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A small JPEG of one colour: different colours, different bytes, so the fake can script each photo. */
async function photo(dir: string, colour: string): Promise<string> {
  const path = join(dir, `${colour}.jpg`);
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:size=160x160`, '-frames:v', '1', path]);
  return path;
}

/**
 * Known people on the aws backend, end to end: enrolled through the CLI into the fake's
 * Rekognition collection, searched for by the faces analysis of a real worker on the dev
 * server, and named with their time ranges in the spine and the report.
 */
describe('faces and known people on the aws backend (CLI, worker, fake AWS, dev server)', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let store: ObjectStore;
  let dir: string;
  let clip: string;
  let env: NodeJS.ProcessEnv;
  let context: (CliContext & { close(): Promise<void> }) | undefined;
  const photos: Record<'ada' | 'pair' | 'nobody', string> = { ada: '', pair: '', nobody: '' };

  async function cli(...args: string[]): Promise<string> {
    const lines: string[] = [];
    const program = createProgram({ context: async () => (context ??= await openCliContext(env)), print: (text) => lines.push(text), interactive: false, env });
    program.exitOverride().configureOutput({ writeErr: (text) => lines.push(text), writeOut: (text) => lines.push(text) });
    await program.parseAsync(['node', 'reelscope', ...args]);
    return lines.join('\n');
  }
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await cli('--json', ...args)) as T;

  async function analyse(tenant: string, worker: TestWorker = harness, media: string = clip): Promise<{ result: AnalyzeMediaResult; faces: AnalysisOutcome }> {
    const input = await worker.upload(media, { tenant, name: 'faces.mp4' });
    const { workflowId } = await startAnalysis(worker.client, worker.taskQueue, input);
    const result = (await worker.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    const faces = result.outcomes.find((o) => o.kind === 'faces');
    if (!faces) throw new Error(`no faces outcome in ${JSON.stringify(result.outcomes.map((o) => o.kind))}`);
    return { result, faces };
  }

  const collectionFaces = async (tenant: string) =>
    (await harness.clients.rekognition.send(new ListFacesCommand({ CollectionId: `reelscope-${tenant}` }))).Faces ?? [];

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    bundle = await bundleWorkflows();
    const workerEnv = awsBackendEnv(fake, { REELSCOPE_JOB_DEADLINE_BASE_SECONDS: '30', REELSCOPE_FACE_MATCH_THRESHOLD: '85' });
    harness = await startTestWorker(bundle, {}, (d) => d, workerEnv);
    env = { ...process.env, ...workerEnv, REELSCOPE_TASK_QUEUE: harness.taskQueue };
    store = new ObjectStore(harness.clients.s3, harness.config.bucket);
    dir = await mkdtemp(join(tmpdir(), 'reelscope-faces-'));
    clip = await makeVideoClip(dir, { seconds: 3, name: 'faces.mp4' });
    photos.ada = await photo(dir, 'red');
    photos.pair = await photo(dir, 'green');
    photos.nobody = await photo(dir, 'blue');
  });
  beforeEach(async () => {
    fake.reset();
    fake.config.mediaDurationSeconds = () => 20;
    const scripted = new Map([
      [sha(await readFile(photos.ada)), [{ person: 'ada' }]],
      [sha(await readFile(photos.pair)), [{ person: 'ada' }, { person: 'friend' }]],
      [sha(await readFile(photos.nobody)), []],
    ]);
    fake.config.imageFaces = (hash) => scripted.get(hash);
  });
  afterAll(async () => {
    await context?.close();
    await harness?.stop();
    await fake?.close();
  });

  it('without enrolled people runs a FaceDetection job, and says nothing was compared', async () => {
    // Act
    const { result, faces } = await analyse('faces-none');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(faces).toMatchObject({ status: 'succeeded', cost: [expect.objectContaining({ item: 'FaceDetection', unit: 'video-minute' })] });
    expect(fake.counters.jobsStarted('StartFaceDetection')).toBe(1);
    expect(fake.counters.starts('StartFaceSearch')).toBe(0);
    const output = await store.getJson<FacesOutput>(faces.ref!);
    expect(output.knownPeopleSearched).toBe(0);
    expect(output.faces).toHaveLength(12);
    expect(output.faces.every((f) => !f.match && f.confidence > 0.9 && f.box)).toBe(true);
    const spine = await store.getJson<Spine>(spineRef(result));
    expect(spine.faces).toMatchObject({ faceCount: 12, knownPeopleSearched: 0, knownPeople: [] });
  });

  it('enrols a person through the CLI, and the analysis names them with their time ranges in spine and report', async () => {
    // Arrange
    const enrolled = await json<{ personId: string; name: string; faces: number }>('people', 'add', photos.ada, '--name', 'Ada Lovelace', '--tenant', 'faces');
    fake.config.videoFaces = () => [
      { person: 'ada', start: 2, end: 7 },
      { person: 'stranger', start: 5, end: 9 },
      { person: 'ada', start: 15, end: 17 },
    ];

    // Act
    const listed = await cli('people', 'list', '--tenant', 'faces');
    const { result, faces } = await analyse('faces');

    // Assert
    expect(enrolled).toMatchObject({ personId: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Ada Lovelace', faces: 1 });
    expect(listed).toContain(`${enrolled.personId}  Ada Lovelace  1 face`);
    expect((await collectionFaces('faces')).map((f) => f.ExternalImageId)).toEqual([enrolled.personId]);
    expect(result.status).toBe('COMPLETED');
    expect(fake.counters.jobsStarted('StartFaceSearch')).toBe(1);
    expect(fake.counters.starts('StartFaceDetection')).toBe(0);
    expect(faces.cost).toEqual([expect.objectContaining({ item: 'FaceSearch', unit: 'video-minute' })]);
    const output = await store.getJson<FacesOutput>(faces.ref!);
    expect(output).toMatchObject({ knownPeopleSearched: 1, matchThreshold: 0.85, model: expect.stringContaining('collection reelscope-faces') });
    const named = output.faces.filter((f) => f.match);
    expect(named.map((f) => f.time)).toEqual([2, 3, 4, 5, 6, 7, 15, 16, 17]);
    expect(named.every((f) => f.match?.personId === enrolled.personId && f.match.name === 'Ada Lovelace' && f.match.similarity >= 0.85)).toBe(true);
    const spine = await store.getJson<Spine>(spineRef(result));
    expect(spine.faces?.knownPeopleSearched).toBe(1);
    expect(spine.faces?.knownPeople).toEqual([
      {
        personId: enrolled.personId,
        name: 'Ada Lovelace',
        ranges: [
          { start: 2, end: 7, similarity: expect.any(Number) },
          { start: 15, end: 17, similarity: expect.any(Number) },
        ],
      },
    ]);
    const report = await store.getJson<Report>(result.report!.jsonRef);
    expect(report.faces?.knownPeople).toEqual([expect.objectContaining({ personId: enrolled.personId, name: 'Ada Lovelace', ranges: spine.faces?.knownPeople[0]?.ranges })]);
  });

  it('refuses a photo with two faces or none, or that is no image, with a clear message, and stores nothing', async () => {
    // Arrange
    const before = await json<unknown[]>('people', 'list', '--tenant', 'faces-refused');
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'not a photo at all');

    // Act
    const two = await cli('people', 'add', photos.pair, '--name', 'Two People', '--tenant', 'faces-refused').catch((err: Error) => err);
    const none = await cli('people', 'add', photos.nobody, '--name', 'Nobody', '--tenant', 'faces-refused').catch((err: Error) => err);
    const notImage = await cli('people', 'add', text, '--name', 'Notes', '--tenant', 'faces-refused').catch((err: Error) => err);

    // Assert
    expect(before).toEqual([]);
    expect(two).toMatchObject({ name: 'KnownPersonRefusedError', message: 'the photo shows 2 faces; enrol a photo of the person alone' });
    expect(none).toMatchObject({ name: 'KnownPersonRefusedError', message: 'no face was found on the photo' });
    expect(notImage).toMatchObject({ name: 'KnownPersonRefusedError', message: 'the photo must be a JPEG or PNG image' });
    expect(await json<unknown[]>('people', 'list', '--tenant', 'faces-refused')).toEqual([]);
    // The refused pair's two faces were indexed, then deleted; the text never reached Rekognition.
    expect(await collectionFaces('faces-refused')).toEqual([]);
    // IndexFaces twice for the pair (the collection did not exist yet), once for the empty photo.
    expect(fake.counters.calls('IndexFaces')).toBe(3);
    expect(fake.counters.calls('DeleteFaces')).toBe(1);
  });

  it('removes a person: their faces leave the collection and a later analysis detects faces only', async () => {
    // Arrange
    const enrolled = await json<{ personId: string }>('people', 'add', photos.ada, '--name', 'Grace Hopper', '--tenant', 'faces-removed');
    const second = await photo(dir, 'yellow');
    const scripted = fake.config.imageFaces;
    const secondSha = sha(await readFile(second));
    fake.config.imageFaces = (hash) => (hash === secondSha ? [{ person: 'grace' }] : scripted?.(hash));
    const again = await json<{ faces: number }>('people', 'add', second, '--name', 'ignored for an existing person', '--tenant', 'faces-removed', '--person', enrolled.personId);

    // Act
    const removed = await cli('people', 'remove', enrolled.personId, '--tenant', 'faces-removed');
    const missing = await cli('people', 'remove', enrolled.personId, '--tenant', 'faces-removed').catch((err: Error) => err);
    const { faces } = await analyse('faces-removed');

    // Assert
    expect(again.faces).toBe(2);
    expect(removed).toBe(`removed ${enrolled.personId} and its faces for tenant faces-removed`);
    expect(missing).toMatchObject({ message: `no known person ${enrolled.personId} for tenant faces-removed` });
    expect(await json<unknown[]>('people', 'list', '--tenant', 'faces-removed')).toEqual([]);
    const collection = await harness.clients.rekognition.send(new DescribeCollectionCommand({ CollectionId: 'reelscope-faces-removed' }));
    expect(collection.FaceCount).toBe(0);
    expect(fake.counters.jobsStarted('StartFaceDetection')).toBe(1);
    expect((await store.getJson<FacesOutput>(faces.ref!)).knownPeopleSearched).toBe(0);
  });

  it('with keyframe sampling calls DetectFaces on each keyframe and SearchFacesByImage where a face shows', async () => {
    // Arrange
    const sampled = await startTestWorker(bundle, {}, (d) => d, awsBackendEnv(fake, { REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '1', REELSCOPE_KEYFRAME_SAMPLING_MAX_FRAMES: '10' }));
    try {
      const enrolled = await json<{ personId: string }>('people', 'add', photos.ada, '--name', 'Ada Lovelace', '--tenant', 'faces-frames');
      const adaSha = sha(await readFile(photos.ada));
      // Every keyframe of the clip shows Ada (and only the enrolment photo is scripted otherwise).
      fake.config.imageFaces = (hash) => (hash === adaSha ? [{ person: 'ada' }] : [{ person: 'ada' }, { person: 'extra' }]);

      // A keyframe a second: sampling decodes keyframes only.
      const everySecond = join(dir, 'keyframes.mp4');
      await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=4', '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p', everySecond]);

      // Act
      const { faces } = await analyse('faces-frames', sampled, everySecond);

      // Assert
      const frames = faces.counts?.['keyframes'] ?? 0;
      expect(frames).toBeGreaterThanOrEqual(2);
      expect(fake.counters.calls('DetectFaces')).toBe(frames);
      expect(fake.counters.calls('SearchFacesByImage')).toBe(frames);
      expect(fake.counters.starts()).toBe(fake.counters.starts('StartTranscriptionJob') + fake.counters.starts('StartSegmentDetection'));
      expect(faces.cost?.map((c) => [c.item, c.quantity])).toEqual([
        ['DetectFaces', frames],
        ['SearchFacesByImage', frames],
      ]);
      const output = await store.getJson<FacesOutput>(faces.ref!);
      expect(output.faces).toHaveLength(frames * 2);
      // Only the largest face of a frame is searched: one match a frame, the smaller face unnamed.
      expect(output.faces.filter((f) => f.match?.personId === enrolled.personId)).toHaveLength(frames);
      expect(output.knownPeopleSearched).toBe(1);
    } finally {
      await sampled.stop();
    }
  });
});
