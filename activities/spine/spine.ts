import type { Interval } from '../media/technical-cues';

/** A moderation signal on the timeline, from frames (visual) or from the transcript (audio). */
export interface ModerationFlag {
  start: number;
  end: number;
  source: 'visual' | 'audio';
  category: string;
  score: number;
}

/** One stretch of the timeline: a shot for video, a speech or silence stretch for audio. */
export interface SpineSegment {
  index: number;
  start: number;
  end: number;
  /** Speech inside the segment, from transcript segments that passed the confidence threshold. */
  speech: string;
  black: boolean;
  silent: boolean;
  flags: ModerationFlag[];
  /** s3:// reference of the keyframe nearest the segment start, when thumbnails ran. */
  thumbnailRef?: string;
  /** The most confident labels seen in the segment (aws backend). */
  labels?: string[];
  /** Recognised public figures seen in the segment. */
  people?: string[];
  /** Lines of on-screen text. */
  onScreenText?: string[];
}

/** A name seen across the media: how often and first when. */
export interface NameTally {
  name: string;
  appearances: number;
  firstSeen: number;
}

export interface TimedText {
  start: number;
  end: number;
  text: string;
  confidence: number;
}

/** The compact timeline every later step (report, record, UI) reads instead of raw outputs. */
export interface Spine {
  mediaId: string;
  durationSeconds: number;
  thresholds: { minConfidence: number; moderation: number };
  segments: SpineSegment[];
  speech: TimedText[];
  speechSeconds: number;
  blackSegments: Interval[];
  silences: Interval[];
  loudness?: { integratedLufs: number; loudnessRangeLu: number; truePeakDbfs: number };
  moderation: { flagged: boolean; maxScore: number; flags: ModerationFlag[] };
  posterRef?: string;
  thumbnails: { time: number; ref: string }[];
  /** The labels seen most often, over the whole media. */
  labels: NameTally[];
  people: NameTally[];
}
