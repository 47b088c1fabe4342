/**
 * Damage a full decode ran into: packets the decoders rejected or had to conceal. A file
 * with a zeroed or overwritten stretch still decodes to the end, and every analysis of it
 * "succeeds"; this is the note that says what the analyses did not really see.
 */
export interface DamageNote {
  /** Packets rejected or concealed, all streams together. */
  decodeErrors: number;
  videoErrors: number;
  audioErrors: number;
  /** Approximate stretch (s) the errors fall in: between the media-clock ticks around them. */
  start: number;
  end: number;
}

/**
 * Instance name of the showinfo/ashowinfo filter that logs one frame per
 * CLOCK_TICK_SECONDS of media: the time reference for locating decode errors, since ffmpeg
 * logs those without a timestamp and its progress lines follow the wall clock.
 */
export const CLOCK_FILTER = 'clock';
export const CLOCK_TICK_SECONDS = 1;

/** A filter chain that passes one frame a second to a showinfo named `clock` (video or audio). */
export function clockChain(stream: 'video' | 'audio'): string {
  const a = stream === 'audio' ? 'a' : '';
  return `${a}select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${CLOCK_TICK_SECONDS})',${a}showinfo@${CLOCK_FILTER},${a}nullsink`;
}

// ffmpeg 5 prints "Error while decoding stream #0:1: ..."; ffmpeg 6 and 7 log the same under the
// input stream's context ("[vist#0:0/h264 @ 0x..] Decoding error: ...", "Error submitting packet").
const STREAM_ERROR = /Error while decoding stream #\d+:(\d+)|\[[av]ist#\d+:(\d+)\/[^\]]*\].*(?:Decoding error|Error submitting packet to decoder)/;
// A packet the decoder could only conceal: decoded, but with damaged macroblocks.
const CONCEALED = /\[(h264|hevc|mpeg2video|mpeg4|vp[89]|av1)[^\]]*\] concealing \d+ DC/;
const INPUT_STREAM = /^\s*Stream #0:(\d+)[^:]*: (Video|Audio):/;
const CLOCK_TICK = new RegExp(`showinfo@${CLOCK_FILTER} .*pts_time:\\s*([\\d.]+)`);

/**
 * Counts decode errors in ffmpeg's stderr, line by line (FfmpegJob's onStderr), and places
 * them between the clock ticks logged around them. Holds a few numbers, whatever the length.
 */
export class DecodeDamageCounter {
  private readonly streamKinds = new Map<number, 'video' | 'audio'>();
  private readingInputs = true;
  private lastTick = 0;
  private video = 0;
  private audio = 0;
  private other = 0;
  private first?: number;
  private lastErrorTick?: number;
  private tickAfterLast?: number;

  /** Whether a stderr line is one of the clock's, which scene-cut parsing must not read. */
  static isClockLine(line: string): boolean {
    return line.includes(`showinfo@${CLOCK_FILTER}`);
  }

  observe(line: string): void {
    if (/^Output #/.test(line)) this.readingInputs = false;
    const stream = this.readingInputs ? INPUT_STREAM.exec(line) : null;
    if (stream?.[1] && stream[2]) {
      this.streamKinds.set(Number(stream[1]), stream[2] === 'Video' ? 'video' : 'audio');
      return;
    }
    const tick = CLOCK_TICK.exec(line);
    if (tick?.[1]) {
      this.lastTick = Number(tick[1]);
      if (this.lastErrorTick !== undefined && this.tickAfterLast === undefined) this.tickAfterLast = this.lastTick;
      return;
    }
    const failed = STREAM_ERROR.exec(line);
    if (failed) {
      const kind = this.streamKinds.get(Number(failed[1] ?? failed[2]));
      if (kind === 'video') this.video += 1;
      else if (kind === 'audio') this.audio += 1;
      else this.other += 1;
      this.located();
    } else if (CONCEALED.test(line)) {
      this.video += 1;
      this.located();
    }
  }

  /** The damage seen, or undefined for a clean decode. */
  note(durationSeconds: number): DamageNote | undefined {
    const decodeErrors = this.video + this.audio + this.other;
    if (decodeErrors === 0) return undefined;
    const end = Math.min(durationSeconds, this.tickAfterLast ?? durationSeconds);
    return {
      decodeErrors,
      videoErrors: this.video,
      audioErrors: this.audio,
      start: round2(Math.min(this.first ?? 0, end)),
      end: round2(end),
    };
  }

  private located(): void {
    this.first ??= this.lastTick;
    // A later error reopens the stretch: it ends at the first tick after the last error.
    this.lastErrorTick = this.lastTick;
    this.tickAfterLast = undefined;
  }
}

/** One line for summaries and reports: how much damage and about where. */
export function describeDamage(damage: DamageNote): string {
  const streams = [
    damage.videoErrors ? `${damage.videoErrors} video` : '',
    damage.audioErrors ? `${damage.audioErrors} audio` : '',
  ].filter(Boolean);
  const where = damage.end > damage.start ? `between ${damage.start.toFixed(1)} s and ${damage.end.toFixed(1)} s` : `at ${damage.start.toFixed(1)} s`;
  return `${damage.decodeErrors} decode error${damage.decodeErrors === 1 ? '' : 's'}${streams.length ? ` (${streams.join(', ')})` : ''} ${where}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
