import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import type { AnalysisInput, AnalysisOutcome, SpineSummary } from '../../common/types';
import type { Spine } from '../../spine/spine';
import type { AudioModerationOutput, TranscriptOutput } from '../../spine/branch-outputs';
import { ObjectStore } from '../../storage/object-store';
import { createActivityDeps } from '../../worker/activity-deps';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';

/** Tenants with options, and `plain` with none (no entry, no `*` default). */
const TENANT_OPTIONS = {
  acme: {
    languageCode: 'en-US',
    vocabularyName: 'acme-terms',
    vocabularyFilterName: 'acme-blocklist',
    vocabularyFilterMethod: 'mask',
    redaction: { piiEntityTypes: ['NAME', 'PHONE'] },
    toxicityDetection: true,
  },
  globex: {
    identifyLanguages: 'multiple',
    languageOptions: ['en-US', 'es-US'],
    languageVocabularies: { 'en-US': { vocabularyName: 'globex-en' }, 'es-US': { vocabularyName: 'globex-es' } },
  },
};

/** What the fake "hears": a word acme's filter lists, PII, a toxic sentence and a Spanish one (see transcribe-script.ts). */
const SCRIPT = [
  'Welcome back to the ~darn~ show.',
  'My name is {NAME:Ada Lovelace} and my number is {PHONE:555 0199}.',
  '[toxic insult=0.91 profanity=0.35] You are a complete idiot.',
  '[es-US] Hola a todos y gracias por venir.',
];

describe('Transcribe options per tenant (MockActivityEnvironment, real TranscribeClient against the fake AWS)', () => {
  let fake: FakeAws;
  let config: WorkerConfig;
  let clients: AwsClients;
  let activities: ReelscopeActivities;
  let store: ObjectStore;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    const { REELSCOPE_KEYFRAME_SAMPLING_SECONDS: _sampling, ...env } = process.env;
    config = loadWorkerConfig({ ...env, ...awsBackendEnv(fake, { REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: JSON.stringify(TENANT_OPTIONS) }) });
    clients = createAwsClients(config.aws);
    activities = createActivities(createActivityDeps(config, clients, { error() {}, info() {} }));
    store = new ObjectStore(clients.s3, config.bucket);
  });
  beforeEach(() => {
    fake.reset();
    fake.config.jobDurationMs.Transcription = 100;
    fake.config.transcriptionQueuedMs = 0;
    fake.config.mediaDurationSeconds = () => 20;
    fake.config.transcriptScript = SCRIPT;
  });
  afterAll(async () => {
    clients?.destroy();
    await fake?.close();
  });

  async function mediaInput(tenant: string, mediaId: string): Promise<AnalysisInput> {
    const key = `incoming/${tenant}/${mediaId}.mp4`;
    const body = 'the fake Transcribe never decodes media';
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body }));
    return {
      mediaId,
      tenant,
      source: { bucket: config.bucket, key, sizeBytes: body.length },
      media: { kind: 'audio', formatName: 'mov,mp4', durationSeconds: 20, sizeBytes: body.length, streamCount: 1, audio: { codec: 'aac', sampleRate: 48_000, channels: 2 } },
    };
  }

  function environment(mediaId: string) {
    return new MockActivityEnvironment({ workflowExecution: { workflowId: `media-${mediaId}`, runId: `run-${mediaId}` }, startToCloseTimeoutMs: 60_000 });
  }

  /** Transcript, audio moderation and reduce, as the workflow runs them. */
  async function analyse(tenant: string, mediaId: string) {
    const input = await mediaInput(tenant, mediaId);
    const transcript: AnalysisOutcome = await environment(mediaId).run(activities.analyzeTranscript, input);
    const audio: AnalysisOutcome = await environment(mediaId).run(activities.analyzeAudioModeration, { ...input, transcriptRef: transcript.ref });
    const summary: SpineSummary = await environment(mediaId).run(activities.reduceSpine, { mediaId, tenant, media: input.media, outcomes: [transcript, audio] });
    const [job] = fake.jobs();
    if (!job) throw new Error('no Transcribe job was started');
    return {
      transcript,
      audio,
      job,
      output: await store.getJson<TranscriptOutput>(transcript.ref as string),
      moderation: await store.getJson<AudioModerationOutput>(audio.ref as string),
      spine: await store.getJson<Spine>(summary.ref),
    };
  }

  it('sends a tenant\'s vocabulary, filter, redaction and toxicity options exactly as configured', async () => {
    // Act
    const { job } = await analyse('acme', 'm-options-request');

    // Assert
    const { TranscriptionJobName: _name, Media: _media, OutputKey: _key, OutputBucketName: _bucket, ...options } = job.request;
    expect(options).toEqual({
      LanguageCode: 'en-US',
      Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: config.awsBackend.transcribe.maxSpeakers, VocabularyName: 'acme-terms', VocabularyFilterName: 'acme-blocklist', VocabularyFilterMethod: 'mask' },
      ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted', PiiEntityTypes: ['NAME', 'PHONE'] },
      ToxicityDetection: [{ ToxicityCategories: ['ALL'] }],
    });
  });

  it('writes only redacted words to transcript.json and the subtitles, and no unredacted transcript exists', async () => {
    // Act
    const { transcript, output, job } = await analyse('acme', 'm-options-pii');

    // Assert
    const pii = /Ada|Lovelace|555|0199/;
    expect(JSON.stringify(output)).not.toMatch(pii);
    expect(output.text).toContain('My name is [PII] and my number is [PII].');
    expect(output.redaction).toEqual({ piiEntityTypes: ['NAME', 'PHONE'], redactedWords: 2 });
    const files = transcript.files ?? {};
    expect(Object.keys(files).sort()).toEqual(['subtitles.srt', 'subtitles.vtt']);
    for (const uri of Object.values(files)) {
      const subtitles = (await store.getBytes(uri)).toString('utf8');
      expect(subtitles).toContain('[PII]');
      expect(subtitles).not.toMatch(pii);
    }
    // RedactionOutput "redacted": the service wrote the redacted file alone.
    const folder = `${String(job.request['OutputKey'])}`;
    expect(await store.head(config.bucket, `${folder}redacted-${job.id}.json`)).toBeDefined();
    expect(await store.head(config.bucket, `${folder}${job.id}.json`)).toBeUndefined();
  });

  it('masks the words of the tenant\'s vocabulary filter, and audio moderation counts each one', async () => {
    // Act
    const { output, moderation, spine } = await analyse('acme', 'm-options-filter');

    // Assert
    expect(output.text).toMatch(/^Welcome back to the \*\*\* show\./);
    expect(output.vocabularyFilter).toEqual({ names: ['acme-blocklist'], method: 'mask' });
    const [hit] = moderation.hits;
    expect(hit).toMatchObject({ term: 'vocabulary filter acme-blocklist', spoken: '***' });
    expect(spine.moderation.flags).toContainEqual(expect.objectContaining({ source: 'audio', category: 'profanity:vocabulary filter acme-blocklist', start: hit?.start }));
  });

  it('turns Transcribe\'s toxicity into audio moderation flags the verdict rests on', async () => {
    // Act
    const { output, moderation, audio, spine } = await analyse('acme', 'm-options-toxic');

    // Assert
    expect(output.toxicity?.segments).toHaveLength(SCRIPT.length);
    expect(moderation.toxicity).toEqual(output.toxicity);
    // The dictionary finds nothing in these words; the one hit is the word acme's filter masked.
    expect(moderation.hits).toEqual([expect.objectContaining({ term: 'vocabulary filter acme-blocklist', spoken: '***' })]);
    expect(audio.summary).toMatch(/toxicity scored over 4 stretch\(es\), highest 0\.91/);
    const toxic = spine.moderation.flags.filter((f) => f.category.startsWith('toxicity:'));
    expect(toxic).toEqual([expect.objectContaining({ source: 'audio', category: 'toxicity:insult', score: 0.91 })]);
    const [flag] = toxic;
    expect(flag && flag.start).toBeCloseTo(10, 0);
    expect(spine.moderation.verdict).toBe('flagged');
  });

  it('lists both languages of a multi-language job, and each segment\'s own', async () => {
    // Act
    const { job, output } = await analyse('globex', 'm-options-languages');

    // Assert
    expect(job.request).toMatchObject({
      IdentifyMultipleLanguages: true,
      LanguageOptions: ['en-US', 'es-US'],
      LanguageIdSettings: { 'en-US': { VocabularyName: 'globex-en' }, 'es-US': { VocabularyName: 'globex-es' } },
    });
    expect(job.request).not.toHaveProperty('LanguageCode');
    expect(job.request).not.toHaveProperty('IdentifyLanguage');
    expect(output.languages?.map((l) => l.code)).toEqual(['en-US', 'es-US']);
    expect(output.languages?.every((l) => (l.durationSeconds ?? 0) > 0)).toBe(true);
    expect(output.language).toBe('en-US');
    const spanish = output.segments.filter((s) => s.language === 'es-US').map((s) => s.text);
    expect(spanish).toEqual(['Hola a todos y gracias por venir.']);
    expect(output.segments.filter((s) => s.language === 'en-US')).toHaveLength(3);
    // Not redacted: the words the tenant's options leave alone are as spoken.
    expect(output.text).toContain('Ada Lovelace');
    expect(output.redaction).toBeUndefined();
    expect(output.toxicity).toBeUndefined();
  });

  it('sends none of the options for a tenant without any, and claims no toxicity check', async () => {
    // Act
    const { job, output, moderation, spine } = await analyse('plain', 'm-options-none');

    // Assert
    expect(Object.keys(job.request).sort()).toEqual(['IdentifyLanguage', 'LanguageOptions', 'Media', 'OutputBucketName', 'OutputKey', 'Settings', 'TranscriptionJobName']);
    expect(job.request['Settings']).toEqual({ ShowSpeakerLabels: true, MaxSpeakerLabels: config.awsBackend.transcribe.maxSpeakers });
    expect(output.redaction).toBeUndefined();
    expect(output.toxicity).toBeUndefined();
    expect(moderation).not.toHaveProperty('toxicity');
    expect(spine.moderation.flags.filter((f) => f.category.startsWith('toxicity:'))).toEqual([]);
    // Single-language identification records the language found with its score.
    expect(output.languages).toEqual([{ code: 'en-US', score: 0.9632 }]);
  });
});
