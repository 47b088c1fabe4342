import { writeExtractiveReport } from '../../activities/report/extractive-writer';
import { reportSchema } from '../../activities/report/report-schema';
import type { BranchOutputs } from '../../activities/spine/branch-outputs';
import { buildSpine } from '../../activities/spine/build-spine';
import type { AnalysisOutcome, MediaFacts } from '../../common/types';

const outputs: BranchOutputs = {
  transcript: {
    engine: 'ps',
    language: 'en-US',
    text: '',
    wordCount: 0,
    segments: [
      { start: 0.5, end: 5, text: 'mr john had leisure to consider', confidence: 0.8, words: [] },
      { start: 7, end: 9, text: 'mumble', confidence: 0.05, words: [] },
      { start: 13, end: 15, text: 'rather selfish damn', confidence: 0.7, words: [] },
    ],
  },
  shots: {
    sceneCuts: [6, 10, 12],
    shots: [{ start: 0, end: 6 }, { start: 6, end: 10 }, { start: 10, end: 12 }, { start: 12, end: 20 }],
    blackSegments: [{ start: 10, end: 12 }],
    silences: [{ start: 15, end: 17.5 }],
  },
  visualModeration: {
    model: 'nsfwjs',
    intervalSeconds: 2,
    explicitClasses: ['Porn', 'Hentai', 'Sexy'],
    samples: [
      { time: 0, scores: { Drawing: 0.9, Hentai: 0.02, Neutral: 0.05, Porn: 0.02, Sexy: 0.01 } },
      { time: 8, scores: { Drawing: 0.05, Hentai: 0.01, Neutral: 0.1, Porn: 0.8, Sexy: 0.04 } },
    ],
  },
  audioModeration: { dictionary: 'test', hits: [{ start: 14.5, end: 15, term: 'damn', spoken: 'damn', confidence: 0.9 }] },
};
const thresholds = { minConfidence: 0.2, moderation: 0.7 };

describe('buildSpine', () => {
  it('segments by shot with speech, black, silence and flags above the thresholds', () => {
    const spine = buildSpine('m1', { durationSeconds: 20, hasVideo: true }, outputs, thresholds);
    expect(spine.segments.map((s) => [s.start, s.end])).toEqual([[0, 6], [6, 10], [10, 12], [12, 20]]);
    expect(spine.segments[0]?.speech).toBe('mr john had leisure to consider');
    expect(spine.speech.map((s) => s.text)).not.toContain('mumble');
    expect(spine.segments[2]?.black).toBe(true);
    expect(spine.moderation.flags.map((f) => [f.source, f.category, f.start])).toEqual([
      ['visual', 'Porn', 8],
      ['audio', 'profanity:damn', 14.5],
    ]);
    expect(spine.segments[1]?.flags).toHaveLength(1);
    expect(spine.moderation).toMatchObject({ flagged: true, maxScore: 0.9 });
  });

  it('flags every class of a detector that reports only unsafe content, and places labels, people and text in their shots', () => {
    const awsOutputs: BranchOutputs = {
      shots: outputs.shots,
      visualModeration: {
        model: 'rekognition ContentModeration 7.0',
        intervalSeconds: 1,
        samples: [
          { time: 3, scores: { Violence: 0.92, 'Graphic Violence': 0.75 } },
          { time: 11, scores: { Suggestive: 0.4 } },
        ],
      },
      labels: {
        model: 'rekognition LabelDetection 3.0',
        detections: [
          { time: 1, name: 'Person', confidence: 0.99, parents: [], categories: [] },
          { time: 2, name: 'Dog', confidence: 0.1, parents: ['Animal'], categories: [] },
          { time: 7, name: 'Person', confidence: 0.95, parents: [], categories: [] },
          { time: 7.5, name: 'Car', confidence: 0.97, parents: ['Vehicle'], categories: [] },
        ],
      },
      celebrities: { model: 'rekognition', detections: [{ time: 6.5, name: 'Ada Lovelace', id: 'c1', confidence: 0.93, urls: [] }] },
      text: { model: 'rekognition', detections: [{ time: 13, name: 'BREAKING NEWS', confidence: 0.88 }] },
    };

    const spine = buildSpine('m3', { durationSeconds: 20, hasVideo: true }, awsOutputs, thresholds);

    expect(spine.moderation.flags.map((f) => [f.category, f.start])).toEqual([['Violence', 3], ['Graphic Violence', 3]]);
    expect(spine.segments.map((s) => [s.labels, s.people, s.onScreenText])).toEqual([
      [['Person'], undefined, undefined],
      [['Car', 'Person'], ['Ada Lovelace'], undefined],
      [undefined, undefined, undefined],
      [undefined, undefined, ['BREAKING NEWS']],
    ]);
    expect(spine.labels).toEqual([
      { name: 'Person', appearances: 2, firstSeen: 1 },
      { name: 'Car', appearances: 1, firstSeen: 7.5 },
    ]);
    expect(spine.people).toEqual([{ name: 'Ada Lovelace', appearances: 1, firstSeen: 6.5 }]);
  });

  it('segments audio-only media by speech and silence', () => {
    const spine = buildSpine('m2', { durationSeconds: 20, hasVideo: false }, { ...outputs, shots: { ...outputs.shots!, shots: [{ start: 0, end: 20 }] } }, thresholds);
    expect(spine.segments.map((s) => [s.start, s.end])).toEqual([[0, 15], [15, 17.5], [17.5, 20]]);
    expect(spine.segments[1]?.silent).toBe(true);
  });
});

describe('writeExtractiveReport', () => {
  const media: MediaFacts = {
    kind: 'video',
    formatName: 'mp4',
    durationSeconds: 20,
    sizeBytes: 1,
    streamCount: 2,
    video: { codec: 'h264', width: 640, height: 360, framesPerSecond: 25 },
    audio: { codec: 'aac', sampleRate: 16000, channels: 1 },
    title: 'A <b>title</b>',
    location: { latitude: 48.8584, longitude: 2.2945, iso6709: '+48.8584+002.2945/' },
  };
  const outcomes: AnalysisOutcome[] = [
    { kind: 'visualModeration', status: 'succeeded', summary: 'ok' },
    { kind: 'audioModeration', status: 'succeeded', summary: 'ok' },
    { kind: 'celebrities', status: 'skipped', summary: 'no local model' },
  ];

  it('writes a schema-valid, deterministic report from what the analyses found', () => {
    const spine = buildSpine('m1', { durationSeconds: 20, hasVideo: true }, outputs, thresholds);
    const report = writeExtractiveReport({ mediaId: 'm1', sourceKey: 'incoming/acme/x.mp4', media, spine, outcomes });
    expect(reportSchema.parse(report)).toEqual(report);
    expect(writeExtractiveReport({ mediaId: 'm1', sourceKey: 'incoming/acme/x.mp4', media, spine, outcomes })).toEqual(report);
    expect(report.moderation.verdict).toBe('flagged');
    expect(report.moderation.rationale).toMatch(/2 flag\(s\), highest score 0.90/);
    expect(report.entities).toEqual(
      expect.arrayContaining([
        { name: 'A <b>title</b>', type: 'work', source: 'metadata:title' },
        { name: '48.8584, 2.2945', type: 'place', source: 'metadata:location' },
        { name: 'Mr John', type: 'person', source: 'transcript' },
      ]),
    );
    expect(report.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['leisure', 'consider', 'selfish']));
    expect(report.missing).toEqual([{ analysis: 'celebrities', status: 'skipped', reason: 'no local model' }]);
    expect(report.chapters.find((c) => c.title === 'Black screen')).toMatchObject({ start: 10, end: 12 });
  });
});
