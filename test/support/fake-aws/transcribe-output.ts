import { hashSeed, seededRandom } from './random';

/**
 * What a finished transcription job writes to its output bucket: the transcript JSON in the
 * service's format (times and confidences as strings, seconds) and the subtitle files.
 */

export interface OutputFiles {
  json: string;
  subtitles: { format: 'vtt' | 'srt'; key: string }[];
}

/**
 * Where the files go. As documented for OutputKey: a key ending in ".json" names the file;
 * any other key is a folder (with or without a trailing "/") that gets "<job name>.json";
 * no key puts "<job name>.json" at the top of the bucket. Subtitles share the JSON's base name.
 */
export function outputFiles(jobName: string, outputKey: string | undefined, formats: string[]): OutputFiles {
  const key = outputKey ?? '';
  const json = key.endsWith('.json') ? key : key === '' ? `${jobName}.json` : `${key.replace(/\/?$/, '/')}${jobName}.json`;
  const base = json.slice(0, -'.json'.length);
  return {
    json,
    subtitles: formats.filter((f): f is 'vtt' | 'srt' => f === 'vtt' || f === 'srt').map((format) => ({ format, key: `${base}.${format}` })),
  };
}

interface Word {
  content: string;
  punctuation?: string;
  start: number;
  end: number;
  speaker: string;
}

export interface TranscriptOptions {
  jobName: string;
  sentences: string[];
  durationSeconds: number;
  /** Undefined without ShowSpeakerLabels: then no item carries a speaker. */
  maxSpeakers?: number;
  seedText: string;
}

/** Sentences spread evenly over the media, one speaker per sentence, alternating. */
function timedWords(options: TranscriptOptions): Word[][] {
  const speakers = Math.max(1, Math.min(2, options.maxSpeakers ?? 1));
  const span = options.durationSeconds / Math.max(1, options.sentences.length);
  return options.sentences.map((sentence, s) => {
    const tokens = sentence.split(/\s+/).filter(Boolean);
    const step = (span * 0.9) / Math.max(1, tokens.length);
    return tokens.map((token, i) => {
      const [, content = token, punctuation] = /^(.*?)([.,?!;:]*)$/.exec(token) ?? [];
      const start = s * span + i * step;
      return { content, punctuation: punctuation || undefined, start, end: start + step * 0.8, speaker: `spk_${s % speakers}` };
    });
  });
}

export function transcriptDocument(options: TranscriptOptions) {
  const random = seededRandom(hashSeed(options.seedText));
  const labelled = options.maxSpeakers !== undefined;
  const speaker = (w: Word) => (labelled ? { speaker_label: w.speaker } : {});
  const sentences = timedWords(options);
  let id = 0;
  const items: Record<string, unknown>[] = [];
  const audioSegments = sentences.map((words, index) => {
    const ids: number[] = [];
    for (const w of words) {
      ids.push(id);
      const confidence = (0.85 + random() * 0.15).toFixed(4);
      items.push({ id: id++, type: 'pronunciation', alternatives: [{ confidence, content: w.content }], start_time: time(w.start), end_time: time(w.end), ...speaker(w) });
      if (w.punctuation) {
        ids.push(id);
        // Punctuation has no time of its own.
        items.push({ id: id++, type: 'punctuation', alternatives: [{ confidence: '0.0', content: w.punctuation }], ...speaker(w) });
      }
    }
    const first = words[0];
    const last = words[words.length - 1];
    return { id: index, transcript: options.sentences[index], start_time: time(first?.start ?? 0), end_time: time(last?.end ?? 0), ...(first ? speaker(first) : {}), items: ids };
  });
  const speakerLabels = {
    channel_label: 'ch_0',
    speakers: new Set(sentences.flat().map((w) => w.speaker)).size,
    segments: sentences
      .filter((words) => words.length > 0)
      .map((words) => ({
        start_time: time((words[0] as Word).start),
        end_time: time((words[words.length - 1] as Word).end),
        speaker_label: (words[0] as Word).speaker,
        items: words.map((w) => ({ start_time: time(w.start), end_time: time(w.end), speaker_label: w.speaker })),
      })),
  };
  return {
    jobName: options.jobName,
    accountId: '123456789012',
    status: 'COMPLETED',
    results: {
      transcripts: [{ transcript: options.sentences.join(' ') }],
      ...(labelled ? { speaker_labels: speakerLabels } : {}),
      items,
      audio_segments: audioSegments,
    },
  };
}

/** One cue per sentence, numbered from OutputStartIndex. */
export function subtitleFile(format: 'vtt' | 'srt', sentences: string[], durationSeconds: number, startIndex: number): string {
  const span = durationSeconds / Math.max(1, sentences.length);
  const separator = format === 'vtt' ? '.' : ',';
  const clock = (seconds: number) => {
    const ms = Math.round(seconds * 1000);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
  };
  const cues = sentences.map((text, i) => `${i + startIndex}\n${clock(i * span)} --> ${clock((i + 0.9) * span)}\n${text}\n`);
  return (format === 'vtt' ? 'WEBVTT\n\n' : '') + cues.join('\n');
}

/** Seconds as the service writes them: a string, at most millisecond precision. */
function time(seconds: number): string {
  const rounded = Math.round(seconds * 1000) / 1000;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}
