import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LanguageCode, PiiEntityType } from '@aws-sdk/client-transcribe';
import type { FakeAwsContext } from './context';
import { wireError } from './errors';
import { jobStatus, type FakeJob } from './jobs';
import { transcribeEventBody } from './notification-messages';
import { outputFiles, subtitleFile, transcriptDocument } from './transcribe-output';
import { languageDurations, parseScript, shapeTranscript, type ShapingRequest, type TranscriptDocumentShape } from './transcribe-script';

type Body = Record<string, unknown>;
interface Settings {
  ShowSpeakerLabels?: boolean;
  MaxSpeakerLabels?: number;
  ChannelIdentification?: boolean;
  VocabularyName?: string;
  VocabularyFilterName?: string;
  VocabularyFilterMethod?: string;
}
interface ContentRedactionRequest {
  RedactionType?: string;
  RedactionOutput?: string;
  PiiEntityTypes?: string[];
}
interface SubtitlesRequest {
  Formats?: string[];
  OutputStartIndex?: number;
}

const NAME = /^[0-9a-zA-Z._-]{1,200}$/;
/** VocabularyName, VocabularyFilterName and LanguageModelName: the model's pattern and length. */
const RESOURCE_NAME = /^[0-9a-zA-Z._-]{1,200}$/;
const PII_TYPES: readonly string[] = Object.values(PiiEntityType);
const FILTER_METHODS = ['remove', 'mask', 'tag'];
/** StartTranscriptionJob's OutputKey constraint, from the API reference. */
const OUTPUT_KEY = /^[a-zA-Z0-9\-_.!*'()/]{1,1024}$/;
/** The LanguageCode enum of the API model, as the SDK generated from it ships it. */
const LANGUAGES: readonly string[] = Object.values(LanguageCode);
const FORMATS = ['amr', 'flac', 'm4a', 'mp3', 'mp4', 'ogg', 'wav', 'webm'];
const badRequest = (message: string) => wireError('transcribe', 'BadRequestException', message);
/** Model constraint violations, worded as the service words them (BadRequestException, 400). */
const constraint = (value: unknown, member: string, rule: string) =>
  badRequest(`1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${member}' failed to satisfy constraint: Member must ${rule}`);

/** Each delivered job's (unredacted) transcript document: GetTranscriptionJob reports its languages. */
const shapedDocuments = new WeakMap<FakeJob, TranscriptDocumentShape>();

/** Why a failed job failed, in GetTranscriptionJob and in its state-change event alike. */
const FAILURE_REASON = 'The media format provided does not match the detected media format.';

const notFound = () => badRequest("The requested job couldn't be found. Check the job name and try your request again.");

/** Transcribe.StartTranscriptionJob / GetTranscriptionJob / DeleteTranscriptionJob, JSON 1.1. */
export async function transcribe(context: FakeAwsContext, operation: string, body: Body): Promise<unknown> {
  if (operation === 'StartTranscriptionJob') return start(context, body);
  if (operation === 'GetTranscriptionJob') return get(context, body);
  if (operation === 'DeleteTranscriptionJob') return remove(context, body);
  throw wireError('transcribe', 'UnknownOperationException', `The fake Transcribe does not implement ${operation}.`);
}

async function start(context: FakeAwsContext, body: Body) {
  const name = body['TranscriptionJobName'];
  if (typeof name !== 'string' || !NAME.test(name) || name === '.' || name === '..') throw badRequest('TranscriptionJobName must match ^[0-9a-zA-Z._-]+ (1-200 characters).');
  validateMembers(body);
  context.counters.recordStartKey(name);
  const key = `transcribe:${name}`;
  const conflict = () => wireError('transcribe', 'ConflictException', 'The requested job name already exists. Use a different job name.');
  if (context.jobs.withKey(key)) throw conflict();
  const mediaUri = (body['Media'] as { MediaFileUri?: unknown } | undefined)?.MediaFileUri;
  const media = typeof mediaUri === 'string' ? /^s3:\/\/([^/]+)\/(.+)$/.exec(mediaUri) : null;
  if (!media) throw badRequest('Media.MediaFileUri must be an s3:// URI.');
  validate(body);
  const [, bucket = '', mediaKey = ''] = media;
  if (!(await context.objectExists(bucket, mediaKey))) {
    throw badRequest("The URI that you provided doesn't point to an S3 object. Make sure that the object exists and try your request again.");
  }
  // A twin request may have taken the name while this one checked S3.
  if (context.jobs.withKey(key)) throw conflict();
  const limit = context.config.concurrentJobLimit.transcribe;
  if (context.jobs.running('transcribe') >= limit) {
    context.counters.recordError('limit', 'StartTranscriptionJob');
    throw wireError('transcribe', 'LimitExceededException', `You have reached the limit of ${limit} concurrent transcription jobs.`);
  }
  const job = context.jobs.create(context.config, {
    id: name,
    family: 'Transcription',
    operation: 'StartTranscriptionJob',
    service: 'transcribe',
    bucket,
    key: mediaKey,
    request: body,
    idempotencyKey: key,
  });
  context.counters.recordJob(job);
  // Transcribe emits a state-change event for every job that ends, whether or not anyone has a rule for it.
  context.notifications.schedule(job, 'eventbridge', (eventId) =>
    transcribeEventBody(
      { jobName: job.id, endedAt: job.startedAt + job.durationMs, ...(job.outcome === 'fail' ? { status: 'FAILED', failureReason: FAILURE_REASON } : { status: 'COMPLETED' }) },
      eventId,
      context.publisher,
    ),
  );
  return { TranscriptionJob: describe(context, job, transcriptionStatus(context, job)) };
}

/** Checks the API model's constraints on the members reelscope sends. */
function validateMembers(body: Body): void {
  const language = body['LanguageCode'];
  if (language !== undefined && (typeof language !== 'string' || !LANGUAGES.includes(language))) {
    throw constraint(language, 'languageCode', `satisfy enum value set: [${LANGUAGES.join(', ')}]`);
  }
  const options = body['LanguageOptions'];
  if (options !== undefined) {
    if (!Array.isArray(options) || options.length === 0) throw constraint(options, 'languageOptions', 'have length greater than or equal to 1');
    options.forEach((option, i) => {
      if (typeof option !== 'string' || !LANGUAGES.includes(option)) throw constraint(option, `languageOptions.${i + 1}.member`, `satisfy enum value set: [${LANGUAGES.join(', ')}]`);
    });
  }
  const settings = (body['Settings'] ?? {}) as Settings;
  for (const member of ['VocabularyName', 'VocabularyFilterName'] as const) {
    const name = settings[member];
    if (name !== undefined && !RESOURCE_NAME.test(name)) throw constraint(name, `settings.${member.charAt(0).toLowerCase()}${member.slice(1)}`, 'satisfy regular expression pattern: ^[0-9a-zA-Z._-]+');
  }
  if (settings.VocabularyFilterMethod !== undefined && !FILTER_METHODS.includes(settings.VocabularyFilterMethod)) {
    throw constraint(settings.VocabularyFilterMethod, 'settings.vocabularyFilterMethod', `satisfy enum value set: [${FILTER_METHODS.join(', ')}]`);
  }
  const idSettings = body['LanguageIdSettings'];
  if (idSettings !== undefined) {
    if (typeof idSettings !== 'object' || idSettings === null) throw constraint(idSettings, 'languageIdSettings', 'be a map');
    const entries = Object.entries(idSettings as Record<string, Record<string, unknown>>);
    if (entries.length < 1 || entries.length > 5) throw constraint(idSettings, 'languageIdSettings', 'have length between 1 and 5');
    for (const [code, value] of entries) {
      if (!LANGUAGES.includes(code)) throw constraint(code, 'languageIdSettings.key', `satisfy enum value set: [${LANGUAGES.join(', ')}]`);
      for (const member of ['VocabularyName', 'VocabularyFilterName', 'LanguageModelName']) {
        const name = value[member];
        if (name !== undefined && (typeof name !== 'string' || !RESOURCE_NAME.test(name))) throw constraint(name, `languageIdSettings.${code}.member.${member}`, 'satisfy regular expression pattern: ^[0-9a-zA-Z._-]+');
      }
    }
  }
  const redaction = body['ContentRedaction'] as ContentRedactionRequest | undefined;
  if (redaction !== undefined) {
    if (redaction.RedactionType !== 'PII') throw constraint(redaction.RedactionType ?? null, 'contentRedaction.redactionType', 'satisfy enum value set: [PII]');
    if (redaction.RedactionOutput !== 'redacted' && redaction.RedactionOutput !== 'redacted_and_unredacted') {
      throw constraint(redaction.RedactionOutput ?? null, 'contentRedaction.redactionOutput', 'satisfy enum value set: [redacted, redacted_and_unredacted]');
    }
    const types = redaction.PiiEntityTypes;
    if (types !== undefined) {
      if (!Array.isArray(types) || types.length > 11) throw constraint(types, 'contentRedaction.piiEntityTypes', 'have length less than or equal to 11');
      types.forEach((t, i) => {
        if (!PII_TYPES.includes(t)) throw constraint(t, `contentRedaction.piiEntityTypes.${i + 1}.member`, `satisfy enum value set: [${PII_TYPES.join(', ')}]`);
      });
    }
  }
  const toxicity = body['ToxicityDetection'];
  if (toxicity !== undefined) {
    if (!Array.isArray(toxicity) || toxicity.length !== 1) throw constraint(toxicity, 'toxicityDetection', 'have length equal to 1');
    const categories = (toxicity[0] as { ToxicityCategories?: unknown }).ToxicityCategories;
    if (!Array.isArray(categories) || categories.length !== 1 || categories[0] !== 'ALL') {
      throw constraint(categories ?? null, 'toxicityDetection.1.member.toxicityCategories', 'have length equal to 1 and satisfy enum value set: [ALL]');
    }
  }
  const outputKey = body['OutputKey'];
  if (outputKey !== undefined && (typeof outputKey !== 'string' || !OUTPUT_KEY.test(outputKey))) {
    throw constraint(outputKey, 'outputKey', "satisfy regular expression pattern: [a-zA-Z0-9-_.!*'()/]{1,1024}$");
  }
}

/**
 * A job waits QUEUED before it runs (the first part of its duration), then IN_PROGRESS: the
 * service's TranscriptionJobStatus has both, and a client must treat both as "not done".
 */
function transcriptionStatus(context: FakeAwsContext, job: FakeJob): 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' {
  const status = jobStatus(job);
  if (status === 'SUCCEEDED') return 'COMPLETED';
  if (status === 'FAILED') return 'FAILED';
  return Date.now() < job.startedAt + Math.min(context.config.transcriptionQueuedMs, job.durationMs) ? 'QUEUED' : 'IN_PROGRESS';
}

function validate(body: Body): void {
  const identify = body['IdentifyLanguage'] === true || body['IdentifyMultipleLanguages'] === true;
  if (body['LanguageCode'] && identify) throw badRequest('Specify either LanguageCode or IdentifyLanguage/IdentifyMultipleLanguages, not both.');
  if (!body['LanguageCode'] && !identify) throw badRequest('Specify LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages.');
  const settings = (body['Settings'] ?? {}) as Settings;
  if (settings.ShowSpeakerLabels && settings.ChannelIdentification) throw badRequest("You can't use ShowSpeakerLabels and ChannelIdentification together.");
  if (Boolean(settings.ShowSpeakerLabels) !== (settings.MaxSpeakerLabels !== undefined)) throw badRequest('ShowSpeakerLabels and MaxSpeakerLabels go together.');
  if (settings.MaxSpeakerLabels !== undefined && !(settings.MaxSpeakerLabels >= 2 && settings.MaxSpeakerLabels <= 30)) throw badRequest('MaxSpeakerLabels must be between 2 and 30.');
  const subtitles = (body['Subtitles'] ?? {}) as SubtitlesRequest;
  if (!(subtitles.Formats ?? []).every((f) => f === 'vtt' || f === 'srt')) throw badRequest('Subtitles.Formats accepts vtt and srt.');
  if (![undefined, 0, 1].includes(subtitles.OutputStartIndex)) throw badRequest('Subtitles.OutputStartIndex must be 0 or 1.');
  if (settings.VocabularyFilterName && !settings.VocabularyFilterMethod) throw badRequest('VocabularyFilterMethod is required when you specify VocabularyFilterName.');
  const idSettings = body['LanguageIdSettings'] as Record<string, { VocabularyFilterName?: string }> | undefined;
  if (identify && (settings.VocabularyName || settings.VocabularyFilterName)) {
    throw badRequest('To use a custom vocabulary or vocabulary filter with language identification, specify it in LanguageIdSettings.');
  }
  if (idSettings) {
    if (!identify) throw badRequest('LanguageIdSettings can only be used with IdentifyLanguage or IdentifyMultipleLanguages.');
    const options = (body['LanguageOptions'] as string[] | undefined) ?? [];
    const stray = Object.keys(idSettings).find((code) => !options.includes(code));
    if (stray) throw badRequest(`The language ${stray} in LanguageIdSettings must also be in LanguageOptions.`);
    if (Object.values(idSettings).some((v) => v.VocabularyFilterName) && !settings.VocabularyFilterMethod) {
      throw badRequest('VocabularyFilterMethod is required when you specify VocabularyFilterName.');
    }
  }
  if (body['ContentRedaction'] && body['IdentifyMultipleLanguages'] === true) throw badRequest('Content redaction is not supported with multi-language identification.');
  if (body['ToxicityDetection'] && body['LanguageCode'] !== 'en-US') throw badRequest('Toxicity detection is only supported for en-US.');
  const format = body['MediaFormat'];
  if (format !== undefined && (typeof format !== 'string' || !FORMATS.includes(format))) throw badRequest(`MediaFormat must be one of ${FORMATS.join(', ')}.`);
  // The real service can keep output in a bucket of its own; the fake has nowhere else to write.
  if (typeof body['OutputBucketName'] !== 'string') throw badRequest('The fake Transcribe needs OutputBucketName.');
}

async function get(context: FakeAwsContext, body: Body) {
  const job = context.jobs.get(String(body['TranscriptionJobName']));
  if (!job || job.service !== 'transcribe') throw notFound();
  const status = transcriptionStatus(context, job);
  if (status === 'COMPLETED') {
    // The real service writes its files before it reports COMPLETED; written once per job.
    job.delivery ??= deliver(context, job);
    await job.delivery.catch((err: unknown) => {
      job.delivery = undefined;
      throw wireError('transcribe', 'InternalFailureException', `fake Transcribe could not write its output: ${String(err)}`);
    });
  }
  return { TranscriptionJob: describe(context, job, status) };
}

/**
 * DeleteTranscriptionJob: the job and its name are gone (a later Get answers not found, a
 * Start may reuse the name); the files it wrote stay in the output bucket. An unknown name
 * is a BadRequestException, as is a running job when the config says so (the API reference
 * allows the service to refuse a job in a non-terminal state). The answer is an empty body.
 */
function remove(context: FakeAwsContext, body: Body) {
  const name = body['TranscriptionJobName'];
  if (typeof name !== 'string' || !NAME.test(name)) throw constraint(name, 'transcriptionJobName', 'satisfy regular expression pattern: ^[0-9a-zA-Z._-]+');
  context.counters.recordDeleteKey(name);
  const job = context.jobs.get(name);
  if (!job || job.service !== 'transcribe') throw notFound();
  const status = transcriptionStatus(context, job);
  if (context.config.refuseRunningTranscriptionDeletes && (status === 'QUEUED' || status === 'IN_PROGRESS')) {
    throw badRequest(`The transcription job is ${status}. You can only delete a job that has completed or failed.`);
  }
  context.jobs.remove(job);
  context.notifications.cancel(job);
  context.counters.recordDeletedJob(job);
  return {};
}

function describe(context: FakeAwsContext, job: FakeJob, status: ReturnType<typeof transcriptionStatus>) {
  const request = job.request;
  const settings = request['Settings'] as Settings | undefined;
  const subtitles = request['Subtitles'] as SubtitlesRequest | undefined;
  const files = output(job);
  const redaction = request['ContentRedaction'] as ContentRedactionRequest | undefined;
  const multiple = request['IdentifyMultipleLanguages'] === true;
  const url = (key: string) => `${context.s3Endpoint}/${String(request['OutputBucketName'])}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const identify = request['IdentifyLanguage'] === true || request['IdentifyMultipleLanguages'] === true;
  const done = status === 'COMPLETED' || status === 'FAILED';
  const seconds = (ms: number) => ms / 1000;
  return {
    TranscriptionJobName: job.id,
    TranscriptionJobStatus: status,
    ...(request['LanguageCode']
      ? { LanguageCode: request['LanguageCode'] }
      : status !== 'COMPLETED'
        ? {}
        : multiple
          ? { LanguageCodes: languageDurations(shapedDocuments.get(job)) }
          : { LanguageCode: identifiedLanguage(request) }),
    MediaSampleRateHertz: request['MediaSampleRateHertz'] ?? 48000,
    MediaFormat: request['MediaFormat'] ?? mediaFormat(job.key),
    Media: request['Media'],
    Transcript:
      status !== 'COMPLETED'
        ? {}
        : redaction
          ? {
              RedactedTranscriptFileUri: url(redactedKey(files.json)),
              ...(redaction.RedactionOutput === 'redacted_and_unredacted' ? { TranscriptFileUri: url(files.json) } : {}),
            }
          : { TranscriptFileUri: url(files.json) },
    // A queued job has not started.
    ...(status === 'QUEUED' ? {} : { StartTime: seconds(Math.min(job.startedAt + context.config.transcriptionQueuedMs, job.startedAt + job.durationMs)) }),
    CreationTime: seconds(job.startedAt),
    ...(done ? { CompletionTime: seconds(job.startedAt + job.durationMs) } : {}),
    ...(status === 'FAILED' ? { FailureReason: FAILURE_REASON } : {}),
    Settings: { ChannelIdentification: false, ShowAlternatives: false, ...settings },
    ...(identify
      ? {
          IdentifyLanguage: request['IdentifyLanguage'] === true,
          IdentifyMultipleLanguages: multiple,
          ...(request['LanguageOptions'] ? { LanguageOptions: request['LanguageOptions'] } : {}),
          ...(request['LanguageIdSettings'] ? { LanguageIdSettings: request['LanguageIdSettings'] } : {}),
          ...(status === 'COMPLETED' && !multiple ? { IdentifiedLanguageScore: 0.9632 } : {}),
        }
      : {}),
    ...(redaction ? { ContentRedaction: redaction } : {}),
    ...(request['ToxicityDetection'] ? { ToxicityDetection: request['ToxicityDetection'] } : {}),
    ...(subtitles?.Formats?.length
      ? {
          Subtitles: {
            Formats: subtitles.Formats,
            OutputStartIndex: subtitles.OutputStartIndex ?? 0,
            ...(status === 'COMPLETED' ? { SubtitleFileUris: files.subtitles.map((s) => url(s.key)) } : {}),
          },
        }
      : {}),
  };
}

function output(job: FakeJob) {
  const formats = (job.request['Subtitles'] as SubtitlesRequest | undefined)?.Formats ?? [];
  return outputFiles(job.id, job.request['OutputKey'] as string | undefined, formats);
}

/** The fake "identifies" English when it is an option, else the first option. */
function identifiedLanguage(request: Body): string {
  const options = (request['LanguageOptions'] as string[] | undefined) ?? [];
  return options.find((o) => o === 'en-US') ?? options[0] ?? 'en-US';
}

function mediaFormat(key: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase() ?? '';
  return FORMATS.includes(extension) ? extension : 'mp4';
}

async function deliver(context: FakeAwsContext, job: FakeJob): Promise<void> {
  const request = job.request;
  const settings = request['Settings'] as Settings | undefined;
  const subtitles = request['Subtitles'] as SubtitlesRequest | undefined;
  const script = parseScript(context.config.transcriptScript);
  const sentences = script.map((s) => s.spoken);
  const files = output(job);
  const generate = (): TranscriptDocumentShape =>
    transcriptDocument({
      jobName: job.id,
      sentences,
      durationSeconds: job.mediaSeconds,
      maxSpeakers: settings?.ShowSpeakerLabels ? settings.MaxSpeakerLabels : undefined,
      seedText: `${context.seed}|${job.bucket}/${job.key}`,
    });
  const redaction = request['ContentRedaction'] as ContentRedactionRequest | undefined;
  const idSettings = (request['LanguageIdSettings'] ?? {}) as Record<string, { VocabularyFilterName?: string }>;
  const filterNamed = !!settings?.VocabularyFilterName || Object.values(idSettings).some((v) => v.VocabularyFilterName);
  const filterMethod = settings?.VocabularyFilterMethod as ShapingRequest['vocabularyFilter'];
  const shaping: ShapingRequest = {
    toxicity: request['ToxicityDetection'] !== undefined,
    ...(filterNamed && filterMethod ? { vocabularyFilter: filterMethod } : {}),
    ...(request['IdentifyMultipleLanguages'] === true ? { multipleLanguages: (request['LanguageOptions'] as string[] | undefined) ?? [] } : {}),
    ...(request['IdentifyLanguage'] === true
      ? { singleLanguage: { identified: identifiedLanguage(request), options: (request['LanguageOptions'] as string[] | undefined) ?? [identifiedLanguage(request)] } }
      : {}),
  };
  const document = generate();
  shapeTranscript(document, script, shaping);
  shapedDocuments.set(job, document);
  const bucket = String(request['OutputBucketName']);
  const put = (key: string, text: string, type: string) => context.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: type }));
  let spokenSentences = sentences;
  if (redaction) {
    const redacted = generate();
    shapeTranscript(redacted, script, { ...shaping, redact: redaction.PiiEntityTypes?.length ? redaction.PiiEntityTypes : ['ALL'] });
    await put(redactedKey(files.json), JSON.stringify(redacted), 'application/json');
    // Subtitles show what the transcript shows: with redaction, the redacted words.
    spokenSentences = redacted.results.audio_segments.map((s) => s.transcript ?? '');
  }
  // With RedactionOutput "redacted" the service writes no unredacted transcript at all.
  if (!redaction || redaction.RedactionOutput === 'redacted_and_unredacted') await put(files.json, JSON.stringify(document), 'application/json');
  for (const { format, key } of files.subtitles) {
    await put(key, subtitleFile(format, spokenSentences, job.mediaSeconds, subtitles?.OutputStartIndex ?? 0), format === 'vtt' ? 'text/vtt' : 'application/x-subrip');
  }
}

/** A redacted transcript's key: the transcript's, its file name prefixed with "redacted-". */
function redactedKey(jsonKey: string): string {
  const slash = jsonKey.lastIndexOf('/');
  return `${jsonKey.slice(0, slash + 1)}redacted-${jsonKey.slice(slash + 1)}`;
}
