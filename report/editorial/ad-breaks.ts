import type { Interval } from '../../media/technical-cues';

/** Where breaks may go: away from the ends, and not bunched together. */
export interface AdBreakRules {
  /** No break in the first or last this many seconds. */
  edgeSeconds: number;
  /** Breaks at least this far apart. */
  minGapSeconds: number;
  /** A black stretch this close to the cut makes it a cleaner break. */
  blackNearbySeconds: number;
}

export const DEFAULT_AD_BREAK_RULES: AdBreakRules = { edgeSeconds: 5, minGapSeconds: 60, blackNearbySeconds: 1 };

/** One suggested break: a shot change inside silence, and why it was chosen. */
export interface AdBreak {
  /** Seconds from the start: the shot change itself. */
  time: number;
  /** 1 is the best suggestion. */
  rank: number;
  /** Length of the silence the cut falls in. */
  silenceSeconds: number;
  blackNearby: boolean;
  /** "shot change inside 2.5 s of silence, black frames at 10.0–12.0 s". */
  reason: string;
}

/** What the suggestions are made from: shot boundaries, silences and black stretches of the spine. */
export interface AdBreakTimeline {
  durationSeconds: number;
  /** Start times of the shots, in order: every start but the first is a shot change. */
  shotStarts: readonly number[];
  silences: readonly Interval[];
  blackSegments: readonly Interval[];
}

/**
 * Ad-break suggestions, no model: shot changes that fall inside a silence, not within
 * `edgeSeconds` of either end, ranked by the silence's length (a black stretch near the cut
 * first among equals), then kept best-first while at least `minGapSeconds` from every break
 * already kept. Pure and deterministic, so the same spine always suggests the same breaks.
 */
export function suggestAdBreaks(timeline: AdBreakTimeline, rules: AdBreakRules = DEFAULT_AD_BREAK_RULES): AdBreak[] {
  const { durationSeconds, silences, blackSegments } = timeline;
  const candidates = timeline.shotStarts
    .slice(1)
    .filter((time) => time >= rules.edgeSeconds && time <= durationSeconds - rules.edgeSeconds)
    .flatMap((time) => {
      const silence = silences.find((s) => s.start <= time && time <= s.end);
      if (!silence) return [];
      const black = blackSegments.find((b) => b.start - rules.blackNearbySeconds <= time && time <= b.end + rules.blackNearbySeconds);
      return [{ time, silence, black }];
    })
    .sort((a, b) => length(b.silence) - length(a.silence) || Number(Boolean(b.black)) - Number(Boolean(a.black)) || a.time - b.time);

  const kept: typeof candidates = [];
  for (const candidate of candidates) {
    if (kept.every((k) => Math.abs(k.time - candidate.time) >= rules.minGapSeconds)) kept.push(candidate);
  }
  return kept.map(({ time, silence, black }, i) => ({
    time,
    rank: i + 1,
    silenceSeconds: round(length(silence)),
    blackNearby: Boolean(black),
    reason: `shot change inside ${length(silence).toFixed(1)} s of silence (${silence.start.toFixed(1)}–${silence.end.toFixed(1)} s)${
      black ? `, black frames at ${black.start.toFixed(1)}–${black.end.toFixed(1)} s` : ''
    }`,
  }));
}

function length(interval: Interval): number {
  return interval.end - interval.start;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
