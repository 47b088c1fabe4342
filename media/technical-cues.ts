import { clockChain, DecodeDamageCounter, type DamageNote } from './decode-damage';
import { runFfmpeg, showinfoTime } from './run-ffmpeg';

export interface Interval {
  start: number;
  end: number;
}

export interface TechnicalCues {
  /** Times (s) where a new shot starts, from ffmpeg's scene-change score. */
  sceneCuts: number[];
  /** Empty for media without a picture: audio has no shots. */
  shots: Interval[];
  blackSegments: Interval[];
  silences: Interval[];
  loudness?: { integratedLufs: number; loudnessRangeLu: number; truePeakDbfs: number };
  /** Present when the decode ran into damaged packets: what the analyses did not really see. */
  damage?: DamageNote;
}

export interface CueOptions {
  sceneThreshold: number;
  blackMinSeconds: number;
  silenceNoiseDb: number;
  silenceMinSeconds: number;
}

/**
 * One ffmpeg pass over the media: scene changes (select+showinfo), black frames
 * (blackdetect), silences (silencedetect) and EBU R128 loudness (ebur128). The pass decodes
 * every frame and sample, so it also counts decode errors, placed in time by a once-a-second
 * clock (showinfo on one frame a second).
 */
export async function detectTechnicalCues(
  input: string,
  streams: { video: boolean; audio: boolean; durationSeconds: number },
  options: CueOptions,
  signal?: AbortSignal,
): Promise<TechnicalCues> {
  const graph: string[] = [];
  const maps: string[] = [];
  if (streams.video) {
    graph.push(
      `[0:v:0]split=3[scene][black][clock]`,
      `[scene]select='gt(scene,${options.sceneThreshold})',showinfo,nullsink`,
      `[clock]${clockChain('video')}`,
      `[black]blackdetect=d=${options.blackMinSeconds}:pix_th=0.10[vout]`,
    );
    maps.push('-map', '[vout]');
  }
  if (streams.audio) {
    // Audio-only media takes its clock from the audio.
    const audioIn = streams.video ? '[0:a:0]' : `[0:a:0]asplit[cues][clock];[clock]${clockChain('audio')};[cues]`;
    graph.push(
      `${audioIn}silencedetect=n=${options.silenceNoiseDb}dB:d=${options.silenceMinSeconds},ebur128=peak=true:framelog=verbose[aout]`,
    );
    maps.push('-map', '[aout]');
  }
  const lines: string[] = [];
  const damage = new DecodeDamageCounter();
  await runFfmpeg({
    input,
    outputOptions: ['-filter_complex', graph.join(';'), ...maps, '-f', 'null'],
    output: '-',
    signal,
    onStderr: (line) => {
      damage.observe(line);
      if (DecodeDamageCounter.isClockLine(line)) return;
      if (/pts_time:|black_start|silence_(start|end)|^\s*(I|LRA|Peak):/.test(line)) lines.push(line);
    },
  });
  const cues = parseCueLog(lines, streams.durationSeconds);
  const note = damage.note(streams.durationSeconds);
  return { ...cues, ...(streams.video ? {} : { sceneCuts: [], shots: [] }), ...(note ? { damage: note } : {}) };
}

/** Parses the stderr lines of the cue filters; exported for unit tests. */
export function parseCueLog(lines: readonly string[], durationSeconds: number): TechnicalCues {
  const sceneCuts: number[] = [];
  const blackSegments: Interval[] = [];
  const silences: Interval[] = [];
  let silenceStart: number | undefined;
  const summary: Record<string, number> = {};
  for (const line of lines) {
    const cut = showinfoTime(line);
    if (cut !== undefined) sceneCuts.push(round2(cut));
    const black = /black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/.exec(line);
    if (black?.[1] && black[2]) blackSegments.push({ start: round2(Number(black[1])), end: round2(Number(black[2])) });
    const silenceBegin = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (silenceBegin?.[1]) silenceStart = Math.max(0, Number(silenceBegin[1]));
    const silenceEnd = /silence_end:\s*([\d.]+)/.exec(line);
    if (silenceEnd?.[1]) {
      silences.push({ start: round2(silenceStart ?? 0), end: round2(Number(silenceEnd[1])) });
      silenceStart = undefined;
    }
    const stat = /^\s*(I|LRA|Peak):\s*(-?[\d.]+|-inf)/.exec(line);
    if (stat?.[1] && stat[2]) summary[stat[1]] = stat[2] === '-inf' ? -Infinity : Number(stat[2]);
  }
  // A silence still open at the end of the stream runs to the end of the media.
  if (silenceStart !== undefined) silences.push({ start: round2(silenceStart), end: round2(durationSeconds) });
  const cuts = [...new Set(sceneCuts)].filter((t) => t > 0 && t < durationSeconds).sort((a, b) => a - b);
  const bounds = [0, ...cuts, durationSeconds];
  const shots = bounds.slice(1).map((end, i) => ({ start: bounds[i] ?? 0, end: round2(end) }));
  const loudness =
    summary['I'] !== undefined && summary['LRA'] !== undefined
      ? {
          integratedLufs: summary['I'],
          loudnessRangeLu: summary['LRA'],
          truePeakDbfs: Number.isFinite(summary['Peak']) ? (summary['Peak'] ?? -70) : -70,
        }
      : undefined;
  return { sceneCuts: cuts, shots, blackSegments, silences, ...(loudness ? { loudness } : {}) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
