import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { MediaRecords } from '../../activities/storage/media-records';
import type { AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../starter/start-analysis';
import { makeCorruptAudio, makeManyStreams, makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

type Case = { name: string; make: (dir: string) => Promise<string>; uploadAs?: string; expect?: (result: AnalyzeMediaResult) => void };

/**
 * Awkward media that is still media: each must be analysed to COMPLETED, every analysis
 * ending succeeded, skipped or failed with a one-line reason, never a failed run or a hang.
 */
const CASES: Case[] = [
  { name: 'corrupt audio stream, clean video', make: makeCorruptAudio },
  { name: 'one video and twelve audio streams', make: makeManyStreams },
  { name: 'a 0.4 s clip', make: (dir) => makeVideoClip(dir, { seconds: 0.4, name: 'blink.mp4' }) },
  {
    name: 'video without an audio track',
    make: (dir) => makeVideoClip(dir, { seconds: 3, withAudio: false }),
    expect: (result) => expect(result.outcomes.find((o) => o.kind === 'transcript')).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/audio/) }),
  },
  {
    name: 'a key with spaces, unicode, #, %, + and quotes',
    make: (dir) => makeVideoClip(dir, { seconds: 2 }),
    uploadAs: 'Ünïcødé clip #1 (copy) 100%+"final" <b>.mp4',
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

  it.each(CASES)('$name', async ({ make, uploadAs, expect: extra }) => {
    // Arrange
    const input = await harness.upload(await make(dir), uploadAs ? { name: uploadAs } : {});

    // Act
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const result = (await harness.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.length).toBeGreaterThan(0);
    for (const outcome of result.outcomes) {
      expect(['succeeded', 'skipped', 'failed']).toContain(outcome.status);
      expect(outcome.summary.length).toBeGreaterThan(0);
    }
    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    expect(record).toMatchObject({ status: 'COMPLETED', source: { key: input.source.key } });
    extra?.(result);
  });
});
