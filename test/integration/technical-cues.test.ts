import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyzeMediaResult, SpineSummary } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { ensureSampleClip } from '../../local/sample-clip';
import type { ShotsOutput } from '../../spine/branch-outputs';
import type { Spine } from '../../spine/spine';
import type { Report } from '../../report/report-schema';
import { MediaRecords } from '../../storage/media-records';
import { ObjectStore } from '../../storage/object-store';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/** Bars before the titles, credits at the end: what segment detection reports on a delivered programme. */
const PROGRAMME_CUES = [
  { type: 'ColorBars', start: 0, end: 2, confidence: 98.2 },
  { type: 'OpeningCredits', start: 2, end: 5.5, confidence: 91.4 },
  { type: 'EndCredits', start: 18, end: 21, confidence: 87.6 },
];

describe('technical cues on the aws backend (real SDK clients against the fake AWS, s3rver, dynalite, dev server)', () => {
  let fake: FakeAws;
  let aws: TestWorker;
  let clip: string;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    aws = await startTestWorker(await bundleWorkflows(), {}, (d) => d, awsBackendEnv(fake, { REELSCOPE_JOB_DEADLINE_BASE_SECONDS: '15', REELSCOPE_JOB_DEADLINE_PER_MEDIA_SECOND: '0' }));
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-cues-')), 'sample.mp4'));
  });
  beforeEach(() => {
    fake.reset();
    fake.config.mediaDurationSeconds = () => 21;
  });
  afterAll(async () => {
    await aws?.stop();
    await fake?.close();
  });

  /** Uploads the sample clip, analyses it, and reads back its shots output, spine and report page. */
  async function analyse(name: string, worker: TestWorker = aws) {
    const input = await worker.upload(clip, { name });
    const { workflowId } = await startAnalysis(worker.client, worker.taskQueue, input);
    const result = (await worker.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    const store = new ObjectStore(worker.clients.s3, worker.config.bucket);
    const record = await new MediaRecords(worker.clients.doc, worker.config.tables).get(input.mediaId);
    const shotsRef = result.outcomes.find((o) => o.kind === 'shots')?.ref;
    return {
      result,
      shots: shotsRef ? await store.getJson<ShotsOutput>(shotsRef) : undefined,
      spine: await store.getJson<Spine>((record?.['spine'] as SpineSummary).ref),
      html: (await store.getBytes(result.report!.htmlRef)).toString(),
      report: await store.getJson<Report>(result.report!.jsonRef),
    };
  }

  it('keeps colour bars, opening and end credits from segment detection through the spine into the report', async () => {
    // Arrange
    fake.config.resultCounts.SegmentDetection = PROGRAMME_CUES.length + 5;
    fake.config.technicalCues = () => PROGRAMME_CUES;

    // Act
    const { result, shots, spine, html, report } = await analyse('programme.mp4');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.outcomes.find((o) => o.kind === 'shots')).toMatchObject({ status: 'succeeded' });
    expect(shots?.shots).toHaveLength(5);
    const expected = [
      { type: 'ColorBars', start: 0, end: 2, confidence: 0.982 },
      { type: 'OpeningCredits', start: 2, end: 5.5, confidence: 0.914 },
      { type: 'EndCredits', start: 18, end: 21, confidence: 0.876 },
    ];
    expect(shots?.technicalCues).toEqual(expected);
    expect(spine.technicalCues?.cues).toEqual(expected);
    expect(report.technicalCues?.cues).toEqual(expected);
    expect(spine.technicalCues?.checked).toEqual(expect.arrayContaining(['ColorBars', 'EndCredits', 'BlackFrames', 'OpeningCredits', 'StudioLogo', 'Slate', 'Content']));
    const cuesLane = /<div class="lane lane-cues">.*?<\/div><\/div>/.exec(html)?.[0] ?? '';
    expect(cuesLane).toContain('title="00:00–00:02 colour bars 0.98"');
    expect(cuesLane).toContain('title="00:02–00:05 opening credits 0.91"');
    expect(cuesLane).toContain('title="00:18–00:21 end credits 0.88"');
    expect(html).toContain('<tr><td>opening credits</td><td>00:02–00:05</td><td>0.91</td></tr>');
    expect(html).toMatch(/Technical cues: looked for [^<]*; found colour bars \(1\), opening credits \(1\), end credits \(1\)\./);
  });
});
