import { writeExtractiveReport } from '../../report/extractive-writer';
import { reportSchema } from '../../report/report-schema';
import type { BranchOutputs } from '../../spine/branch-outputs';
import { buildSpine, type SpineMedia } from '../../spine/build-spine';
import type { AnalysisOutcome, MediaFacts } from '../../common/types';

const video20: SpineMedia = { kind: 'video', durationSeconds: 20, hasVideo: true, hasAudio: true };

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
    const spine = buildSpine('m1', video20, outputs, thresholds);
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

    const spine = buildSpine('m3', video20, awsOutputs, thresholds);

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
    const spine = buildSpine('m2', { kind: 'audio', durationSeconds: 20, hasVideo: false, hasAudio: true }, { ...outputs, shots: { ...outputs.shots!, shots: [{ start: 0, end: 20 }] } }, thresholds);
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
    const spine = buildSpine('m1', video20, outputs, thresholds);
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
    // Topics are noun phrases: the verb "consider" and the lone adjective "selfish" are not.
    expect(report.topics.map((t) => t.name)).toEqual(['leisure']);
    expect(report.missing).toEqual([{ analysis: 'celebrities', status: 'skipped', reason: 'no local model' }]);
    expect(report.chapters.find((c) => c.title === 'Black screen')).toMatchObject({ start: 10, end: 12 });
  });
});

describe('editorial outputs of the extractive report', () => {
  const media: MediaFacts = {
    kind: 'video',
    formatName: 'mp4',
    durationSeconds: 240,
    sizeBytes: 1,
    streamCount: 2,
    video: { codec: 'h264', width: 640, height: 360, framesPerSecond: 25 },
    audio: { codec: 'aac', sampleRate: 16000, channels: 1 },
  };
  const long: SpineMedia = { kind: 'video', durationSeconds: 240, hasVideo: true, hasAudio: true };
  const outcomes: AnalysisOutcome[] = [
    { kind: 'visualModeration', status: 'succeeded', summary: 'ok' },
    { kind: 'audioModeration', status: 'succeeded', summary: 'ok' },
  ];
  const sportsAndSilence: BranchOutputs = {
    transcript: {
      engine: 'ps',
      language: 'en-US',
      text: '',
      wordCount: 0,
      segments: [
        { start: 2, end: 40, text: 'the team scored a goal late in the football match', confidence: 0.9, words: [] },
        { start: 130, end: 170, text: 'and then the weather turned and we all went quietly home', confidence: 0.9, words: [] },
      ],
    },
    shots: {
      sceneCuts: [3, 120, 150],
      shots: [{ start: 0, end: 3 }, { start: 3, end: 120 }, { start: 120, end: 150 }, { start: 150, end: 240 }],
      blackSegments: [{ start: 119.5, end: 120.4 }],
      silences: [{ start: 2.5, end: 3.5 }, { start: 110, end: 125 }, { start: 148, end: 151 }],
    },
    faces: {
      model: 'test detector',
      knownPeopleSearched: 0,
      matchThreshold: 0.8,
      faces: [{ time: 10, confidence: 0.9 }, { time: 11, confidence: 0.95 }],
    },
  };

  it('writes a valid SEO description, a category per chapter where one fits, ad breaks and the faces', () => {
    // Act
    const spine = buildSpine('m5', long, sportsAndSilence, thresholds);
    const report = writeExtractiveReport({ mediaId: 'm5', sourceKey: 'incoming/acme/match.mp4', media, spine, outcomes });

    // Assert
    expect(reportSchema.parse(report)).toEqual(report);
    expect(report.seoDescription).toMatch(/^A 4 min 0 s video/);
    expect([...(report.seoDescription ?? '')].length).toBeLessThanOrEqual(160);
    const sports = report.chapters.find((c) => c.summary.includes('football'));
    expect(sports?.category).toEqual({ id: '483', name: 'Sports', source: 'keywords', matched: ['football', 'match', 'team', 'goal'] });
    // "weather" alone is one word of Science: not enough, so no category is claimed.
    expect(report.chapters.find((c) => c.summary.includes('weather'))).not.toHaveProperty('category');
    // The cut at 3 s is inside silence but within the first 5 s; 120 and 150 are 30 s apart, under the 60 s gap.
    expect(report.adBreaks?.suggestions).toEqual([
      { time: 120, rank: 1, silenceSeconds: 15, blackNearby: true, reason: 'shot change inside 15.0 s of silence (110.0–125.0 s), black frames at 119.5–120.4 s' },
    ]);
    expect(report.faces).toEqual({ faceCount: 2, knownPeopleSearched: 0, statement: '2 faces seen. No known people enrolled: faces were not compared.', knownPeople: [] });
  });

  it('names the known people with their time ranges and says how many were compared', () => {
    // Arrange
    const ada = { personId: 'p-ada', name: 'Ada Lovelace', similarity: 0.91 };
    const withPeople: BranchOutputs = {
      ...sportsAndSilence,
      faces: { model: 'test detector', knownPeopleSearched: 3, matchThreshold: 0.8, faces: [{ time: 10, confidence: 0.9, match: ada }, { time: 14, confidence: 0.9, match: { ...ada, similarity: 0.97 } }] },
    };

    // Act
    const spine = buildSpine('m6', long, withPeople, thresholds);
    const report = writeExtractiveReport({ mediaId: 'm6', sourceKey: 'incoming/acme/match.mp4', media, spine, outcomes });

    // Assert
    expect(report.faces).toEqual({
      faceCount: 2,
      knownPeopleSearched: 3,
      statement: '2 faces seen. Compared with 3 known people.',
      knownPeople: [{ personId: 'p-ada', name: 'Ada Lovelace', ranges: [{ start: 10, end: 14, similarity: 0.97 }] }],
    });
    expect(report.seoDescription).toContain('Features Ada Lovelace.');
  });

  it('gives audio no ad breaks (no shots) and a report without face detection no faces section', () => {
    // Act
    const spine = buildSpine('m7', { kind: 'audio', durationSeconds: 20, hasVideo: false, hasAudio: true }, { ...outputs, shots: { ...outputs.shots!, shots: [{ start: 0, end: 20 }] } }, thresholds);
    const report = writeExtractiveReport({ mediaId: 'm7', sourceKey: 'incoming/acme/a.m4a', media: { ...media, kind: 'audio', durationSeconds: 20, video: undefined }, spine, outcomes });

    // Assert
    expect(report).not.toHaveProperty('adBreaks');
    expect(report).not.toHaveProperty('faces');
    expect(report.seoDescription).toMatch(/^A 20 s audio recording/);
  });
});

describe('moderation verdicts state what they rest on', () => {
  const png: MediaFacts = {
    kind: 'image',
    formatName: 'png_pipe',
    durationSeconds: 0,
    sizeBytes: 1,
    streamCount: 1,
    video: { codec: 'png', width: 640, height: 480, framesPerSecond: 25 },
  };
  const clip: MediaFacts = {
    kind: 'video',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    durationSeconds: 6,
    sizeBytes: 1,
    streamCount: 2,
    video: { codec: 'h264', width: 320, height: 180, framesPerSecond: 25 },
    audio: { codec: 'aac', sampleRate: 44100, channels: 1 },
  };
  const voice: MediaFacts = { kind: 'audio', formatName: 'mov,mp4,m4a,3gp,3g2,mj2', durationSeconds: 6, sizeBytes: 1, streamCount: 1, audio: { codec: 'aac', sampleRate: 8000, channels: 1 } };
  const streams = (media: MediaFacts): SpineMedia => ({ kind: media.kind, durationSeconds: media.durationSeconds, hasVideo: !!media.video, hasAudio: !!media.audio });
  const succeeded = (...kinds: AnalysisOutcome['kind'][]): AnalysisOutcome[] => kinds.map((kind) => ({ kind, status: 'succeeded', summary: 'ok' }));
  const neutral = { Drawing: 0.01, Hentai: 0.01, Neutral: 0.96, Porn: 0.01, Sexy: 0.01 };
  const frames = (times: number[]): BranchOutputs['visualModeration'] => ({
    model: 'nsfwjs',
    intervalSeconds: 2,
    explicitClasses: ['Porn', 'Hentai', 'Sexy'],
    samples: times.map((time) => ({ time, scores: neutral })),
    coverage: { frames: times.length, start: times[0] ?? 0, end: Math.min(6, (times[times.length - 1] ?? 0) + 2) },
  });
  const heard = (audioSeconds: number, words: number): BranchOutputs['audioModeration'] => ({ dictionary: 'test', hits: [], coverage: { audioSeconds, words } });
  const report = (media: MediaFacts, outputs: BranchOutputs, outcomes: AnalysisOutcome[]) => {
    const spine = buildSpine('m', streams(media), outputs, thresholds);
    const written = writeExtractiveReport({ mediaId: 'm', sourceKey: 'incoming/acme/x', media, spine, outcomes });
    expect(reportSchema.parse(written)).toEqual(written);
    return { spine, report: written };
  };

  it('calls a still whose moderation checked no frame unverified, never clean', () => {
    // Arrange: what visual moderation wrote before it had to check the first frame.
    const outputs: BranchOutputs = { visualModeration: { model: 'nsfwjs', intervalSeconds: 2, samples: [] } };

    // Act
    const { spine, report: written } = report(png, outputs, succeeded('visualModeration'));

    // Assert
    expect(spine.moderation.verdict).toBe('unverified');
    expect(written.moderation.verdict).toBe('unverified');
    expect(written.moderation.coverage).toMatchObject({ statement: 'Picture: not checked.', gaps: [expect.stringMatching(/picture was not checked/)] });
    expect(written.moderation.rationale).toMatch(/Unverified: the picture was not checked/);
    expect(written.moderation.rationale).not.toMatch(/clean/);
  });

  it('is clean only when the picture and the sound were covered, and says over what', () => {
    // Act
    const covered = report(clip, { visualModeration: frames([0, 2, 4]), audioModeration: heard(6, 12) }, succeeded('visualModeration', 'audioModeration'));
    const noSound = report(clip, { visualModeration: frames([0, 2, 4]) }, [
      ...succeeded('visualModeration'),
      { kind: 'audioModeration', status: 'failed', summary: 'boom' },
    ]);
    const firstSecondsOnly = report(clip, { visualModeration: frames([0]), audioModeration: heard(1.5, 2) }, succeeded('visualModeration', 'audioModeration'));
    const still = report(png, { visualModeration: { ...frames([0])!, coverage: { frames: 1, start: 0, end: 0 } } }, succeeded('visualModeration'));

    // Assert
    expect(covered.report.moderation.verdict).toBe('clean');
    expect(covered.report.moderation.coverage.statement).toBe(
      'Picture: 3 frames checked over 0.0–6.0 s of 6.0 s. Sound: 6.0 s of audio transcribed, 12 words checked for profanity.',
    );
    expect(covered.report.moderation.coverage).toMatchObject({ picture: { frames: 3, start: 0, end: 6 }, sound: { audioSeconds: 6, words: 12 }, gaps: [] });
    expect(covered.report.moderation.rationale).toContain('Picture: 3 frames checked over 0.0–6.0 s');
    expect(noSound.report.moderation.verdict).toBe('unverified');
    expect(noSound.report.moderation.coverage.gaps).toEqual(['the sound was not checked (audio moderation did not succeed)']);
    expect(firstSecondsOnly.report.moderation.verdict).toBe('unverified');
    expect(firstSecondsOnly.report.moderation.coverage.gaps).toEqual([
      'the picture was checked only over 0.0–2.0 s of 6.0 s',
      'the sound was checked only over 1.5 s of 6.0 s',
    ]);
    expect(still.report.moderation.verdict).toBe('clean');
    expect(still.report.moderation.coverage.statement).toBe('Picture: the still image checked (1 frame).');
  });

  it('never calls a damaged file clean, and notes where and how much in the spine and the report', () => {
    // Arrange
    const damage = { decodeErrors: 224, videoErrors: 80, audioErrors: 144, start: 2, end: 6 };
    const shots = { sceneCuts: [], shots: [{ start: 0, end: 6 }], blackSegments: [], silences: [], damage };

    // Act
    const { spine, report: written } = report(clip, { shots, visualModeration: frames([0, 2, 4]), audioModeration: heard(6, 0) }, succeeded('shots', 'visualModeration', 'audioModeration'));

    // Assert
    expect(spine.damage).toEqual(damage);
    expect(written.moderation.verdict).toBe('unverified');
    expect(written.damage).toEqual(damage);
    expect(written.summary).toContain('The file is damaged: 224 decode errors (80 video, 144 audio) between 2.0 s and 6.0 s.');
    expect(written.moderation.coverage.statement).toContain('Damage: 224 decode errors');
    expect(written.moderation.rationale).toMatch(/Unverified: the file is damaged/);
  });

  it('describes media by kind: an image is an image, audio has no shots', () => {
    // Act
    const image = report(png, { visualModeration: frames([0]) }, succeeded('visualModeration'));
    const audio = report(voice, { shots: { sceneCuts: [], shots: [], blackSegments: [], silences: [] }, audioModeration: heard(6, 0) }, succeeded('shots', 'audioModeration'));

    // Assert
    expect(image.report.summary).toMatch(/^A 640x480 PNG image\./);
    expect(image.report.summary).not.toMatch(/\b0 s\b|video|shot|speech/);
    expect(image.report.chapters).toEqual([{ title: 'Chapter 1', start: 0, end: 0, summary: 'A still image.' }]);
    expect(audio.report.summary).toMatch(/^A 6 s aac audio recording\./);
    expect(JSON.stringify(audio.report)).not.toMatch(/shot/i);
  });

  it('keeps speech under the confidence threshold, marked, in the spine, the chapters and the report', () => {
    // Arrange: a 10 dB SNR clip scores 0.25 and an 8 kHz one 0.32 with pocketsphinx; here under a 0.4 threshold.
    const transcript: BranchOutputs['transcript'] = {
      engine: 'ps',
      language: 'en-US',
      text: 'the sound of rain a quiet morning',
      wordCount: 7,
      audioSeconds: 6,
      segments: [
        { start: 0.5, end: 2.5, text: 'the sound of rain', confidence: 0.25, words: [] },
        { start: 3, end: 5, text: 'a quiet morning', confidence: 0.32, words: [] },
      ],
    };
    const media = streams(voice);

    // Act
    const spine = buildSpine('m', media, { transcript, audioModeration: heard(6, 7) }, { ...thresholds, minConfidence: 0.4 });
    const written = writeExtractiveReport({ mediaId: 'm', sourceKey: 'incoming/acme/rain.m4a', media: voice, spine, outcomes: succeeded('transcript', 'audioModeration') });

    // Assert
    expect(spine.speech).toEqual([]);
    expect(spine.lowConfidenceSpeech.map((s) => s.text)).toEqual(['the sound of rain', 'a quiet morning']);
    expect(spine.lowConfidenceSpeechSeconds).toBe(4);
    expect(spine.segments[0]?.lowConfidenceSpeech).toBe('the sound of rain a quiet morning');
    expect(written.lowConfidenceSpeech).toEqual({ segments: 2, seconds: 4, threshold: 0.4 });
    expect(written.summary).toContain('No speech was recognised above confidence 0.4; 4 s of speech (2 segments) recognised below confidence 0.4, kept and marked low-confidence.');
    expect(written.chapters[0]).toMatchObject({ title: 'Chapter 1 (unclear speech)', summary: 'Low-confidence speech: "the sound of rain a quiet morning"' });
  });
});
