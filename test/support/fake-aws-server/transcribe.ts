import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { FakeAwsContext } from './context';
import { AwsWireError, jobState, type FakeJob } from './state';

/** Transcribe.StartTranscriptionJob / GetTranscriptionJob, JSON 1.1. */
export async function transcribe(context: FakeAwsContext, operation: string, body: Record<string, unknown>): Promise<unknown> {
  if (operation === 'StartTranscriptionJob') return start(context, body);
  if (operation === 'GetTranscriptionJob') return get(context, body);
  throw new AwsWireError('UnknownOperationException', `fake Transcribe does not implement ${operation}`);
}

async function start(context: FakeAwsContext, body: Record<string, unknown>) {
  const name = String(body['TranscriptionJobName'] ?? '');
  if (!/^[0-9a-zA-Z._-]{1,200}$/.test(name)) throw new AwsWireError('BadRequestException', 'TranscriptionJobName is invalid.');
  if (context.jobByToken.has(`transcribe:${name}`)) {
    throw new AwsWireError('ConflictException', 'The requested job name already exists. Use a different job name.');
  }
  const uri = /^s3:\/\/([^/]+)\/(.+)$/.exec(String((body['Media'] as { MediaFileUri?: string } | undefined)?.MediaFileUri ?? ''));
  if (!uri || !(await context.objectExists(uri[1] as string, uri[2] as string))) {
    throw new AwsWireError('BadRequestException', "The URI that you provided doesn't point to an S3 object.");
  }
  if (!body['LanguageCode'] && !body['IdentifyLanguage'] && !body['IdentifyMultipleLanguages']) {
    throw new AwsWireError('BadRequestException', 'Specify LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages.');
  }
  if (context.counters.runningJobs('transcribe') >= context.config.concurrentJobLimit.transcribe) {
    context.counters.injected('limit');
    throw new AwsWireError('LimitExceededException', 'You have exceeded the maximum number of concurrent transcription jobs.');
  }
  const job: FakeJob = {
    id: name,
    family: 'Transcription',
    service: 'transcribe',
    startOperation: 'StartTranscriptionJob',
    startedAt: Date.now(),
    durationMs: context.config.jobDurationMs.Transcription,
    outcome: context.config.stuckJobs.has('Transcription') ? 'stuck' : context.config.failJobs.has('Transcription') ? 'fail' : 'succeed',
    bucket: uri[1] as string,
    key: uri[2] as string,
    request: body,
  };
  context.addJob(job, `transcribe:${name}`);
  return { TranscriptionJob: describe(context, job, 'IN_PROGRESS') };
}

async function get(context: FakeAwsContext, body: Record<string, unknown>) {
  const job = context.jobs.get(String(body['TranscriptionJobName']));
  if (!job || job.service !== 'transcribe') throw new AwsWireError('BadRequestException', "The requested job couldn't be found. Check the job name and try your request again.");
  const state = jobState(job);
  if (state === 'SUCCEEDED' && !job.delivered) {
    // The real service writes its files before it reports COMPLETED.
    await deliver(context, job);
    job.delivered = true;
  }
  return { TranscriptionJob: describe(context, job, state === 'SUCCEEDED' ? 'COMPLETED' : state) };
}

function describe(context: FakeAwsContext, job: FakeJob, status: string) {
  const identify = !job.request['LanguageCode'];
  const output = outputKeys(job);
  const bucket = String(job.request['OutputBucketName']);
  const url = (key: string) => `${context.s3Endpoint}/${bucket}/${key}`;
  return {
    TranscriptionJobName: job.id,
    TranscriptionJobStatus: status,
    LanguageCode: identify ? (status === 'COMPLETED' ? 'en-US' : undefined) : job.request['LanguageCode'],
    ...(identify && status === 'COMPLETED' ? { IdentifiedLanguageScore: 0.9632, IdentifyLanguage: true } : {}),
    MediaSampleRateHertz: 44100,
    MediaFormat: 'mp4',
    Media: job.request['Media'],
    CreationTime: job.startedAt / 1000,
    StartTime: job.startedAt / 1000,
    Settings: job.request['Settings'],
    ...(status === 'COMPLETED'
      ? {
          CompletionTime: Date.now() / 1000,
          Transcript: { TranscriptFileUri: url(output.json) },
          ...(output.subtitles.length ? { Subtitles: { Formats: output.subtitles.map((s) => s.format), SubtitleFileUris: output.subtitles.map((s) => url(s.key)) } } : {}),
        }
      : {}),
    ...(status === 'FAILED' ? { FailureReason: 'The media format provided does not match the detected media format.' } : {}),
  };
}

/** A folder OutputKey ("x/") gets "<job name>.json"; otherwise the key names the file. */
function outputKeys(job: FakeJob) {
  const outputKey = String(job.request['OutputKey'] ?? '');
  const base = outputKey === '' || outputKey.endsWith('/') ? `${outputKey}${job.id}` : outputKey.replace(/\.json$/, '');
  const formats = ((job.request['Subtitles'] as { Formats?: string[] } | undefined)?.Formats ?? []).filter((f) => f === 'vtt' || f === 'srt');
  return { json: `${base}.json`, subtitles: formats.map((format) => ({ format, key: `${base}.${format}` })) };
}

interface TimedWord {
  content: string;
  start: number;
  end: number;
  speaker: string;
  punctuation?: string;
}

/** Writes the transcript JSON and subtitles into the output bucket, as the service does. */
async function deliver(context: FakeAwsContext, job: FakeJob): Promise<void> {
  const duration = context.config.mediaDurationSeconds(job.bucket, job.key);
  const sentences = context.config.transcriptScript;
  const words: TimedWord[][] = sentences.map((sentence, s) => {
    const tokens = sentence.split(/\s+/).filter(Boolean);
    const span = duration / sentences.length;
    const step = (span * 0.9) / Math.max(1, tokens.length);
    return tokens.map((token, i) => {
      const match = /^(.*?)([.,?!]*)$/.exec(token) as RegExpExecArray;
      const start = s * span + i * step;
      return { content: match[1] as string, start, end: start + step * 0.8, speaker: `spk_${s % 2}`, punctuation: match[2] || undefined };
    });
  });
  const items = words.flat().flatMap((w, id) => [
    {
      id,
      type: 'pronunciation',
      start_time: w.start.toFixed(3),
      end_time: w.end.toFixed(3),
      speaker_label: w.speaker,
      alternatives: [{ confidence: (0.9 + ((id * 7) % 10) / 100).toFixed(4), content: w.content }],
    },
    ...(w.punctuation ? [{ id, type: 'punctuation', speaker_label: w.speaker, alternatives: [{ confidence: '0.0', content: w.punctuation }] }] : []),
  ]);
  const transcript = {
    jobName: job.id,
    accountId: '123456789012',
    status: 'COMPLETED',
    results: {
      transcripts: [{ transcript: sentences.join(' ') }],
      speaker_labels: {
        channel_label: 'ch_0',
        speakers: Math.min(2, sentences.length),
        segments: words.map((sentence) => ({
          start_time: (sentence[0]?.start ?? 0).toFixed(3),
          end_time: (sentence[sentence.length - 1]?.end ?? 0).toFixed(3),
          speaker_label: sentence[0]?.speaker ?? 'spk_0',
          items: sentence.map((w) => ({ start_time: w.start.toFixed(3), end_time: w.end.toFixed(3), speaker_label: w.speaker })),
        })),
      },
      items,
    },
  };
  const bucket = String(job.request['OutputBucketName']);
  const output = outputKeys(job);
  const put = (key: string, body: string, type: string) =>
    context.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: type }));
  await put(output.json, JSON.stringify(transcript), 'application/json');
  for (const { format, key } of output.subtitles) await put(key, subtitles(format, sentences, duration), 'text/plain');
}

function subtitles(format: string, sentences: string[], duration: number): string {
  const span = duration / Math.max(1, sentences.length);
  const time = (seconds: number, separator: string) => {
    const ms = Math.round(seconds * 1000);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
  };
  const cues = sentences.map((text, i) => {
    const separator = format === 'vtt' ? '.' : ',';
    return `${i + 1}\n${time(i * span, separator)} --> ${time((i + 0.9) * span, separator)}\n${text}\n`;
  });
  return format === 'vtt' ? `WEBVTT\n\n${cues.join('\n')}` : cues.join('\n');
}
