import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { MediaRecords } from '../../storage/media-records';
import { ANALYSIS_KINDS, type AnalysisKind, type AnalysisStatus, type AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { makeCorruptAudio, makeManyStreams, makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

type Statuses = Record<AnalysisKind, AnalysisStatus>;
type Case = { name: string; make: (dir: string) => Promise<string>; uploadAs?: string; statuses: Statuses; expect?: (result: AnalyzeMediaResult) => void };

/** What the local backend runs on sound media: everything it has a model for succeeds. */
const ALL_LOCAL: Statuses = {
  transcript: 'succeeded',
  shots: 'succeeded',
  thumbnails: 'succeeded',
  visualModeration: 'succeeded',
  audioModeration: 'succeeded',
  text: 'succeeded',
  // COCO objects and faces on the keyframes: a test pattern shows neither, and that is a result.
  labels: 'succeeded',
  faces: 'succeeded',
  // Naming public figures needs the aws backend's celebrity database.
  celebrities: 'skipped',
};

/**
 * Awkward media that is still media: each must be analysed to COMPLETED, every analysis
 * ending as pinned here (succeeded, skipped or failed) with a one-line reason, never a failed
 * run or a hang.
 */
const CASES: Case[] = [
  {
    name: 'corrupt audio stream, clean video',
    make: makeCorruptAudio,
    // The picture analyses read the clean video; the transcript cannot decode the audio, and
    // the audio moderation that reads the transcript has nothing to read.
    statuses: { ...ALL_LOCAL, transcript: 'failed', audioModeration: 'skipped' },
    expect: (result) => expect(result.outcomes.find((o) => o.kind === 'audioModeration')).toMatchObject({ summary: expect.stringMatching(/needs transcript/) }),
  },
  { name: 'one video and twelve audio streams', make: makeManyStreams, statuses: ALL_LOCAL },
  { name: 'a 0.4 s clip', make: (dir) => makeVideoClip(dir, { seconds: 0.4, name: 'blink.mp4' }), statuses: ALL_LOCAL },
  {
    name: 'video without an audio track',
    make: (dir) => makeVideoClip(dir, { seconds: 3, withAudio: false }),
    statuses: { ...ALL_LOCAL, transcript: 'skipped', audioModeration: 'skipped' },
    expect: (result) => expect(result.outcomes.find((o) => o.kind === 'transcript')).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/audio/) }),
  },
  {
    name: 'a key with spaces, unicode, #, %, + and quotes',
    make: (dir) => makeVideoClip(dir, { seconds: 2 }),
    uploadAs: 'Ünïcødé clip #1 (copy) 100%+"final" <b>.mp4',
    statuses: ALL_LOCAL,
  },
];

describe('awkward but valid media is analysed to COMPLETED', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let dir: string;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle);
    dir = await mkdtemp(join(tmpdir(), 'reelscope-awkward-'));
  });
  afterAll(() => harness?.stop());

  it.each(CASES)('$name', async ({ make, uploadAs, statuses, expect: extra }) => {
    // Arrange
    const input = await harness.upload(await make(dir), uploadAs ? { name: uploadAs } : {});

    // Act
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const result = (await harness.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    // One outcome per analysis, each with the status pinned for this input.
    expect(result.outcomes.map((o) => o.kind).sort()).toEqual([...ANALYSIS_KINDS].sort());
    expect(Object.fromEntries(result.outcomes.map((o) => [o.kind, o.status]))).toEqual(statuses);
    for (const outcome of result.outcomes) expect(outcome.summary).toMatch(/^[^\n]+$/);
    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    expect(record).toMatchObject({ status: 'COMPLETED' });
    // Archived, the record names the upload as archivedFrom; a key the local S3 server cannot
    // copy stays where it was, the record's source, with the failed archive recorded.
    const upload = (record?.['archivedFrom'] ?? record?.['source']) as { key?: string } | undefined;
    expect(upload?.key).toBe(input.source.key);
    extra?.(result);
  });
});
