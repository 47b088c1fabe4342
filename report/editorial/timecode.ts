/** How a frame rate is counted in SMPTE timecode. */
export interface TimecodeRate {
  /** Frames a second in the media (29.97 for NTSC). */
  actual: number;
  /** Frames a timecode second counts (30 for NTSC). */
  nominal: number;
  /** Drop-frame: frame numbers 0 and 1 (0–3 at 59.94) skipped each minute but every tenth, so timecode keeps to the clock. */
  dropFrame: boolean;
}

/** Rates timecode has a standard count for; NTSC rates within this of 1000/1001 of a whole rate. */
const RATE_TOLERANCE = 0.01;
const WHOLE_RATES = [24, 25, 30, 48, 50, 60];

/**
 * The timecode count of a frame rate, or undefined for a rate no timecode standard counts
 * (12.5, 15, variable rates read as an average): such media get no EDL rather than a wrong
 * one. 29.97 and 59.94 count drop-frame, which SMPTE 12M defines for them; 23.976 and 47.952
 * count non-drop at 24 and 48, as editing systems do (no drop-frame exists for them).
 */
export function timecodeRate(framesPerSecond: number): TimecodeRate | undefined {
  if (!Number.isFinite(framesPerSecond) || framesPerSecond <= 0) return undefined;
  for (const whole of WHOLE_RATES) {
    if (Math.abs(framesPerSecond - whole) < RATE_TOLERANCE) return { actual: whole, nominal: whole, dropFrame: false };
    const ntsc = (whole * 1000) / 1001;
    if (Math.abs(framesPerSecond - ntsc) < RATE_TOLERANCE) return { actual: ntsc, nominal: whole, dropFrame: whole === 30 || whole === 60 };
  }
  return undefined;
}

/** The frame shown at `seconds`: the nearest frame boundary, never negative. */
export function framesAt(seconds: number, rate: TimecodeRate): number {
  return Math.max(0, Math.round(seconds * rate.actual));
}

/**
 * A frame count as HH:MM:SS:FF (colons throughout, as CMX3600 writes it; the FCM line says
 * whether it counts drop-frame). Drop-frame skips frame numbers, never frames, following
 * the SMPTE 12M counting: 2 numbers a minute at 29.97 (4 at 59.94), none in minutes divisible by 10.
 */
export function formatTimecode(frames: number, rate: TimecodeRate): string {
  let label = Math.max(0, Math.floor(frames));
  if (rate.dropFrame) {
    const dropped = rate.nominal / 15; // 2 at 30, 4 at 60
    const perTenMinutes = Math.round(rate.actual * 600);
    const perMinute = rate.nominal * 60 - dropped;
    const tens = Math.floor(label / perTenMinutes);
    const rest = label % perTenMinutes;
    // The first minute of each ten keeps all its numbers; each later one drops `dropped`.
    label += dropped * 9 * tens + (rest > dropped ? dropped * Math.floor((rest - dropped) / perMinute) : 0);
  }
  const ff = label % rate.nominal;
  const totalSeconds = Math.floor(label / rate.nominal);
  const hours = Math.floor(totalSeconds / 3600) % 24;
  return [hours, Math.floor(totalSeconds / 60) % 60, totalSeconds % 60, ff].map((n) => String(n).padStart(2, '0')).join(':');
}
