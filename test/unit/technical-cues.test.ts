import { GetSegmentDetectionCommand, RekognitionClient, StartSegmentDetectionCommand, TechnicalCueType, type GetSegmentDetectionCommandOutput } from '@aws-sdk/client-rekognition';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { segmentsOutput, streamedOutput } from '../../backends/aws/rekognition-outputs';
import { collectVideoJobResults, startVideoJob, videoJobState } from '../../backends/aws/rekognition-video';
import { renderReportHtml } from '../../report/render-report-html';
import { reportSchema } from '../../report/report-schema';
import type { ShotsOutput } from '../../spine/branch-outputs';
import { buildSpine, type SpineMedia } from '../../spine/build-spine';
import { technicalCuesStatement } from '../../spine/describe-coverage';
import type { Spine } from '../../spine/spine';
import { JOB_FAMILIES, startFakeAws, type FakeAws } from '../support/fake-aws';

const S3_ENDPOINT = process.env['REELSCOPE_S3_ENDPOINT'] as string;
const BUCKET = 'reelscope-test';
const MEDIA = 'fake-aws/cues.mp4';
const VIDEO = { S3Object: { Bucket: BUCKET, Name: MEDIA } };
const THRESHOLDS = { minConfidence: 0.2, moderation: 0.7 };
const VIDEO_20S: SpineMedia = { kind: 'video', durationSeconds: 20, hasVideo: true, hasAudio: true };

/** A programme as a broadcaster delivers it: bars and slate, logo, titles, the show, credits, black. */
const PROGRAMME = [
  { type: 'ColorBars', start: 0, end: 2, confidence: 97.5 },
  { type: 'Slate', start: 2, end: 4 },
  { type: 'StudioLogo', start: 4, end: 6.5 },
  { type: 'OpeningCredits', start: 6.5, end: 9 },
  { type: 'Content', start: 9, end: 17 },
  { type: 'EndCredits', start: 17, end: 19.5 },
  { type: 'BlackFrames', start: 19.5, end: 20 },
];

/** What the local backend's ffmpeg pass writes: black frames only, no cue types named. */
const LOCAL_SHOTS: ShotsOutput = { sceneCuts: [10], shots: [{ start: 0, end: 10 }, { start: 10, end: 20 }], blackSegments: [{ start: 10, end: 12 }], silences: [] };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function report(spine: Spine) {
  return {
    mediaId: spine.mediaId,
    generatedBy: 'extractive',
    title: 'cues.mp4',
    summary: '',
    chapters: [],
    topics: [],
    entities: [],
    moderation: { verdict: spine.moderation.verdict, rationale: 'test', coverage: { statement: '', gaps: [] }, flags: [] },
    missing: [],
  };
}

/** The cue bars of report.html's cues lane, by their titles; undefined when there is no such lane. */
function cueBarTitles(html: string): string[] | undefined {
  const lane = /<div class="lane lane-cues">.*?<div class="track">(.*?)<\/div><\/div>/.exec(html);
  return lane ? [...(lane[1] ?? '').matchAll(/title="([^"]*)"/g)].map((m) => m[1] ?? '') : undefined;
}

describe('technical cues from Rekognition segment detection (real SDK against the fake AWS)', () => {
  let fake: FakeAws;
  let s3: S3Client;
  let rekognition: RekognitionClient;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: S3_ENDPOINT,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: MEDIA, Body: 'the fake never decodes media', ContentType: 'video/mp4' }));
    fake = await startFakeAws({ s3Endpoint: S3_ENDPOINT, seed: 11 });
    rekognition = new RekognitionClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' }, maxAttempts: 1 });
  });
  beforeEach(() => {
    fake.reset();
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 50;
    fake.config.mediaDurationSeconds = () => 20;
  });
  afterAll(async () => {
    rekognition?.destroy();
    s3?.destroy();
    await fake?.close();
  });

  /** Starts segment detection as the aws backend does and reads every page once it ends. */
  async function detectSegments(token: string) {
    const jobId = await startVideoJob(rekognition, 'SegmentDetection', { bucket: BUCKET, key: MEDIA, clientRequestToken: token, jobTag: 'm1', minConfidence: 50 }, signal);
    await until(() => videoJobState(rekognition, 'SegmentDetection', jobId, signal), (s) => s.state !== 'running');
    return collectVideoJobResults(rekognition, 'SegmentDetection', jobId, signal);
  }

  it('answers GetSegmentDetection with the scripted cues in the API shape, after the shots, each type in time order', async () => {
    // Arrange
    fake.config.resultCounts.SegmentDetection = PROGRAMME.length + 4;
    fake.config.technicalCues = () => PROGRAMME;
    const { JobId } = await rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: ['SHOT', 'TECHNICAL_CUE'] }));

    // Act
    const page = await until(() => rekognition.send(new GetSegmentDetectionCommand({ JobId })), (p: GetSegmentDetectionCommandOutput) => p.JobStatus === 'SUCCEEDED');

    // Assert
    expect(page.Segments?.map((s) => s.Type)).toEqual([...Array<string>(4).fill('SHOT'), ...Array<string>(PROGRAMME.length).fill('TECHNICAL_CUE')]);
    const cues = (page.Segments ?? []).filter((s) => s.Type === 'TECHNICAL_CUE');
    expect(cues.map((s) => s.TechnicalCueSegment?.Type)).toEqual(PROGRAMME.map((c) => c.type));
    expect(cues.find((s) => s.TechnicalCueSegment?.Type === 'StudioLogo')).toEqual({
      Type: 'TECHNICAL_CUE',
      StartTimestampMillis: 4000,
      EndTimestampMillis: 6500,
      DurationMillis: 2500,
      StartTimecodeSMPTE: '00:00:04:00',
      EndTimecodeSMPTE: '00:00:06:12',
      DurationSMPTE: '00:00:02:12',
      StartFrameNumber: 100,
      EndFrameNumber: 162,
      DurationFrames: 62,
      TechnicalCueSegment: { Type: 'StudioLogo', Confidence: expect.any(Number) as number },
    });
    expect(cues[0]?.TechnicalCueSegment?.Confidence).toBe(97.5);
    for (const cue of cues) expect(cue.TechnicalCueSegment?.Confidence).toBeGreaterThanOrEqual(50);
    expect(page.SelectedSegmentTypes?.map((t) => t.Type)).toEqual(['SHOT', 'TECHNICAL_CUE']);
  });

  it('leaves out cues under the TechnicalCueFilter confidence and refuses a filter outside the API range', async () => {
    // Arrange
    fake.config.technicalCues = () => [
      { type: 'ColorBars', start: 0, end: 2, confidence: 95 },
      { type: 'Slate', start: 2, end: 3, confidence: 70 },
    ];
    const { JobId } = await rekognition.send(
      new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: ['TECHNICAL_CUE'], Filters: { TechnicalCueFilter: { MinSegmentConfidence: 90 } } }),
    );

    // Act
    const page = await until(() => rekognition.send(new GetSegmentDetectionCommand({ JobId })), (p: GetSegmentDetectionCommandOutput) => p.JobStatus === 'SUCCEEDED');
    const tooLow = rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: ['SHOT'], Filters: { ShotFilter: { MinSegmentConfidence: 20 } } }));

    // Assert
    expect(page.Segments?.map((s) => s.TechnicalCueSegment?.Type)).toEqual(['ColorBars']);
    await expect(tooLow).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('finds every cue type of the API model in turn when asked for cues alone', async () => {
    // Arrange
    const types = Object.values(TechnicalCueType);
    fake.config.resultCounts.SegmentDetection = types.length;
    const { JobId } = await rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: ['TECHNICAL_CUE'] }));

    // Act
    const page = await until(() => rekognition.send(new GetSegmentDetectionCommand({ JobId })), (p: GetSegmentDetectionCommandOutput) => p.JobStatus === 'SUCCEEDED');

    // Assert
    expect(new Set(page.Segments?.map((s) => s.TechnicalCueSegment?.Type))).toEqual(new Set(types));
    expect(page.Segments?.[page.Segments.length - 1]?.EndTimestampMillis).toBe(20_000);
  });

  it('maps every cue into the shots output with its range and confidence, black frames also as black segments', async () => {
    // Arrange
    fake.config.resultCounts.SegmentDetection = PROGRAMME.length + 4;
    fake.config.technicalCues = () => PROGRAMME;

    // Act
    const shots = segmentsOutput(await detectSegments('cues-mapping'));

    // Assert
    expect(shots.shots).toEqual([{ start: 0, end: 5 }, { start: 5, end: 10 }, { start: 10, end: 15 }, { start: 15, end: 20 }]);
    expect(shots.technicalCues?.map(({ type, start, end }) => [type, start, end])).toEqual(PROGRAMME.map(({ type, start, end }) => [type, start, end]));
    expect(shots.technicalCues?.[0]).toEqual({ type: 'ColorBars', start: 0, end: 2, confidence: 0.975 });
    for (const cue of shots.technicalCues ?? []) expect(cue.confidence).toBeGreaterThanOrEqual(0.5);
    expect(shots.blackSegments).toEqual([{ start: 19.5, end: 20 }]);
    expect(new Set(shots.cueTypesChecked)).toEqual(new Set(Object.values(TechnicalCueType)));
  });

  it('writes the same cues in the streamed output the backend stores, and keeps a cue type it does not know', () => {
    // Arrange
    const output = streamedOutput('SegmentDetection', 20);
    const segment = (type: string, start: number, end: number) => ({ Type: 'TECHNICAL_CUE' as const, StartTimestampMillis: start, EndTimestampMillis: end, TechnicalCueSegment: { Type: type as TechnicalCueType, Confidence: 88.8 } });

    // Act
    output.add([segment('EndCredits', 17_000, 19_000), { Type: 'SHOT', StartTimestampMillis: 0, EndTimestampMillis: 20_000, ShotSegment: { Index: 0, Confidence: 99 } }]);
    output.add([segment('SponsorCard', 1_000, 2_000)]);
    const { entries, members } = output.end('2.0');

    // Assert
    expect(entries).toEqual([{ start: 0, end: 20 }]);
    expect(members['technicalCues']).toEqual([
      { type: 'SponsorCard', start: 1, end: 2, confidence: 0.888 },
      { type: 'EndCredits', start: 17, end: 19, confidence: 0.888 },
    ]);
    expect(members['cueTypesChecked']).toEqual(expect.arrayContaining(['ColorBars', 'Slate', 'StudioLogo', 'Content']));
  });
});

describe('technical cues in the spine and the report', () => {
  const awsShots: ShotsOutput = {
    sceneCuts: [10],
    shots: [{ start: 0, end: 10 }, { start: 10, end: 20 }],
    blackSegments: [{ start: 19.5, end: 20 }],
    silences: [],
    technicalCues: PROGRAMME.map(({ type, start, end }) => ({ type, start, end, confidence: 0.9 })),
    cueTypesChecked: Object.values(TechnicalCueType),
  };

  it('carries every cue and the types looked for into the spine, and says so', () => {
    // Act
    const spine = buildSpine('m1', VIDEO_20S, { shots: awsShots }, THRESHOLDS);

    // Assert
    expect(spine.technicalCues?.cues.map((c) => c.type)).toEqual(PROGRAMME.map((c) => c.type));
    expect(spine.technicalCues?.checked).toHaveLength(7);
    expect(technicalCuesStatement(spine)).toMatch(/^Technical cues: looked for .*colour bars.*; found colour bars \(1\), slate \(1\), studio logo \(1\), opening credits \(1\), programme content \(1\), end credits \(1\), black frames \(1\)\.$/);
    expect(technicalCuesStatement(spine)).not.toMatch(/ only/);
  });

  it('claims only black frames for the local backend, whose ffmpeg pass looks for nothing else', () => {
    // Act
    const spine = buildSpine('m1', VIDEO_20S, { shots: LOCAL_SHOTS }, THRESHOLDS);

    // Assert
    expect(spine.technicalCues).toEqual({ checked: ['BlackFrames'], cues: [{ type: 'BlackFrames', start: 10, end: 12 }] });
    expect(technicalCuesStatement(spine)).toBe(
      'Technical cues: looked for black frames only, not colour bars, slate, studio logo, opening credits, programme content or end credits; found black frames (1).',
    );
  });

  it('has no cues without a picture, and says they were not checked when the shots analysis did not succeed', () => {
    // Act
    const audio = buildSpine('m1', { ...VIDEO_20S, kind: 'audio', hasVideo: false }, { shots: { ...LOCAL_SHOTS, shots: [] } }, THRESHOLDS);
    const noShots = buildSpine('m1', VIDEO_20S, {}, THRESHOLDS);

    // Assert
    expect(audio.technicalCues).toBeUndefined();
    expect(technicalCuesStatement(audio)).toBe('');
    expect(noShots.technicalCues).toBeUndefined();
    expect(technicalCuesStatement(noShots)).toBe('Technical cues: not checked.');
  });

  it('draws a cues lane and lists each cue with its range in report.html, and fits the report schema', () => {
    // Arrange
    const spine = buildSpine('m1', VIDEO_20S, { shots: awsShots }, THRESHOLDS);

    // Act
    const html = renderReportHtml(report(spine), spine, { keyframes: [] });
    const parsed = reportSchema.parse({ ...report(spine), technicalCues: spine.technicalCues });

    // Assert
    expect(cueBarTitles(html)).toEqual([
      '00:00–00:02 colour bars 0.90',
      '00:02–00:04 slate 0.90',
      '00:04–00:06 studio logo 0.90',
      '00:06–00:09 opening credits 0.90',
      '00:09–00:17 programme content 0.90',
      '00:17–00:19 end credits 0.90',
    ]);
    expect(html).toContain('<tr><td>colour bars</td><td>00:00–00:02</td><td>0.90</td></tr>');
    expect(html).toContain('<tr><td>black frames</td><td>00:19–00:20</td><td>0.90</td></tr>');
    expect(parsed.technicalCues?.cues).toHaveLength(PROGRAMME.length);
  });

  it('draws no cues lane on the local backend, and its page says only black frames were looked for', () => {
    // Arrange
    const spine = buildSpine('m1', VIDEO_20S, { shots: LOCAL_SHOTS }, THRESHOLDS);

    // Act
    const html = renderReportHtml(report(spine), spine, { keyframes: [] });

    // Assert
    expect(cueBarTitles(html)).toBeUndefined();
    expect(html).toContain('looked for black frames only, not colour bars');
    expect(html).toContain('<tr><td>black frames</td><td>00:10–00:12</td><td></td></tr>');
  });
});
