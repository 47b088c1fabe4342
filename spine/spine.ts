import type { MediaKind, ModerationVerdict } from '../common/types';
import type { DamageNote } from '../media/decode-damage';
import type { Interval } from '../media/technical-cues';
import type { PictureCoverage, SoundCoverage, TechnicalCue } from './branch-outputs';

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
  /** Speech inside the segment recognised below the threshold: kept, but marked as unreliable. */
  lowConfidenceSpeech?: string;
  black: boolean;
  silent: boolean;
  flags: ModerationFlag[];
  /** s3:// reference of the keyframe nearest the segment start, when thumbnails ran. */
  thumbnailRef?: string;
  /** The most confident labels seen in the segment (aws backend). */
  labels?: string[];
  /** Recognised public figures and the tenant's known people seen in the segment. */
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

/**
 * What moderation actually looked at: a verdict rests on this. A picture or a sound that was
 * not checked (or only in part), or damage that hid part of the media, is a gap, and a gap
 * makes the verdict "unverified" unless something was flagged.
 */
export interface ModerationCoverage {
  /** The picture visual moderation checked; absent when it did not run or said nothing of it. */
  picture?: PictureCoverage;
  /** The sound audio moderation checked, and the hits it found below the confidence threshold. */
  sound?: SoundCoverage & { lowConfidenceHits: number };
  /** Why the media cannot be called clean, one phrase each; empty when coverage is complete. */
  gaps: string[];
}

/**
 * The technical cues of a video, and which cue types were looked for: a type not in `checked`
 * was not looked for, which is not the same as not being there.
 */
export interface SpineTechnicalCues {
  /** Rekognition's TechnicalCueType names; the local backend looks for BlackFrames only. */
  checked: string[];
  /** In time order, black frames included. */
  cues: TechnicalCue[];
}

/** When one of the tenant's known people was on screen, and how closely the faces matched. */
export interface KnownPersonAppearance {
  personId: string;
  name: string;
  /** Merged stretches of matched faces, in time order; `similarity` is the best in the stretch. */
  ranges: { start: number; end: number; similarity: number }[];
}

/** What face detection saw and what it was compared with. */
export interface SpineFaces {
  /** Faces seen at or above the confidence threshold, counted per moment. */
  faceCount: number;
  /** Known people the faces were compared with; 0 means no comparison ran. */
  knownPeopleSearched: number;
  /** Of `faceCount`, the faces that were compared with them (0 when nobody was searched). */
  facesCompared: number;
  knownPeople: KnownPersonAppearance[];
}

/** The compact timeline every later step (report, record, UI) reads instead of raw outputs. */
export interface Spine {
  mediaId: string;
  kind: MediaKind;
  hasVideo: boolean;
  hasAudio: boolean;
  durationSeconds: number;
  thresholds: { minConfidence: number; moderation: number };
  segments: SpineSegment[];
  /** Transcript segments at or above the confidence threshold. */
  speech: TimedText[];
  speechSeconds: number;
  /** Transcript segments below the threshold: kept and shown as low-confidence, not dropped. */
  lowConfidenceSpeech: TimedText[];
  lowConfidenceSpeechSeconds: number;
  blackSegments: Interval[];
  silences: Interval[];
  /** Whether silence was measured at all; absent in spines built before this was recorded. */
  silencesMeasured?: boolean;
  /** Absent without a picture, when the shots analysis did not succeed, and in spines built before cues were kept. */
  technicalCues?: SpineTechnicalCues;
  loudness?: { integratedLufs: number; loudnessRangeLu: number; truePeakDbfs: number };
  moderation: {
    flagged: boolean;
    maxScore: number;
    flags: ModerationFlag[];
    /** flagged when any flag reached the threshold; clean only with complete coverage; else unverified. */
    verdict: ModerationVerdict;
    coverage: ModerationCoverage;
  };
  /** Decode errors the technical-cues pass ran into: where the media is damaged, and how much. */
  damage?: DamageNote;
  posterRef?: string;
  thumbnails: { time: number; ref: string }[];
  /** The labels seen most often, over the whole media. */
  labels: NameTally[];
  /** Public figures and known people, over the whole media. */
  people: NameTally[];
  /** Absent when face detection did not succeed, and in spines built before it existed. */
  faces?: SpineFaces;
}
