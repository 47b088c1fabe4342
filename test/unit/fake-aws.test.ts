import { BedrockRuntimeClient, ConverseCommand, type Message, type Tool } from '@aws-sdk/client-bedrock-runtime';
import {
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  GetCelebrityRecognitionCommand,
  GetContentModerationCommand,
  GetLabelDetectionCommand,
  GetSegmentDetectionCommand,
  GetTextDetectionCommand,
  paginateGetLabelDetection,
  RecognizeCelebritiesCommand,
  RekognitionClient,
  StartCelebrityRecognitionCommand,
  StartContentModerationCommand,
  StartLabelDetectionCommand,
  StartSegmentDetectionCommand,
  StartTextDetectionCommand,
  type GetLabelDetectionCommandOutput,
} from '@aws-sdk/client-rekognition';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteTranscriptionJobCommand, GetTranscriptionJobCommand, StartTranscriptionJobCommand, TranscribeClient, type TranscriptionJob } from '@aws-sdk/client-transcribe';
import { z } from 'zod';
import { transcriptFromTranscribe } from '../../backends/aws/transcribe-transcript';
import { reportSchema } from '../../report/report-schema';
import { JOB_FAMILIES, sampleFromSchema, startFakeAws, type FakeAws } from '../support/fake-aws';

const S3_ENDPOINT = process.env['REELSCOPE_S3_ENDPOINT'] as string;
const BUCKET = 'reelscope-test';
const MEDIA = 'fake-aws/clip.mp4';
const VIDEO = { S3Object: { Bucket: BUCKET, Name: MEDIA } };
const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';

/** Polls until `done` holds, as a client of the real service would. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The error a call fails with, or undefined when it succeeds: asserted after the act, never left unhandled. */
const failure = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (err: unknown) => err);

/** Ends these jobs now: tests that must see a job running start it long and end it themselves, so a slow machine cannot skip a state. */
function endJobsNow(fake: FakeAws, ids: (string | undefined)[]): void {
  for (const job of fake.jobs()) if (ids.includes(job.id)) job.durationMs = 0;
}

describe('fake AWS (real SDK clients over HTTP)', () => {
  let fake: FakeAws;
  let s3: S3Client;
  let rekognition: RekognitionClient;
  let transcribe: TranscribeClient;
  let bedrock: BedrockRuntimeClient;

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
    fake = await startFakeAws({ s3Endpoint: S3_ENDPOINT, seed: 42 });
    // One attempt: every error the fake sends reaches the test as the SDK raises it.
    const common = { region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' }, maxAttempts: 1 };
    rekognition = new RekognitionClient(common);
    transcribe = new TranscribeClient(common);
    bedrock = new BedrockRuntimeClient(common);
  });

  beforeEach(() => {
    fake.reset();
    for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 100;
    fake.config.mediaDurationSeconds = () => 20;
  });

  afterAll(async () => {
    for (const client of [rekognition, transcribe, bedrock, s3]) client?.destroy();
    await fake?.close();
  });

  describe('Rekognition Video', () => {
    it('runs a label job from IN_PROGRESS to SUCCEEDED and pages 2500 labels in time order', async () => {
      // Arrange
      fake.config.resultCounts.LabelDetection = 2500;
      // Long enough that the first Get sees it running on a loaded machine; the test ends it below.
      fake.config.jobDurationMs.LabelDetection = 60_000;
      const { JobId } = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, MinConfidence: 70, ClientRequestToken: 'labels-1' }));
      fake.config.jobDurationMs.LabelDetection = 100;

      // Act
      const running = await rekognition.send(new GetLabelDetectionCommand({ JobId }));
      endJobsNow(fake, [JobId]);
      await until(() => rekognition.send(new GetLabelDetectionCommand({ JobId, MaxResults: 1 })), (r) => r.JobStatus !== 'IN_PROGRESS');
      const pages: GetLabelDetectionCommandOutput[] = [];
      for await (const page of paginateGetLabelDetection({ client: rekognition }, { JobId, SortBy: 'TIMESTAMP' })) pages.push(page);

      // Assert
      expect(JobId).toMatch(/^[0-9a-f]{64}$/);
      expect(running).toMatchObject({ JobStatus: 'IN_PROGRESS', JobId });
      expect(running.Labels).toBeUndefined();
      expect(pages.map((p) => [p.JobStatus, p.Labels?.length, p.NextToken !== undefined])).toEqual([
        ['SUCCEEDED', 1000, true],
        ['SUCCEEDED', 1000, true],
        ['SUCCEEDED', 500, false],
      ]);
      const labels = pages.flatMap((p) => p.Labels ?? []);
      const times = labels.map((l) => l.Timestamp ?? -1);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.max(...times)).toBeLessThan(20_000);
      expect(labels.every((l) => (l.Label?.Confidence ?? 0) >= 70 && l.Label?.Name && Array.isArray(l.Label.Parents) && Array.isArray(l.Label.Categories))).toBe(true);
      expect(pages[0]).toMatchObject({
        LabelModelVersion: expect.any(String),
        VideoMetadata: { Codec: 'h264', DurationMillis: 20_000, Format: expect.any(String), FrameRate: expect.any(Number), FrameHeight: 720, FrameWidth: 1280, ColorRange: 'LIMITED' },
        Video: VIDEO,
      });
      expect(fake.counters.calls('GetLabelDetection')).toBeGreaterThanOrEqual(5);
    });

    it('returns the same JobId for a repeated ClientRequestToken and starts nothing new', async () => {
      // Act
      const first = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, ClientRequestToken: 'media-1-labels' }));
      const again = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, ClientRequestToken: 'media-1-labels' }));
      const other = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, ClientRequestToken: 'media-2-labels' }));
      const changed = rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, ClientRequestToken: 'media-1-labels', MinConfidence: 90 }));

      // Assert
      expect(again.JobId).toBe(first.JobId);
      expect(other.JobId).not.toBe(first.JobId);
      await expect(changed).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException', $metadata: { httpStatusCode: 400 } });
      expect(fake.counters.starts('StartLabelDetection')).toBe(4);
      expect(fake.counters.jobsStarted('StartLabelDetection')).toBe(2);
      expect(fake.counters.startsFor('media-1-labels')).toBe(3);
      expect(fake.counters.runningJobs('rekognition')).toBe(2);
    });

    it('answers the other four families in their own shapes', async () => {
      // Arrange
      fake.config.resultCounts.SegmentDetection = 6;
      const start = async () => ({
        moderation: (await rekognition.send(new StartContentModerationCommand({ Video: VIDEO, MinConfidence: 80 }))).JobId,
        celebrities: (await rekognition.send(new StartCelebrityRecognitionCommand({ Video: VIDEO }))).JobId,
        text: (await rekognition.send(new StartTextDetectionCommand({ Video: VIDEO }))).JobId,
        segments: (await rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: ['SHOT', 'TECHNICAL_CUE'] }))).JobId,
      });
      const ids = await start();

      // Act
      const done = (r: { JobStatus?: string }) => r.JobStatus === 'SUCCEEDED';
      const moderation = await until(() => rekognition.send(new GetContentModerationCommand({ JobId: ids.moderation })), done);
      const celebrities = await until(() => rekognition.send(new GetCelebrityRecognitionCommand({ JobId: ids.celebrities })), done);
      const text = await until(() => rekognition.send(new GetTextDetectionCommand({ JobId: ids.text })), done);
      const segments = await until(() => rekognition.send(new GetSegmentDetectionCommand({ JobId: ids.segments })), done);

      // Assert
      expect(moderation.ModerationModelVersion).toEqual(expect.any(String));
      expect(moderation.ModerationLabels).toHaveLength(12);
      for (const { ModerationLabel: label } of moderation.ModerationLabels ?? []) {
        expect(label?.Confidence).toBeGreaterThanOrEqual(80);
        expect(label?.TaxonomyLevel === 1 ? label.ParentName === '' : ['Explicit Nudity', 'Suggestive', 'Violence'].includes(label?.ParentName ?? '')).toBe(true);
      }
      expect(celebrities.Celebrities?.[0]?.Celebrity).toMatchObject({ Id: expect.any(String), Name: expect.any(String), Urls: [expect.any(String)], BoundingBox: { Width: expect.any(Number) }, KnownGender: { Type: expect.any(String) } });
      expect(text.TextDetections?.slice(0, 2).map((t) => [t.TextDetection?.Type, t.TextDetection?.Id, t.TextDetection?.ParentId])).toEqual([
        ['LINE', 0, undefined],
        ['WORD', 1, 0],
      ]);
      expect(text.TextDetections?.[0]?.TextDetection?.Geometry?.Polygon).toHaveLength(4);
      expect(segments.SelectedSegmentTypes?.map((t) => t.Type)).toEqual(['SHOT', 'TECHNICAL_CUE']);
      expect(segments.VideoMetadata?.[0]?.DurationMillis).toBe(20_000);
      expect(segments.AudioMetadata?.[0]).toMatchObject({ Codec: expect.any(String), SampleRate: expect.any(Number), NumberOfChannels: expect.any(Number) });
      expect(segments.Segments?.filter((s) => s.Type === 'SHOT').map((s) => s.ShotSegment?.Index)).toEqual([0, 1, 2, 3, 4]);
      expect(segments.Segments?.find((s) => s.Type === 'TECHNICAL_CUE')).toMatchObject({
        TechnicalCueSegment: { Type: 'BlackFrames' },
        EndTimestampMillis: 20_000,
        EndTimecodeSMPTE: '00:00:20:00',
      });
    });

    it('rejects what the real service rejects, with its error names', async () => {
      await expect(rekognition.send(new StartLabelDetectionCommand({ Video: { S3Object: { Bucket: BUCKET, Name: 'fake-aws/missing.mp4' } } }))).rejects.toMatchObject({
        name: 'InvalidS3ObjectException',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: [] }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(rekognition.send(new GetLabelDetectionCommand({ JobId: 'f'.repeat(64) }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
      const { JobId } = await rekognition.send(new StartTextDetectionCommand({ Video: VIDEO }));
      await expect(rekognition.send(new GetLabelDetectionCommand({ JobId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('refuses a JobTag outside the API pattern on every Start*, before starting anything', async () => {
      // Act
      const spaced = await failure(rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, JobTag: 'acme corp' })));
      const long = await failure(rekognition.send(new StartSegmentDetectionCommand({ Video: VIDEO, SegmentTypes: ['SHOT'], JobTag: 'x'.repeat(1025) })));
      const accepted = await rekognition.send(new StartTextDetectionCommand({ Video: VIDEO, JobTag: 'media-1/acme:v=2+x_y.z' }));

      // Assert
      expect(spaced).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'jobTag' failed to satisfy constraint"), $metadata: { httpStatusCode: 400 } });
      expect(long).toMatchObject({ name: 'ValidationException' });
      expect(accepted.JobId).toEqual(expect.any(String));
      expect(fake.counters.jobsStarted()).toBe(1);
    });

    it('answers the four image APIs on inline JPEG bytes, the same answer for the same bytes, and refuses what is not an image', async () => {
      // Arrange
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('frame one')]);

      // Act
      const labels = await rekognition.send(new DetectLabelsCommand({ Image: { Bytes: jpeg }, MinConfidence: 80 }));
      const again = await rekognition.send(new DetectLabelsCommand({ Image: { Bytes: jpeg }, MinConfidence: 80 }));
      const moderation = await rekognition.send(new DetectModerationLabelsCommand({ Image: { Bytes: jpeg } }));
      const celebrities = await rekognition.send(new RecognizeCelebritiesCommand({ Image: { Bytes: jpeg } }));
      const text = await rekognition.send(new DetectTextCommand({ Image: { Bytes: jpeg }, Filters: { WordFilter: { MinConfidence: 90 } } }));

      // Assert
      expect(labels.Labels?.length).toBeGreaterThan(0);
      expect(labels.Labels?.every((l) => (l.Confidence ?? 0) >= 80)).toBe(true);
      expect(again.Labels).toEqual(labels.Labels);
      expect(moderation.ModerationModelVersion).toEqual(expect.any(String));
      expect(celebrities.CelebrityFaces).toEqual(expect.any(Array));
      expect(text.TextDetections?.every((t) => (t.Confidence ?? 0) >= 90)).toBe(true);
      await expect(rekognition.send(new DetectLabelsCommand({ Image: { Bytes: Buffer.from('plain text') } }))).rejects.toMatchObject({ name: 'InvalidImageFormatException' });
      await expect(rekognition.send(new DetectLabelsCommand({ Image: { Bytes: Buffer.alloc(6 * 1024 * 1024, 0xff) } }))).rejects.toMatchObject({ name: 'ImageTooLargeException' });
    });

    it('ends configured jobs FAILED and keeps stuck ones IN_PROGRESS', async () => {
      // Arrange
      fake.config.failJobs = new Set(['ContentModeration']);
      fake.config.stuckJobs = (job) => job.family === 'LabelDetection' && job.key === MEDIA;
      const failing = await rekognition.send(new StartContentModerationCommand({ Video: VIDEO }));
      const stuck = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO }));

      // Act
      const failed = await until(() => rekognition.send(new GetContentModerationCommand({ JobId: failing.JobId })), (r) => r.JobStatus !== 'IN_PROGRESS');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const hanging = await rekognition.send(new GetLabelDetectionCommand({ JobId: stuck.JobId }));

      // Assert
      expect(failed).toMatchObject({ JobStatus: 'FAILED', StatusMessage: expect.any(String) });
      expect(failed.ModerationLabels).toBeUndefined();
      expect(hanging.JobStatus).toBe('IN_PROGRESS');
      expect(fake.counters.runningJobs('rekognition')).toBe(1);
    });

    it('refuses a Start* at the concurrent-job quota with LimitExceededException and counts the peak', async () => {
      // Arrange
      fake.config.concurrentJobLimit.rekognition = 3;
      // The three hold the quota until the test ends them, however slow the machine.
      fake.config.jobDurationMs.LabelDetection = 60_000;
      const holding = await Promise.all(['a', 'b', 'c'].map((t) => rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, ClientRequestToken: t }))));
      fake.config.jobDurationMs.LabelDetection = 100;

      // Act
      const over = rekognition.send(new StartTextDetectionCommand({ Video: VIDEO }));
      const repeat = await rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO, ClientRequestToken: 'a' }));
      await expect(over).rejects.toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 400 } });
      endJobsNow(fake, holding.map((h) => h.JobId));
      await until(async () => fake.counters.runningJobs('rekognition'), (n) => n === 0);
      const later = await rekognition.send(new StartTextDetectionCommand({ Video: VIDEO }));

      // Assert
      expect(repeat.JobId).toEqual(expect.any(String));
      expect(later.JobId).toEqual(expect.any(String));
      expect(fake.counters.peakConcurrentJobs('rekognition')).toBe(3);
      expect(fake.counters.injectedErrors('limit', 'StartTextDetection')).toBe(1);
      expect(fake.counters.jobsStarted()).toBe(4);
    });
  });

  describe('Amazon Transcribe', () => {
    const startJob = (name: string, extra: Partial<ConstructorParameters<typeof StartTranscriptionJobCommand>[0]> = {}) =>
      transcribe.send(
        new StartTranscriptionJobCommand({
          TranscriptionJobName: name,
          Media: { MediaFileUri: `s3://${BUCKET}/${MEDIA}` },
          OutputBucketName: BUCKET,
          OutputKey: 'fake-aws/transcribe/',
          IdentifyLanguage: true,
          LanguageOptions: ['de-DE', 'en-US'],
          Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 2 },
          Subtitles: { Formats: ['vtt', 'srt'], OutputStartIndex: 1 },
          ...extra,
        }),
      );
    const finished = (name: string) =>
      until(() => transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name })), (r) => ['COMPLETED', 'FAILED'].includes(r.TranscriptionJob?.TranscriptionJobStatus ?? '')).then(
        (r) => r.TranscriptionJob as TranscriptionJob,
      );
    const read = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString() ?? '';

    it('writes the transcript with speaker labels and the subtitles to S3, and refuses a duplicate name', async () => {
      // Arrange
      const name = `fake-aws-${Date.now()}`;

      // Act
      const started = await startJob(name);
      const duplicate = startJob(name);
      const job = await finished(name);
      const document = JSON.parse(await read(`fake-aws/transcribe/${name}.json`)) as {
        jobName: string;
        status: string;
        results: { transcripts: { transcript: string }[]; items: Record<string, unknown>[]; speaker_labels: { speakers: number; segments: unknown[] } };
      };

      // Assert
      expect(started.TranscriptionJob).toMatchObject({ TranscriptionJobName: name, TranscriptionJobStatus: 'QUEUED' });
      await expect(duplicate).rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
      expect(job).toMatchObject({
        TranscriptionJobStatus: 'COMPLETED',
        LanguageCode: 'en-US',
        IdentifiedLanguageScore: expect.any(Number),
        MediaFormat: 'mp4',
        MediaSampleRateHertz: expect.any(Number),
        Transcript: { TranscriptFileUri: `${S3_ENDPOINT}/${BUCKET}/fake-aws/transcribe/${name}.json` },
        Subtitles: { Formats: ['vtt', 'srt'], OutputStartIndex: 1, SubtitleFileUris: [expect.stringMatching(/\.vtt$/), expect.stringMatching(/\.srt$/)] },
      });
      expect(job.CompletionTime).toBeInstanceOf(Date);
      expect(document).toMatchObject({ jobName: name, status: 'COMPLETED' });
      expect(document.results.transcripts[0]?.transcript).toBe(fake.config.transcriptScript.join(' '));
      expect(document.results.speaker_labels.speakers).toBe(2);
      const word = document.results.items.find((i) => i['type'] === 'pronunciation');
      const mark = document.results.items.find((i) => i['type'] === 'punctuation');
      expect(word).toMatchObject({ start_time: expect.stringMatching(/^\d+(\.\d+)?$/), end_time: expect.any(String), speaker_label: 'spk_0', alternatives: [{ confidence: expect.any(String), content: 'Welcome' }] });
      expect(mark).not.toHaveProperty('start_time');
      const transcript = transcriptFromTranscribe(document, 'en-US');
      expect(transcript.segments.map((s) => s.speaker)).toEqual(['spk_0', 'spk_1', 'spk_0', 'spk_1']);
      expect(await read(`fake-aws/transcribe/${name}.vtt`)).toMatch(/^WEBVTT\n\n1\n00:00:00\.000 --> /);
      expect(await read(`fake-aws/transcribe/${name}.srt`)).toMatch(/^1\n00:00:00,000 --> /);
      expect(fake.counters.starts('StartTranscriptionJob')).toBe(2);
      expect(fake.counters.jobsStarted('StartTranscriptionJob')).toBe(1);
      expect(fake.counters.startsFor(name)).toBe(2);
    });

    it('follows the documented OutputKey forms and leaves speakers out when not asked', async () => {
      // Act
      await startJob('fake-aws-named', { OutputKey: 'fake-aws/named.json', Settings: undefined, Subtitles: undefined });
      await startJob('fake-aws-folder', { OutputKey: 'fake-aws/folder', Settings: undefined, Subtitles: undefined, IdentifyLanguage: undefined, LanguageOptions: undefined, LanguageCode: 'en-GB' });
      const named = await finished('fake-aws-named');
      const folder = await finished('fake-aws-folder');
      const document = JSON.parse(await read('fake-aws/named.json')) as { results: Record<string, unknown> & { items: Record<string, unknown>[] } };

      // Assert
      expect(named.Transcript?.TranscriptFileUri).toBe(`${S3_ENDPOINT}/${BUCKET}/fake-aws/named.json`);
      expect(folder.Transcript?.TranscriptFileUri).toBe(`${S3_ENDPOINT}/${BUCKET}/fake-aws/folder/fake-aws-folder.json`);
      expect(folder.LanguageCode).toBe('en-GB');
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'fake-aws/folder/fake-aws-folder.json' }));
      expect(document.results).not.toHaveProperty('speaker_labels');
      expect(document.results.items.some((i) => 'speaker_label' in i)).toBe(false);
    });

    it('answers QUEUED, then IN_PROGRESS, then COMPLETED, as TranscriptionJobStatus allows', async () => {
      // Arrange
      // Each stage lasts until the test moves the job on, so no stage is missed on a slow machine.
      fake.config.jobDurationMs.Transcription = 60_000;
      fake.config.transcriptionQueuedMs = 60_000;
      const name = `fake-aws-queued-${Date.now()}`;
      const status = async () => (await transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }))).TranscriptionJob?.TranscriptionJobStatus;

      // Act
      const started = await startJob(name);
      const seen = [await status()];
      fake.config.transcriptionQueuedMs = 0;
      seen.push(await status());
      endJobsNow(fake, [name]);
      seen.push(await status());
      fake.config.transcriptionQueuedMs = 100;
      const queued = await startJob(`${name}-b`);

      // Assert
      expect(started.TranscriptionJob?.TranscriptionJobStatus).toBe('QUEUED');
      expect(started.TranscriptionJob?.StartTime).toBeUndefined();
      expect(seen).toEqual(['QUEUED', 'IN_PROGRESS', 'COMPLETED']);
      expect(queued.TranscriptionJob?.TranscriptionJobStatus).toBe('QUEUED');
    });

    it('refuses language codes outside the LanguageCode enum and OutputKeys outside the API pattern, as BadRequestException', async () => {
      // Act
      const fixed = (code: string) => ({ IdentifyLanguage: undefined, LanguageOptions: undefined, LanguageCode: code as never });
      const short = await failure(startJob('fake-aws-lang-short', fixed('en')));
      const unknown = await failure(startJob('fake-aws-lang-unknown', fixed('xx-YY')));
      const option = await failure(startJob('fake-aws-lang-option', { LanguageOptions: ['en-US', 'en' as never] }));
      const spaced = await failure(startJob('fake-aws-key-space', { OutputKey: 'results/acme corp/m1/transcribe/' }));
      const colon = await failure(startJob('fake-aws-key-colon', { OutputKey: 'results/eu-west-1:guid/transcribe/' }));
      const accepted = await startJob('fake-aws-key-ok', { OutputKey: "results/acme_1/m-1/it's(1)!*.json" });

      // Assert
      expect(short).toMatchObject({ name: 'BadRequestException', message: expect.stringMatching(/Value 'en' at 'languageCode' failed to satisfy constraint: Member must satisfy enum value set/), $metadata: { httpStatusCode: 400 } });
      expect(unknown).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining("Value 'xx-YY' at 'languageCode'") });
      expect(option).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining("at 'languageOptions.2.member'") });
      expect(spaced).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining("at 'outputKey' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_.!*'()/]{1,1024}$") });
      expect(colon).toMatchObject({ name: 'BadRequestException' });
      expect(accepted.TranscriptionJob?.TranscriptionJobName).toBe('fake-aws-key-ok');
      expect(fake.counters.jobsStarted('StartTranscriptionJob')).toBe(1);
    });

    it('reports FAILED jobs, unknown names and missing media as the service does', async () => {
      // Arrange
      fake.config.failJobs = new Set(['Transcription']);
      await startJob('fake-aws-failing');

      // Act
      const failed = await finished('fake-aws-failing');

      // Assert
      expect(failed).toMatchObject({ TranscriptionJobStatus: 'FAILED', FailureReason: expect.any(String) });
      expect(failed.Transcript?.TranscriptFileUri).toBeUndefined();
      await expect(transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: 'never-started' }))).rejects.toMatchObject({
        name: 'BadRequestException',
        message: expect.stringContaining("couldn't be found"),
        $metadata: { httpStatusCode: 400 },
      });
      await expect(startJob('fake-aws-no-media', { Media: { MediaFileUri: `s3://${BUCKET}/fake-aws/missing.mp4` } })).rejects.toMatchObject({ name: 'BadRequestException' });
    });

    it('deletes a job in progress: a later Get does not find it, a second delete is refused, and the name can start again', async () => {
      // Arrange
      fake.config.jobDurationMs.Transcription = 60_000;
      fake.config.transcriptionQueuedMs = 0;
      const name = `fake-aws-delete-${Date.now()}`;
      await startJob(name);
      const running = await transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name }));

      // Act
      const deleted = await transcribe.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: name }));
      const afterwards = await failure(transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: name })));
      const again = await failure(transcribe.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: name })));
      const unknown = await failure(transcribe.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: 'never-started' })));
      const restarted = await startJob(name);

      // Assert
      expect(running.TranscriptionJob?.TranscriptionJobStatus).toBe('IN_PROGRESS');
      expect(deleted.$metadata.httpStatusCode).toBe(200);
      expect(afterwards).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining("couldn't be found"), $metadata: { httpStatusCode: 400 } });
      expect(again).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining("couldn't be found") });
      expect(unknown).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
      expect(restarted.TranscriptionJob?.TranscriptionJobName).toBe(name);
      expect(fake.counters.jobsStarted('StartTranscriptionJob')).toBe(2);
      expect(fake.counters.deletesFor(name)).toBe(2);
      expect(fake.counters.deletesFor('never-started')).toBe(1);
      expect(fake.counters.jobsDeleted('transcribe')).toBe(1);
      expect(fake.counters.runningJobs('transcribe')).toBe(1);
    });

    it('deletes a finished job but leaves its files, and can be told to refuse a running one as the API reference allows', async () => {
      // Arrange
      const finishedName = `fake-aws-delete-done-${Date.now()}`;
      const runningName = `${finishedName}-running`;
      await startJob(finishedName);
      await finished(finishedName);
      fake.config.jobDurationMs.Transcription = 60_000;
      fake.config.refuseRunningTranscriptionDeletes = true;
      await startJob(runningName);

      // Act
      await transcribe.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: finishedName }));
      const refused = await failure(transcribe.send(new DeleteTranscriptionJobCommand({ TranscriptionJobName: runningName })));
      const stillThere = await transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: runningName }));

      // Assert
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `fake-aws/transcribe/${finishedName}.json` }));
      expect(refused).toMatchObject({ name: 'BadRequestException', message: expect.stringMatching(/QUEUED|IN_PROGRESS/), $metadata: { httpStatusCode: 400 } });
      expect(stillThere.TranscriptionJob?.TranscriptionJobName).toBe(runningName);
      expect(fake.counters.jobsDeleted('transcribe')).toBe(1);
      expect(fake.counters.snapshot()).toMatchObject({ DeleteTranscriptionJob: 2 });
    });
  });

  describe('faults', () => {
    const rekognitionCall = () => rekognition.send(new StartLabelDetectionCommand({ Video: VIDEO }));
    const transcribeCall = () => transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: 'any' }));
    const bedrockCall = () => bedrock.send(new ConverseCommand({ modelId: MODEL_ID, messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }));

    const calls = { rekognition: rekognitionCall, transcribe: transcribeCall, bedrock: bedrockCall };

    it.each([
      { service: 'rekognition', fault: 'throttleRate', name: 'ProvisionedThroughputExceededException', status: 400 },
      { service: 'transcribe', fault: 'throttleRate', name: 'LimitExceededException', status: 429 },
      { service: 'bedrock', fault: 'throttleRate', name: 'ThrottlingException', status: 429 },
      { service: 'rekognition', fault: 'serverErrorRate', name: 'InternalServerError', status: 500 },
      { service: 'transcribe', fault: 'serverErrorRate', name: 'InternalFailureException', status: 500 },
      { service: 'bedrock', fault: 'serverErrorRate', name: 'InternalServerException', status: 500 },
    ] as const)('$service $fault surfaces as $name (HTTP $status)', async ({ service, fault, name, status }) => {
      // Arrange
      fake.config[fault] = { [service]: 1 };

      // Act
      const failure = calls[service]();

      // Assert
      await expect(failure).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
      expect(fake.counters.injectedErrors(fault === 'throttleRate' ? 'throttling' : 'server')).toBe(1);
      expect(fake.counters.starts()).toBe(0);
    });

    it('scripts exact errors per operation, and injects the same random faults again after reset', async () => {
      // Arrange
      fake.config.nextErrors = { Converse: ['ModelTimeoutException', 'ServiceUnavailableException'], rekognition: ['ProvisionedThroughputExceededException'] };
      const names = async (count: number) => {
        const seen: string[] = [];
        for (let i = 0; i < count; i++) seen.push(await transcribeCall().then(() => 'ok', (err: Error) => err.name));
        return seen;
      };

      // Act
      const caught = (call: () => Promise<unknown>) => call().catch((err: unknown) => err);
      const timeout = await caught(bedrockCall);
      const unavailable = await caught(bedrockCall);
      const answered = await bedrockCall();
      const throughput = await caught(rekognitionCall);
      fake.reset();
      fake.config.throttleRate = 0.5;
      const first = await names(12);
      fake.reset();
      fake.config.throttleRate = 0.5;
      const second = await names(12);

      // Assert
      expect(timeout).toMatchObject({ name: 'ModelTimeoutException', $metadata: { httpStatusCode: 408 } });
      expect(unavailable).toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
      expect(throughput).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
      expect(answered.stopReason).toBe('end_turn');
      expect(second).toEqual(first);
      expect(new Set(first)).toEqual(new Set(['LimitExceededException', 'BadRequestException']));
    });
  });

  describe('Bedrock Converse', () => {
    const chapter = z.object({ title: z.string().min(3).max(40), start: z.number().nonnegative(), end: z.number().positive(), kind: z.enum(['intro', 'body', 'outro']) });
    const node: z.ZodType<{ name: string; children: unknown[] }> = z.object({ name: z.string(), get children() {
      return z.array(node);
    } });
    const answerSchema = z.object({
      title: z.string().min(1).max(200),
      rating: z.int().min(1).max(5),
      score: z.number().gt(0).lt(1),
      tags: z.array(z.string()).min(2).max(5),
      chapters: z.array(chapter).min(1),
      reused: z.object({ first: chapter, second: chapter }),
      contact: z.email(),
      id: z.uuid(),
      at: z.iso.datetime(),
      zip: z.string().regex(/^\d{5}(-\d{4})?$/),
      verdict: z.union([z.literal('clean'), z.literal('flagged')]),
      shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), radius: z.number().positive() }), z.object({ kind: z.literal('square'), side: z.number().positive() })]),
      note: z.string().min(1).nullable(),
      nickname: z.string().optional(),
      pair: z.tuple([z.string(), z.int()]),
      weights: z.record(z.string(), z.number()),
      tree: node,
    });
    const tool: Tool = { toolSpec: { name: 'record_answer', description: 'Record the answer.', inputSchema: { json: z.toJSONSchema(answerSchema, { reused: 'ref' }) as never } } };
    const ask = (messages: Message[] = [{ role: 'user', content: [{ text: 'Describe the clip.' }] }], withTool = true) =>
      bedrock.send(
        new ConverseCommand({
          modelId: MODEL_ID,
          system: [{ text: 'You write reports.' }],
          messages,
          inferenceConfig: { maxTokens: 512 },
          ...(withTool ? { toolConfig: { tools: [tool], toolChoice: { tool: { name: 'record_answer' } } } } : {}),
        }),
      );

    it('answers a forced tool call with input valid against the zod schema it was given', async () => {
      // Act
      const output = await ask();

      // Assert
      const block = output.output?.message?.content?.[0];
      expect(output.stopReason).toBe('tool_use');
      expect(block?.toolUse).toMatchObject({ name: 'record_answer', toolUseId: expect.stringMatching(/^tooluse_/) });
      expect(answerSchema.safeParse(block?.toolUse?.input).error).toBeUndefined();
      expect(output.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
      expect(output.usage?.totalTokens).toBe((output.usage?.inputTokens ?? 0) + (output.usage?.outputTokens ?? 0));
      expect(fake.counters.converse).toMatchObject({ calls: 1, inputTokens: output.usage?.inputTokens, outputTokens: output.usage?.outputTokens, totalTokens: output.usage?.totalTokens });
      expect(fake.counters.converse.requests[0]).toMatchObject({ modelId: MODEL_ID, system: [{ text: 'You write reports.' }], messages: [{ role: 'user', content: [{ text: 'Describe the clip.' }] }] });
    });

    it('generates schema-valid values for the report schema and without tools answers text', async () => {
      // Act
      const report = sampleFromSchema(z.toJSONSchema(reportSchema));
      const plain = await ask(undefined, false);

      // Assert
      expect(reportSchema.safeParse(report).error).toBeUndefined();
      expect(plain.stopReason).toBe('end_turn');
      expect(plain.output?.message?.content?.[0]?.text).toEqual(expect.any(String));
    });

    it('serves malformed answers when configured: broken JSON text, then a tool input missing required fields', async () => {
      // Arrange
      fake.config.malformedModelResponses = 2;

      // Act
      const broken = await ask();
      const incomplete = await ask();
      const valid = await ask();

      // Assert
      const text = broken.output?.message?.content?.[0]?.text ?? '';
      expect(broken.stopReason).toBe('end_turn');
      expect(() => JSON.parse(text)).toThrow();
      const input = incomplete.output?.message?.content?.[0]?.toolUse?.input;
      expect(incomplete.stopReason).toBe('tool_use');
      expect(answerSchema.safeParse(input).error?.issues[0]).toMatchObject({ path: ['title'] });
      expect(answerSchema.safeParse(valid.output?.message?.content?.[0]?.toolUse?.input).success).toBe(true);
      expect(fake.counters.injectedErrors('malformed')).toBe(2);
    });

    it('uses a custom responder and validates the conversation as Bedrock does', async () => {
      // Arrange
      fake.config.modelResponder = (request) => ({ title: `seen ${request.messages?.length} message(s)` });
      const first = await ask();
      const toolUseId = first.output?.message?.content?.[0]?.toolUse?.toolUseId;

      // Act
      const repaired = await ask([
        { role: 'user', content: [{ text: 'Describe the clip.' }] },
        first.output?.message as Message,
        { role: 'user', content: [{ toolResult: { toolUseId, status: 'error', content: [{ text: 'Try again.' }] } }] },
      ]);
      const unanswered = ask([{ role: 'user', content: [{ text: 'Describe the clip.' }] }, first.output?.message as Message, { role: 'user', content: [{ text: 'And?' }] }]);
      const assistantFirst = ask([{ role: 'assistant', content: [{ text: 'Hi' }] }]);

      // Assert
      expect(first.output?.message?.content?.[0]?.toolUse?.input).toEqual({ title: 'seen 1 message(s)' });
      expect(repaired.output?.message?.content?.[0]?.toolUse?.input).toEqual({ title: 'seen 3 message(s)' });
      await expect(unanswered).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('toolResult'), $metadata: { httpStatusCode: 400 } });
      await expect(assistantFirst).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('start with a user message') });
    });

    it('refuses model ids of no Bedrock form, and runs model ids, inference profile ids and model ARNs', async () => {
      // Arrange
      const hello = (modelId: string) => bedrock.send(new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }));

      // Act
      const refused = [await failure(hello('claude haiku')), await failure(hello('anthropic')), await failure(hello('Anthropic.Claude-3-Haiku'))];
      const answered = [
        await hello(MODEL_ID),
        await hello('eu.anthropic.claude-haiku-4-5-20251001-v1:0'),
        await hello('anthropic.claude-sonnet-4-6'),
        await hello('arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0'),
      ];

      // Assert
      for (const err of refused) expect(err).toMatchObject({ name: 'ValidationException', message: 'The provided model identifier is invalid.', $metadata: { httpStatusCode: 400 } });
      expect(answered.map((a) => a.stopReason)).toEqual(['end_turn', 'end_turn', 'end_turn', 'end_turn']);
    });
  });
});
