import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTranscriptionJobCommand, StartTranscriptionJobCommand, TranscribeClient, type StartTranscriptionJobRequest, type TranscriptionJob } from '@aws-sdk/client-transcribe';
import { transcriptFromTranscribe } from '../../backends/aws/transcribe-transcript';
import { startFakeAws, type FakeAws } from '../support/fake-aws';

const S3_ENDPOINT = process.env['REELSCOPE_S3_ENDPOINT'] as string;
const BUCKET = 'reelscope-test';
const MEDIA = 'fake-aws/options-clip.mp4';

/** The error a call fails with, or undefined when it succeeds. */
const failure = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (err: unknown) => err);

describe('the fake Transcribe\'s options (real TranscribeClient over HTTP)', () => {
  let fake: FakeAws;
  let s3: S3Client;
  let transcribe: TranscribeClient;
  let jobs = 0;

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
    transcribe = new TranscribeClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' }, maxAttempts: 1 });
  });
  beforeEach(() => {
    fake.reset();
    fake.config.jobDurationMs.Transcription = 50;
    fake.config.transcriptionQueuedMs = 0;
    fake.config.mediaDurationSeconds = () => 12;
    fake.config.transcriptScript = ['Call {NAME:Grace Hopper} at {PHONE:555 0123}.', '[toxic hate_speech=0.88] Those people are vermin.', '[de-DE] Guten Morgen zusammen.'];
  });
  afterAll(async () => {
    transcribe?.destroy();
    s3?.destroy();
    await fake?.close();
  });

  function start(extra: Partial<StartTranscriptionJobRequest>) {
    const name = `fake-options-${Date.now()}-${++jobs}`;
    const request: StartTranscriptionJobRequest = {
      TranscriptionJobName: name,
      Media: { MediaFileUri: `s3://${BUCKET}/${MEDIA}` },
      OutputBucketName: BUCKET,
      OutputKey: 'fake-aws/options/',
      LanguageCode: 'en-US',
      ...extra,
    };
    return { name, call: transcribe.send(new StartTranscriptionJobCommand(request)) };
  }
  async function finished(name: string): Promise<TranscriptionJob> {
    for (let i = 0; i < 200; i++) {
      const { TranscriptionJob: job } = await transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }));
      if (job?.TranscriptionJobStatus === 'COMPLETED') return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${name} did not complete`);
  }
  async function read(key: string): Promise<Record<string, unknown> & { results: Record<string, unknown> }> {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString();
    return JSON.parse(body ?? '{}') as Record<string, unknown> & { results: Record<string, unknown> };
  }

  it.each<[string, Partial<StartTranscriptionJobRequest>, RegExp]>([
    ['a vocabulary name with a space', { Settings: { VocabularyName: 'my terms' } }, /settings\.vocabularyName failed to satisfy constraint|at 'settings\.vocabularyName'/],
    ['a filter without its method', { Settings: { VocabularyFilterName: 'blocklist' } }, /VocabularyFilterMethod is required/],
    ['a vocabulary in Settings with identification', { LanguageCode: undefined, IdentifyLanguage: true, Settings: { VocabularyName: 'terms' } }, /LanguageIdSettings/],
    [
      'LanguageIdSettings for a language not among the options',
      { LanguageCode: undefined, IdentifyLanguage: true, LanguageOptions: ['en-US', 'es-US'], LanguageIdSettings: { 'fr-FR': { VocabularyName: 'v' } } },
      /fr-FR in LanguageIdSettings must also be in LanguageOptions/,
    ],
    ['ContentRedaction without RedactionOutput', { ContentRedaction: { RedactionType: 'PII', RedactionOutput: undefined } }, /contentRedaction\.redactionOutput/],
    ['an unknown PII entity type', { ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted', PiiEntityTypes: ['SHOE_SIZE' as never] } }, /piiEntityTypes\.1\.member/],
    ['redaction with multi-language identification', { LanguageCode: undefined, IdentifyMultipleLanguages: true, ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted' } }, /not supported with multi-language/],
    ['toxicity in another language than en-US', { LanguageCode: 'de-DE', ToxicityDetection: [{ ToxicityCategories: ['ALL'] }] }, /only supported for en-US/],
    ['toxicity without its categories', { ToxicityDetection: [{ ToxicityCategories: [] }] }, /toxicityCategories/],
  ])('refuses %s with BadRequestException', async (_what, extra, message) => {
    // Act
    const error = await failure(start(extra).call);

    // Assert
    expect(error).toMatchObject({ name: 'BadRequestException', message: expect.stringMatching(message) });
  });

  it('writes only redacted-<job>.json for RedactionOutput "redacted", with one [PII] item per entity and its redactions', async () => {
    // Act
    const { name, call } = start({ ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted', PiiEntityTypes: ['NAME'] } });
    await call;
    const job = await finished(name);
    const document = await read(`fake-aws/options/redacted-${name}.json`);
    const unredacted = await failure(read(`fake-aws/options/${name}.json`));

    // Assert
    expect(job.Transcript?.RedactedTranscriptFileUri).toMatch(new RegExp(`/fake-aws/options/redacted-${name}\\.json$`));
    expect(job.Transcript?.TranscriptFileUri).toBeUndefined();
    expect(unredacted).toMatchObject({ name: 'NoSuchKey' });
    // NAME only: the phone number stays.
    expect((document.results['transcripts'] as { transcript: string }[])[0]?.transcript).toMatch(/^Call \[PII\] at 555 0123\./);
    const redacted = (document.results['items'] as { alternatives: { content: string; redactions?: unknown[] }[] }[]).filter((i) => i.alternatives[0]?.content === '[PII]');
    expect(redacted).toEqual([
      expect.objectContaining({ type: 'pronunciation', alternatives: [{ confidence: '0.0', content: '[PII]', redactions: [{ confidence: '0.9961', type: 'NAME', category: 'PII' }] }] }),
    ]);
  });

  it('writes both transcripts for "redacted_and_unredacted"', async () => {
    const { name, call } = start({ ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted_and_unredacted' } });
    await call;
    const job = await finished(name);

    expect(job.Transcript?.TranscriptFileUri).toMatch(new RegExp(`/fake-aws/options/${name}\\.json$`));
    expect(JSON.stringify(await read(`fake-aws/options/${name}.json`))).toContain('Grace');
    expect(JSON.stringify(await read(`fake-aws/options/redacted-${name}.json`))).not.toContain('Grace');
  });

  it.each([
    ['mask', 'Well *** it.', { content: '***' }],
    ['remove', 'Well it.', undefined],
    ['tag', 'Well darn it.', { content: 'darn', vocabularyFilterMatch: true }],
  ] as const)('applies a vocabulary filter in %s mode to the words it lists', async (method, text, item) => {
    // Arrange
    fake.config.transcriptScript = ['Well ~darn~ it.'];

    // Act
    const { name, call } = start({ Settings: { VocabularyFilterName: 'blocklist', VocabularyFilterMethod: method } });
    await call;
    await finished(name);
    const document = await read(`fake-aws/options/${name}.json`);

    // Assert
    expect((document.results['transcripts'] as { transcript: string }[])[0]?.transcript).toBe(text);
    const items = document.results['items'] as { alternatives: { content: string }[]; vocabularyFilterMatch?: boolean }[];
    const second = items[1];
    if (item) expect({ content: second?.alternatives[0]?.content, ...(second?.vocabularyFilterMatch ? { vocabularyFilterMatch: true } : {}) }).toEqual(item);
    else expect(items.map((i) => i.alternatives[0]?.content)).toEqual(['Well', 'it', '.']);
  });

  it('scores every sentence in toxicity_detection with the seven categories', async () => {
    // Act
    const { name, call } = start({ ToxicityDetection: [{ ToxicityCategories: ['ALL'] }] });
    await call;
    await finished(name);
    const document = await read(`fake-aws/options/${name}.json`);

    // Assert
    const scored = document.results['toxicity_detection'] as { toxicity: number; categories: Record<string, number>; start_time: number; end_time: number }[];
    expect(scored).toHaveLength(3);
    expect(Object.keys(scored[1]?.categories ?? {}).sort()).toEqual(['graphic', 'harassment_or_abuse', 'hate_speech', 'insult', 'profanity', 'sexual', 'violence_or_threat']);
    expect(scored[1]).toMatchObject({ toxicity: 0.88, categories: expect.objectContaining({ hate_speech: 0.88 }) });
    expect(scored[0]?.toxicity).toBeLessThan(0.1);
    expect(transcriptFromTranscribe(document, 'en-US').toxicity?.segments).toHaveLength(3);
  });

  it('answers multi-language identification with per-item language codes, language_codes and the job\'s LanguageCodes', async () => {
    // Act
    const { name, call } = start({ LanguageCode: undefined, IdentifyMultipleLanguages: true, LanguageOptions: ['en-US', 'de-DE'], LanguageIdSettings: { 'de-DE': { VocabularyName: 'de-terms' } } });
    await call;
    const job = await finished(name);
    const document = await read(`fake-aws/options/${name}.json`);

    // Assert
    expect(job.LanguageCode).toBeUndefined();
    expect(job.IdentifyMultipleLanguages).toBe(true);
    expect(job.LanguageCodes?.map((l) => l.LanguageCode)).toEqual(['en-US', 'de-DE']);
    expect(document.results['language_codes']).toEqual([
      { language_code: 'en-US', duration_in_seconds: expect.any(Number) },
      { language_code: 'de-DE', duration_in_seconds: expect.any(Number) },
    ]);
    const codes = new Set((document.results['items'] as { type: string; language_code?: string }[]).filter((i) => i.type === 'pronunciation').map((i) => i.language_code));
    expect([...codes]).toEqual(['en-US', 'de-DE']);
  });
});
