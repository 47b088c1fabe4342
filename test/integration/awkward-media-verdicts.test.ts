import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Report } from '../../report/report-schema';
import { MediaRecords } from '../../storage/media-records';
import type { AnalysisKind, AnalysisOutcome, AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { makeAudioOnly, makeDamagedMp4, makeImage, makeSingleFrameVideo } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

interface Analysed {
  result: AnalyzeMediaResult;
  report: Report;
  byKind: Partial<Record<AnalysisKind, AnalysisOutcome>>;
  /** Highest attempt of any activity in the history: 1 when nothing was retried. */
  maxAttempt: number;
  record: Record<string, unknown> | undefined;
}

/**
 * Awkward media end to end on the local backend: whatever the media, the verdict says what it
 * rests on (frames and span, seconds of audio, damage), and a verdict never reads "clean"
 * over a picture or sound nobody checked.
 */
describe('awkward media get verdicts that state their coverage', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let dir: string;

  async function analyse(path: string): Promise<Analysed> {
    const input = await harness.upload(path);
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const handle = harness.client.workflow.getHandle(workflowId);
    const result = (await handle.result()) as AnalyzeMediaResult;
    expect(result.status).toBe('COMPLETED');
    const report = await harness.deps.store.getJson<Report>(result.report!.jsonRef);
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [Number(e.activityTaskStartedEventAttributes.attempt ?? 1)] : []));
    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    return { result, report, byKind: Object.fromEntries(result.outcomes.map((o) => [o.kind, o])), maxAttempt: Math.max(...attempts), record };
  }

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle, { acceptedKinds: ['video', 'audio', 'image'] });
    dir = await mkdtemp(join(tmpdir(), 'reelscope-verdicts-'));
  });
  afterAll(() => harness?.stop());

  it('a still PNG: its one frame checked, described as an image, without shots', async () => {
    // Act
    const { report, byKind, record } = await analyse(await makeImage(dir, { format: 'png', size: '640x480' }));

    // Assert
    expect(byKind.visualModeration).toMatchObject({ status: 'succeeded', counts: { frames: 1 } });
    expect(byKind.shots).toMatchObject({ status: 'skipped' });
    expect(report.summary).toMatch(/^A 640x480 PNG image\./);
    expect(report.moderation).toMatchObject({ verdict: 'clean', coverage: { statement: 'Picture: the still image checked (1 frame).', gaps: [] } });
    expect(record).toMatchObject({ report: { verdict: 'clean', coverage: 'Picture: the still image checked (1 frame).' } });
  });

  it('a one-frame video: poster and moderation from its only frame, nothing retried', async () => {
    // Act
    const { report, byKind, maxAttempt } = await analyse(await makeSingleFrameVideo(dir));

    // Assert
    expect(byKind.thumbnails).toMatchObject({ status: 'succeeded', counts: { keyframes: 1 } });
    expect(byKind.visualModeration).toMatchObject({ status: 'succeeded', counts: { frames: 1 } });
    expect(maxAttempt).toBe(1);
    expect(report.moderation.verdict).toBe('clean');
    expect(report.moderation.coverage.statement).toBe('Picture: 1 frame checked over 0.00–0.04 s of 0.04 s.');
  });

  it('audio only: audio cues instead of shots, and a verdict resting on the seconds transcribed', async () => {
    // Act
    const { report, byKind } = await analyse(await makeAudioOnly(dir));

    // Assert
    expect(byKind.transcript).toMatchObject({ status: 'succeeded', counts: { audioSeconds: expect.any(Number) } });
    expect(byKind.audioModeration?.status).toBe('succeeded');
    expect(byKind.shots?.summary).toMatch(/^audio only: /);
    expect(JSON.stringify([report.summary, report.chapters])).not.toMatch(/shot/i);
    expect(report.moderation.verdict).toBe('clean');
    expect(report.moderation.coverage.statement).toMatch(/^Sound: 3\.\d s of audio transcribed, \d+ words? checked for profanity\.$/);
  });

  it('a damaged MP4: the damage is noted in the outcome, spine and report, and the verdict is not clean', async () => {
    // Act
    const { result, report, byKind } = await analyse(await makeDamagedMp4(dir));

    // Assert
    expect(byKind.shots?.summary).toMatch(/damaged: \d+ decode errors/);
    expect(report.damage?.decodeErrors).toBeGreaterThan(0);
    expect(report.summary).toMatch(/The file is damaged: \d+ decode errors/);
    expect(report.moderation.verdict).toBe('unverified');
    expect(report.moderation.coverage.gaps).toEqual(expect.arrayContaining([expect.stringMatching(/^the file is damaged/)]));
    expect(result.report?.verdict).toBe('unverified');
  });
});
