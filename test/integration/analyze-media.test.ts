import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Report } from '../../report/report-schema';
import { ObjectStore } from '../../storage/object-store';
import { MediaRecords } from '../../storage/media-records';
import { FLAGGED, MEDIA_KIND, STAGE } from '../../common/search-attributes';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip, SAMPLE_CLIP_WORDS } from '../../local/sample-clip';
import { startAnalysis } from '../../intake/start-analysis';
import { progressQuery } from '../../workflows/messages';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

describe('analyzeMedia on the local backend (real dev server, ffmpeg, pocketsphinx, nsfwjs)', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let clip: string;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle);
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-clip-')), 'sample.mp4'));
  });
  afterAll(() => harness?.stop());

  it('completes the sample clip with transcript, shots, thumbnails, moderation, spine, report and record', async () => {
    // Arrange
    const input = await harness.upload(clip);

    // Act
    const started = await startAnalysis(harness.client, harness.taskQueue, input);
    const handle = harness.client.workflow.getHandle(started.workflowId);
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    const byKind = Object.fromEntries(result.outcomes.map((o) => [o.kind, o]));
    for (const kind of ['transcript', 'shots', 'thumbnails', 'visualModeration', 'audioModeration', 'text', 'labels', 'faces']) {
      expect(byKind[kind]?.status).toBe('succeeded');
    }
    expect(byKind['celebrities']).toMatchObject({ status: 'skipped', summary: expect.stringContaining('no local model') });
    expect(byKind['shots']?.counts?.['shots']).toBeGreaterThanOrEqual(4);
    expect(byKind['shots']?.counts?.['blackSegments']).toBe(1);
    expect(byKind['shots']?.counts?.['silences']).toBeGreaterThanOrEqual(1);

    const store = new ObjectStore(harness.clients.s3, harness.config.bucket);
    const report = await store.getJson<Report>(result.report!.jsonRef);
    const transcript = await store.getJson<{ text: string }>(byKind['transcript']!.ref!);
    const recognised = SAMPLE_CLIP_WORDS.filter((w) => transcript.text.split(' ').includes(w));
    expect(recognised.length).toBeGreaterThanOrEqual(4);
    expect(report.moderation.verdict).toBe('clean');
    // The verdict says what it rests on: frames over the whole picture, the whole sound transcribed.
    expect(report.moderation.coverage.statement).toMatch(
      /^Picture: 11 frames checked over 0\.0–21\.2 s of 21\.2 s\. Sound: 21\.\d s of audio transcribed, \d+ words checked for profanity\.$/,
    );
    expect(report.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'place' })]));
    const html = (await store.getBytes(result.report!.htmlRef)).toString();
    expect(html).toContain('data:image/jpeg;base64,');
    // The subtitles the transcript wrote, named in the report and mentioned in the page (not linked).
    const subtitleCues = byKind['transcript']?.counts?.['subtitleCues'] ?? 0;
    expect(subtitleCues).toBeGreaterThan(1);
    expect(report.subtitles).toEqual({ vtt: byKind['transcript']?.files?.['subtitles.vtt'], srt: byKind['transcript']?.files?.['subtitles.srt'], cues: subtitleCues });
    expect(html).toContain(`<p id="subtitles">Subtitles: ${subtitleCues} cues, WebVTT and SRT</p>`);

    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    expect(record).toMatchObject({ status: 'COMPLETED', tenant: 'acme', report: { verdict: 'clean', coverage: report.moderation.coverage.statement } });

    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ status: 'COMPLETED', percent: 100 });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(STAGE)).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(MEDIA_KIND)).toBe('video');
    expect(description.typedSearchAttributes.get(FLAGGED)).toBe(false);
  });

  it('starts nothing new for a duplicate delivery of the same upload', async () => {
    // Arrange
    const input = await harness.upload(clip, { name: 'dup.mp4' });

    // Act
    const first = await startAnalysis(harness.client, harness.taskQueue, input);
    const second = await startAnalysis(harness.client, harness.taskQueue, input);
    await harness.client.workflow.getHandle(first.workflowId).result();
    const third = await startAnalysis(harness.client, harness.taskQueue, input);

    // Assert
    expect(second.runId).toBe(first.runId);
    expect(third).toMatchObject({ workflowId: first.workflowId, alreadyAnalysed: true });
  });
});
