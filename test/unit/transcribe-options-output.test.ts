import { startTranscriptionInput, transcriptionOutputKey, type TranscriptionRequest } from '../../backends/aws/transcribe-job';
import { transcriptFromTranscribe } from '../../backends/aws/transcribe-transcript';
import { findProfanity } from '../../media/profanity';
import type { AudioModerationOutput } from '../../spine/branch-outputs';
import { buildSpine } from '../../spine/build-spine';

/** A pronunciation item as Transcribe writes it: times and confidence as strings. */
function word(content: string, start: number, end: number, extra: Record<string, unknown> = {}, alternative: Record<string, unknown> = {}) {
  return { type: 'pronunciation', start_time: String(start), end_time: String(end), alternatives: [{ confidence: '0.98', content, ...alternative }], ...extra };
}
function punctuation(content: string) {
  return { type: 'punctuation', alternatives: [{ confidence: '0.0', content }] };
}

describe('transcriptFromTranscribe (the Transcribe output file)', () => {
  it('keeps a redacted entity as the one [PII] word Transcribe wrote, and counts it', () => {
    // Arrange
    const raw = {
      results: {
        transcripts: [{ transcript: 'My name is [PII].' }],
        items: [
          word('My', 0, 0.2),
          word('name', 0.2, 0.4),
          word('is', 0.4, 0.5),
          word('[PII]', 0.5, 1.4, {}, { confidence: '0.0', redactions: [{ confidence: '0.9961', type: 'NAME', category: 'PII' }] }),
          punctuation('.'),
        ],
      },
    };

    // Act
    const transcript = transcriptFromTranscribe(raw, 'en-US', { redactedEntityTypes: ['NAME'] });

    // Assert
    expect(transcript.text).toBe('My name is [PII].');
    expect(transcript.segments[0]?.words.map((w) => w.word)).toEqual(['My', 'name', 'is', '[PII].']);
    expect(transcript.redaction).toEqual({ piiEntityTypes: ['NAME'], redactedWords: 1 });
  });

  it('reads toxicity_detection with numeric or string scores, and keeps none of its text', () => {
    // Arrange
    const raw = {
      results: {
        items: [word('You', 0, 0.3), word('idiot', 0.3, 0.8), punctuation('.')],
        toxicity_detection: [
          { text: 'You idiot.', toxicity: 0.9113, categories: { insult: 0.9113, profanity: '0.41' }, start_time: 0, end_time: '0.8' },
        ],
      },
    };

    // Act
    const transcript = transcriptFromTranscribe(raw, 'en-US');

    // Assert
    expect(transcript.toxicity).toEqual({
      engine: 'amazon-transcribe toxicity detection',
      segments: [{ start: 0, end: 0.8, toxicity: 0.9113, categories: { insult: 0.9113, profanity: 0.41 } }],
    });
    expect(JSON.stringify(transcript.toxicity)).not.toContain('You idiot');
  });

  it('claims no toxicity check when the output has no toxicity_detection list', () => {
    const transcript = transcriptFromTranscribe({ results: { items: [word('Hello', 0, 0.5)] } }, 'en-US');

    expect(transcript.toxicity).toBeUndefined();
    expect(transcript.redaction).toBeUndefined();
    expect(transcript.languages).toBeUndefined();
  });

  it('splits segments where the language changes and lists the languages of a multi-language job', () => {
    // Arrange
    const raw = {
      results: {
        items: [
          word('Hello', 0, 0.4, { language_code: 'en-US' }),
          word('everyone', 0.4, 0.9, { language_code: 'en-US' }),
          word('hola', 1.0, 1.3, { language_code: 'es-US' }),
          word('amigos', 1.3, 1.8, { language_code: 'es-US' }),
        ],
        language_codes: [
          { language_code: 'en-US', duration_in_seconds: 0.9 },
          { language_code: 'es-US', duration_in_seconds: 0.8 },
        ],
      },
    };

    // Act
    const transcript = transcriptFromTranscribe(raw, 'und');

    // Assert
    expect(transcript.segments.map((s) => [s.language, s.text])).toEqual([
      ['en-US', 'Hello everyone'],
      ['es-US', 'hola amigos'],
    ]);
    expect(transcript.languages).toEqual([
      { code: 'en-US', durationSeconds: 0.9 },
      { code: 'es-US', durationSeconds: 0.8 },
    ]);
    // The job reports no single language: the one spoken longest stands for the transcript.
    expect(transcript.language).toBe('en-US');
  });

  it('falls back on the words\' language codes when the output lists no language_codes', () => {
    const raw = { results: { items: [word('Bonjour', 0, 0.5, { language_code: 'fr-FR' }), word('hello', 1, 1.25, { language_code: 'en-US' })] } };

    expect(transcriptFromTranscribe(raw, 'und').languages).toEqual([
      { code: 'fr-FR', durationSeconds: 0.5 },
      { code: 'en-US', durationSeconds: 0.25 },
    ]);
  });

  it('records the identified language and its score of a single-language identification', () => {
    const raw = {
      results: {
        items: [word('Hallo', 0, 0.5)],
        language_code: 'de-DE',
        language_identification: [
          { code: 'en-US', score: '0.0120' },
          { code: 'de-DE', score: '0.9811' },
        ],
      },
    };

    expect(transcriptFromTranscribe(raw, 'de-DE').languages).toEqual([{ code: 'de-DE', score: 0.9811 }]);
  });

  it('refuses an output whose toxicity scores are not numbers', () => {
    const raw = { results: { items: [], toxicity_detection: [{ toxicity: 'high', categories: {}, start_time: 0, end_time: 1 }] } };

    expect(() => transcriptFromTranscribe(raw, 'en-US')).toThrow();
  });
});

describe('vocabulary filter matches in audio moderation (findProfanity)', () => {
  const filter = (method: 'mask' | 'tag' | 'remove') => ({ names: ['acme-blocklist'], method });

  it('counts a tagged word once, also when the dictionary matched it too', () => {
    // Arrange
    const raw = {
      results: {
        items: [word('Oh', 0, 0.2), word('darn', 0.2, 0.5, { vocabularyFilterMatch: true }), word('shit', 0.6, 0.9, { vocabularyFilterMatch: true }), punctuation('.')],
      },
    };

    // Act
    const hits = findProfanity(transcriptFromTranscribe(raw, 'en-US', { vocabularyFilter: filter('tag') }));

    // Assert
    expect(hits.filter((h) => h.term.startsWith('vocabulary filter')).map((h) => h.spoken)).toEqual(['darn']);
    expect(hits.filter((h) => h.spoken === 'shit.').every((h) => h.term === 'shit')).toBe(true);
    expect(hits.some((h) => h.spoken === 'shit.')).toBe(true);
  });

  it('counts masked words only when the filter masked them', () => {
    const raw = { results: { items: [word('Oh', 0, 0.2), word('***', 0.2, 0.5), punctuation('!')] } };

    expect(findProfanity(transcriptFromTranscribe(raw, 'en-US', { vocabularyFilter: filter('mask') })).map((h) => h.spoken)).toEqual(['***!']);
    expect(findProfanity(transcriptFromTranscribe(raw, 'en-US', { vocabularyFilter: filter('remove') }))).toEqual([]);
    expect(findProfanity(transcriptFromTranscribe(raw, 'en-US'))).toEqual([]);
  });
});

describe('startTranscriptionInput (the StartTranscriptionJob request)', () => {
  const base: TranscriptionRequest = {
    jobName: 'job-1',
    mediaUri: 's3://bucket/incoming/a.mp4',
    outputBucket: 'results',
    outputFolder: 'media/a/transcribe/',
    maxSpeakers: 4,
    subtitleFormats: [],
  };

  it('puts a fixed language\'s vocabulary and filter in Settings, redaction and toxicity at the top', () => {
    const input = startTranscriptionInput({
      ...base,
      languageCode: 'en-US',
      vocabularyName: 'acme-terms',
      vocabularyFilterName: 'acme-blocklist',
      vocabularyFilterMethod: 'mask',
      redaction: { piiEntityTypes: ['NAME', 'PHONE'] },
      toxicityDetection: true,
    });

    expect(input).toEqual({
      TranscriptionJobName: 'job-1',
      Media: { MediaFileUri: 's3://bucket/incoming/a.mp4' },
      OutputBucketName: 'results',
      OutputKey: 'media/a/transcribe/',
      LanguageCode: 'en-US',
      Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 4, VocabularyName: 'acme-terms', VocabularyFilterName: 'acme-blocklist', VocabularyFilterMethod: 'mask' },
      ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted', PiiEntityTypes: ['NAME', 'PHONE'] },
      ToxicityDetection: [{ ToxicityCategories: ['ALL'] }],
    });
  });

  it('sends vocabularies per language in LanguageIdSettings with multi-language identification', () => {
    const input = startTranscriptionInput({
      ...base,
      identifyMultipleLanguages: true,
      languageOptions: ['en-US', 'es-US'],
      languageVocabularies: { 'en-US': { vocabularyName: 'acme-en' }, 'es-US': { vocabularyFilterName: 'acme-es-filter' } },
      vocabularyFilterMethod: 'remove',
    });

    expect(input).toMatchObject({
      IdentifyMultipleLanguages: true,
      LanguageOptions: ['en-US', 'es-US'],
      LanguageIdSettings: { 'en-US': { VocabularyName: 'acme-en' }, 'es-US': { VocabularyFilterName: 'acme-es-filter' } },
      Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 4, VocabularyFilterMethod: 'remove' },
    });
    expect(input).not.toHaveProperty('IdentifyLanguage');
    expect(input).not.toHaveProperty('LanguageCode');
  });

  it('adds no option field for a request without options', () => {
    const input = startTranscriptionInput({ ...base, languageOptions: ['en-US', 'de-DE'] });

    expect(Object.keys(input).sort()).toEqual(['IdentifyLanguage', 'LanguageOptions', 'Media', 'OutputBucketName', 'OutputKey', 'Settings', 'TranscriptionJobName']);
    expect(input.Settings).toEqual({ ShowSpeakerLabels: true, MaxSpeakerLabels: 4 });
  });

  it('reads a redacted job\'s transcript from redacted-<job name>.json', () => {
    expect(transcriptionOutputKey(base, 'json')).toBe('media/a/transcribe/job-1.json');
    expect(transcriptionOutputKey({ ...base, redaction: {} }, 'json')).toBe('media/a/transcribe/redacted-job-1.json');
  });
});

describe('buildSpine with toxicity in audio moderation', () => {
  const media = { kind: 'audio' as const, durationSeconds: 10, hasVideo: false, hasAudio: true };
  const thresholds = { minConfidence: 0.2, moderation: 0.7 };
  const audioModeration = (segments: NonNullable<AudioModerationOutput['toxicity']>['segments']): AudioModerationOutput => ({
    dictionary: 'obscenity english',
    hits: [],
    coverage: { audioSeconds: 10, words: 12 },
    toxicity: { engine: 'amazon-transcribe toxicity detection', segments },
  });

  it('flags each category at or over the moderation threshold, and the verdict rests on them', () => {
    const spine = buildSpine('m', media, { audioModeration: audioModeration([{ start: 2, end: 4, toxicity: 0.93, categories: { insult: 0.93, profanity: 0.75, graphic: 0.1 } }]) }, thresholds);

    expect(spine.moderation.flags).toEqual([
      { start: 2, end: 4, source: 'audio', category: 'toxicity:insult', score: 0.93 },
      { start: 2, end: 4, source: 'audio', category: 'toxicity:profanity', score: 0.75 },
    ]);
    expect(spine.moderation.verdict).toBe('flagged');
  });

  it('flags a stretch toxic overall under its strongest category when no category passes alone', () => {
    const spine = buildSpine('m', media, { audioModeration: audioModeration([{ start: 0, end: 1, toxicity: 0.72, categories: { insult: 0.6, hate_speech: 0.4 } }]) }, thresholds);

    expect(spine.moderation.flags).toEqual([{ start: 0, end: 1, source: 'audio', category: 'toxicity:insult', score: 0.72 }]);
  });

  it('stays clean over stretches scored below the threshold', () => {
    const spine = buildSpine('m', media, { audioModeration: audioModeration([{ start: 0, end: 5, toxicity: 0.3, categories: { insult: 0.3 } }]) }, thresholds);

    expect(spine.moderation.flags).toEqual([]);
    expect(spine.moderation.verdict).toBe('clean');
  });
});
