import { spawn } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MediaUnusableError } from './media-unusable-error';
import { runFfmpeg } from './run-ffmpeg';

export interface RecognizedWord {
  word: string;
  start: number;
  end: number;
  /** pocketsphinx's posterior probability of the word, 0..1. */
  confidence: number;
}

/** One utterance as pocketsphinx segments the audio (it splits on silence). */
export interface Utterance {
  words: RecognizedWord[];
  speaker?: string;
}

export interface PocketsphinxOptions {
  binary: string;
  /** Acoustic model, language model and dictionary; the Debian package's en-us by default. */
  modelDir?: string;
}

/** What the recogniser heard: its utterances, and how much audio it was given to hear them in. */
export interface RecognizedSpeech {
  utterances: Utterance[];
  /** Seconds of audio decoded and transcribed: what a verdict on the sound rests on. */
  audioSeconds: number;
}

const SAMPLE_RATE = 16_000;
const BYTES_PER_SAMPLE = 2;

/**
 * Speech to text with word timings: ffmpeg extracts 16 kHz mono PCM (what the en-us model
 * was trained on), pocketsphinx_continuous decodes it. `onProgress` receives the time (s)
 * reached, for heartbeats. An audio track that decodes to no samples at all fails with
 * MediaUnusableError: an empty transcript of it would read as silence.
 */
export async function recognizeSpeech(
  input: string,
  options: PocketsphinxOptions,
  signal?: AbortSignal,
  onProgress?: (seconds: number) => void,
): Promise<RecognizedSpeech> {
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-asr-'));
  try {
    const wav = join(dir, 'speech.wav');
    await runFfmpeg({
      input,
      outputOptions: ['-vn', '-map', '0:a:0', '-ac', '1', '-ar', String(SAMPLE_RATE), '-c:a', 'pcm_s16le'],
      output: wav,
      signal,
    });
    const audioSeconds = await wavSeconds(wav);
    if (audioSeconds === 0) throw new MediaUnusableError('NoDecodableAudio', 'the audio track decoded to no samples');
    const args = ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null'];
    if (options.modelDir) {
      args.push(
        '-hmm', join(options.modelDir, 'en-us'),
        '-lm', join(options.modelDir, 'en-us.lm.bin'),
        '-dict', join(options.modelDir, 'cmudict-en-us.dict'),
      );
    }
    return { utterances: await runRecognizer(options.binary, args, signal, onProgress), audioSeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Seconds of 16 kHz mono s16 PCM in a WAV file ffmpeg wrote: the bytes after its `data` chunk header. */
async function wavSeconds(path: string): Promise<number> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(Math.min(size, 4096));
    await file.read(header, 0, header.length, 0);
    const data = header.indexOf('data', 12, 'latin1');
    if (data < 0) return 0;
    const bytes = Math.max(0, size - (data + 8));
    return Math.round((bytes / (SAMPLE_RATE * BYTES_PER_SAMPLE)) * 1000) / 1000;
  } finally {
    await file.close();
  }
}

function runRecognizer(
  binary: string,
  args: string[],
  signal?: AbortSignal,
  onProgress?: (seconds: number) => void,
): Promise<Utterance[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const lines: string[] = [];
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const word = parseWordLine(line);
      if (word) onProgress?.(word.end);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(parsePocketsphinxOutput(lines));
      else reject(new Error(`${binary} exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
    });
  });
}

// Fillers and markers, not words: sentence bounds, silence, noise classes.
const NON_WORD = /^(<s>|<\/s>|<sil>|\[[A-Z_]+\]|\+\+.*\+\+)$/;

function parseWordLine(line: string): RecognizedWord | undefined {
  const match = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+(?:\.\d+)?)$/.exec(line.trim());
  if (!match?.[1] || NON_WORD.test(match[1])) return undefined;
  return {
    word: match[1].replace(/\(\d+\)$/, ''),
    start: Number(match[2]),
    end: Number(match[3]),
    confidence: Math.round(Number(match[4]) * 1000) / 1000,
  };
}

/**
 * Parses `pocketsphinx_continuous -time yes` output: each utterance is a hypothesis line
 * followed by one `word start end probability` line per token. Exported for unit tests.
 */
export function parsePocketsphinxOutput(lines: readonly string[]): Utterance[] {
  const utterances: Utterance[] = [];
  let current: RecognizedWord[] | undefined;
  for (const line of lines) {
    if (!line.trim()) continue;
    const word = parseWordLine(line);
    if (word) {
      current?.push(word);
    } else if (!/^\S+ \d+\.\d+ \d+\.\d+ /.test(line.trim())) {
      // A hypothesis line opens the next utterance.
      if (current?.length) utterances.push({ words: current });
      current = [];
    }
  }
  if (current?.length) utterances.push({ words: current });
  return utterances;
}
