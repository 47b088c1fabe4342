import type { AnalysisOutcome, MediaFacts } from '../../common/types';
import { writeExtractiveReport } from '../../report/extractive-writer';
import { analyseTranscript, MAX_ANALYSED_CHARACTERS } from '../../report/nlp/analyse-transcript';
import { reportSchema } from '../../report/report-schema';
import type { BranchOutputs } from '../../spine/branch-outputs';
import { buildSpine } from '../../spine/build-spine';
import { defaultConfig } from '../support/fake-aws/config';

/**
 * What pocketsphinx's en-us model recognises in the demo clip (local/sample-clip.ts: LibriVox's
 * Sense and Sensibility), as the local backend's transcript: lowercase, no punctuation, misheard.
 */
const demoClipSpeech = [
  { start: 0.31, end: 7.09, confidence: 0.572, text: 'mr john s. one and then at leisure to consider how much there might be greatly in his power to do how about' },
  { start: 7.28, end: 9.78, confidence: 0.603, text: 'he was not until this blows young man' },
  { start: 10.3, end: 15.07, confidence: 0.56, text: 'less to be rather cold hearted and rather selfish is to be olds those' },
  { start: 18.11, end: 20.9, confidence: 0.797, text: 'he might even have been made the amiable himself' },
];

/** The novel's opening as Amazon Transcribe would write a reading of it: cased and punctuated. */
const casedReading = [
  'The family of Dashwood had long been settled in Sussex.',
  'Their estate was large, and their residence was at Norland Park, in the centre of their property.',
  'Mr. John Dashwood had then leisure to consider how much there might be prudently in his power to do for them.',
  'He was not an ill-disposed young man, unless to be rather cold hearted and rather selfish is to be ill-disposed.',
  'John Dashwood wrote to the Bank of England about the estate.',
];

const clip: MediaFacts = {
  kind: 'video',
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSeconds: 21.2,
  sizeBytes: 1_000_000,
  streamCount: 2,
  video: { codec: 'h264', width: 640, height: 360, framesPerSecond: 25 },
  audio: { codec: 'aac', sampleRate: 16000, channels: 1 },
  title: 'Sense and Sensibility (LibriVox excerpt)',
  location: { latitude: 48.8584, longitude: 2.2945, iso6709: '+48.8584+002.2945/' },
};
const outcomes: AnalysisOutcome[] = [
  { kind: 'transcript', status: 'succeeded', summary: '54 words' },
  { kind: 'visualModeration', status: 'succeeded', summary: 'ok' },
  { kind: 'audioModeration', status: 'succeeded', summary: 'ok' },
];
const thresholds = { minConfidence: 0.2, moderation: 0.7 };

function clipReport(segments: { start: number; end: number; confidence: number; text: string }[], media: MediaFacts = clip) {
  const outputs: BranchOutputs = {
    transcript: {
      engine: 'pocketsphinx en-us',
      language: 'en-US',
      text: segments.map((s) => s.text).join(' '),
      wordCount: segments.reduce((n, s) => n + s.text.split(' ').length, 0),
      segments: segments.map((s) => ({ ...s, words: [] })),
      audioSeconds: 21.2,
    },
    shots: {
      sceneCuts: [6, 10, 12, 17],
      shots: [{ start: 0, end: 6 }, { start: 6, end: 10 }, { start: 10, end: 12 }, { start: 12, end: 17 }, { start: 17, end: 21.2 }],
      blackSegments: [{ start: 10, end: 12 }],
      silences: [{ start: 15.1, end: 17.6 }],
    },
  };
  const spine = buildSpine('m-demo', { kind: 'video', durationSeconds: 21.2, hasVideo: true, hasAudio: true }, outputs, thresholds);
  return writeExtractiveReport({ mediaId: 'm-demo', sourceKey: 'incoming/demo/sample.mp4', media, spine, outcomes });
}

function spoken(texts: string[], confidence = 0.9) {
  return texts.map((text, i) => ({ start: i * 4, end: i * 4 + 3.5, confidence, text }));
}

describe('extractive report topics and entities from the transcript', () => {
  it('gives the demo clip noun-phrase topics and the person it names, beside its metadata entities', () => {
    const report = clipReport(demoClipSpeech);

    expect(reportSchema.parse(report)).toEqual(report);
    expect(report.topics.map((t) => t.name)).toEqual(['young man', 'blow', 'leisure', 'power', 'old']);
    expect(report.topics[0]?.weight).toBe(1);
    for (const topic of report.topics) expect(topic.weight).toBeGreaterThan(0);
    // Words the old keyword counter picked: an adverb, an adjective, a verb.
    expect(report.topics.map((t) => t.name)).not.toEqual(expect.arrayContaining(['rather']));
    expect(report.topics.map((t) => t.name)).not.toEqual(expect.arrayContaining(['amiable']));
    expect(report.topics.map((t) => t.name)).not.toEqual(expect.arrayContaining(['made']));
    expect(report.entities).toEqual([
      { name: 'Sense and Sensibility (LibriVox excerpt)', type: 'work', source: 'metadata:title' },
      { name: '48.8584, 2.2945', type: 'place', source: 'metadata:location' },
      { name: 'Mr John', type: 'person', source: 'transcript' },
    ]);
    expect(report.summary).toContain('Most representative line: "mr john s. one and then at leisure');
  });

  it('is deterministic: the same transcript gives the same topics and entities', () => {
    const first = clipReport(demoClipSpeech);
    const again = clipReport(demoClipSpeech.map((s) => ({ ...s })));
    expect(again.topics).toEqual(first.topics);
    expect(again.entities).toEqual(first.entities);
  });

  it('finds lemmatised multi-word phrases in a Transcribe transcript (the fake AWS script)', () => {
    const report = clipReport(spoken(defaultConfig().transcriptScript));

    expect(report.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['durable workflow', 'state machine']));
    // "a lot", "the show": generic or stop-listed nouns are not topics; a capital that opens
    // a sentence ("Welcome") is not a name.
    expect(report.topics.map((t) => t.name)).not.toEqual(expect.arrayContaining(['lot']));
    expect(report.entities.filter((e) => e.source === 'transcript')).toEqual([]);
  });

  it('types names by their honorific or the words in them, merges a name said without its title, and keeps places and organisations as topics', () => {
    const report = clipReport(spoken(casedReading));
    const transcriptEntities = report.entities.filter((e) => e.source === 'transcript');

    expect(transcriptEntities).toEqual(
      expect.arrayContaining([
        { name: 'Mr. John Dashwood', type: 'person', source: 'transcript' },
        { name: 'John Dashwood', type: 'person', source: 'transcript' },
        { name: 'Norland Park', type: 'place', source: 'transcript' },
        { name: 'Bank of England', type: 'organization', source: 'transcript' },
        { name: 'Sussex', type: 'other', source: 'transcript' },
      ]),
    );
    expect(transcriptEntities.map((e) => e.name)).not.toContain('The');
    expect(report.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['young man', 'Norland Park']));
    expect(report.topics.map((t) => t.name)).not.toContain('John Dashwood');
  });

  it('does not repeat a name the metadata already gives, whatever its case', () => {
    const report = clipReport(spoken(casedReading), { ...clip, title: 'NORLAND PARK' });
    expect(report.entities.filter((e) => e.name.toLowerCase() === 'norland park')).toEqual([
      { name: 'NORLAND PARK', type: 'work', source: 'metadata:title' },
    ]);
  });

  it('takes an honorific before a noun as a name, not a verb that spells like one', () => {
    const { names } = analyseTranscript([
      { text: 'i miss home and then miss marianne smiled', confidence: 0.8 },
      { text: 'doctor please call mrs jennings', confidence: 0.8 },
    ]);
    expect(names).toEqual([
      { name: 'Miss Marianne', type: 'person', mentions: 1 },
      { name: 'Mrs Jennings', type: 'person', mentions: 1 },
    ]);
  });
});

describe('analyseTranscript ranking and bounds', () => {
  it('counts phrases that share a head noun towards each other, and trusts confident speech more', () => {
    const { topics } = analyseTranscript([
      { text: 'the state machine polled every job', confidence: 0.9 },
      { text: 'a durable workflow waits', confidence: 0.9 },
      { text: 'each machine needs a wait loop', confidence: 0.9 },
      { text: 'the media team met', confidence: 0.3 },
    ]);
    const weight = (name: string) => topics.find((t) => t.name === name)?.weight;

    // state machine: 0.9 + half of machine's 0.9; durable workflow: 0.9 alone.
    expect(topics[0]).toMatchObject({ name: 'state machine', weight: 1, segments: [0] });
    expect(weight('durable workflow')).toBeCloseTo(0.9 / 1.35, 3);
    expect(weight('media team')).toBeCloseTo(0.3 / 1.35, 3);
    expect(weight('machine')).toBe(1);
    expect(topics.map((t) => t.name).indexOf('state machine')).toBeLessThan(topics.map((t) => t.name).indexOf('machine'));
  });

  it('bounds the number and length of topics, and the text it reads', () => {
    const nouns = ['river', 'garden', 'letter', 'carriage', 'cottage', 'fortune', 'estate', 'sister', 'mother', 'house', 'village', 'dinner'];
    const many = nouns.map((noun) => ({ text: `the old country ${noun} stood by the quiet ${noun} path`, confidence: 0.8 }));
    const { topics } = analyseTranscript(many);
    expect(topics.length).toBeLessThanOrEqual(8);
    for (const topic of topics) {
      expect(topic.name.split(' ').length).toBeLessThanOrEqual(4);
      expect(topic.weight).toBeGreaterThanOrEqual(0);
      expect(topic.weight).toBeLessThanOrEqual(1);
    }

    const filler = { text: `${'the durable workflow ran '.repeat(40)}`.trim(), confidence: 0.8 };
    const long = Array.from({ length: Math.ceil(MAX_ANALYSED_CHARACTERS / filler.text.length) + 5 }, () => filler);
    long.push({ text: 'the wandering albatross', confidence: 0.99 });
    const capped = analyseTranscript(long);
    expect(capped.segmentsAnalysed).toBeLessThan(long.length);
    expect(capped.topics.map((t) => t.name)).not.toContain('wandering albatross');
  });
});
