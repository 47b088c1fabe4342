import type { ProfanityHit } from '../media/profanity';
import type { TechnicalCues } from '../media/technical-cues';
import type { ToxicityDetection, Transcript } from '../media/transcript';
import type { NsfwScores } from '../media/nsfw-classifier';

/**
 * What each analysis writes to the object store, whichever backend ran it: the contract
 * between the analyses and reduce. The workflow only ever sees references to these.
 */
export type TranscriptOutput = Transcript;

/**
 * A technical cue: a stretch of the picture a detector recognised as colour bars, a slate,
 * credits, a studio logo, programme content or black frames. `type` is Rekognition's
 * TechnicalCueType (ColorBars, EndCredits, BlackFrames, OpeningCredits, StudioLogo, Slate,
 * Content), kept as given so a type the service adds later is shown, not dropped.
 */
export interface TechnicalCue {
  type: string;
  start: number;
  end: number;
  /** 0..1; absent when the detector gives none (ffmpeg's blackdetect). */
  confidence?: number;
}

export interface ShotsOutput extends TechnicalCues {
  /**
   * Whether `silences` was measured (ffmpeg's silencedetect on the audio): Rekognition's
   * segment detection times no silence, so its empty list says nothing. Absent in outputs
   * written before this was recorded: then silences count as measured only when some were found.
   */
  silencesMeasured?: boolean;
  /** Every technical cue found, black frames included, in time order; absent when only black frames were timed (see `blackSegments`). */
  technicalCues?: TechnicalCue[];
  /**
   * The cue types the detector looks for, so a cue type missing from the results reads as
   * "looked for, none found" and not as "not looked for". Absent means black frames only:
   * the local backend's ffmpeg pass, and outputs written before other cues were kept.
   */
  cueTypesChecked?: string[];
}

export interface ThumbnailsOutput {
  poster: { time: number; ref: string };
  keyframes: { time: number; ref: string }[];
}

/**
 * Moderation scores (0..1) of sampled moments: nsfwjs class scores of frames on the local
 * backend, Rekognition's moderation labels (grouped by timestamp) on aws.
 */
export interface VisualModerationOutput {
  model: string;
  /** How long one sample stands for on the timeline. */
  intervalSeconds: number;
  /**
   * Classes that flag when they score over the threshold. Absent means every class flags:
   * Rekognition returns only unsafe content, nsfwjs also scores 'Neutral' and 'Drawing'.
   */
  explicitClasses?: string[];
  samples: { time: number; scores: Partial<NsfwScores> & Record<string, number> }[];
  /**
   * What was looked at, which the samples alone do not say: Rekognition lists only moments
   * with findings. Absent in outputs written before coverage was recorded: then nothing is
   * known to have been checked.
   */
  coverage?: PictureCoverage;
}

/** The picture a visual moderation checked. */
export interface PictureCoverage {
  /** Frames classified; absent when a service analysed the video as a whole (Rekognition Video). */
  frames?: number;
  /** First moment checked and the end of the last sample's stretch, seconds. */
  start: number;
  end: number;
}

/** The sound an audio moderation checked: a transcript, over so much audio. */
export interface SoundCoverage {
  /** Seconds of audio the transcript was made from. */
  audioSeconds: number;
  /** Words checked against the dictionary. */
  words: number;
}

/** A thing seen at a moment, with the detector's confidence (0..1). */
export interface TimedDetection {
  time: number;
  name: string;
  confidence: number;
}

/** Objects, scenes and activities (Rekognition label detection). */
export interface LabelsOutput {
  model: string;
  detections: (TimedDetection & { parents: string[]; categories: string[] })[];
}

/** Recognised public figures; `urls` point at the reference the service matched. */
export interface CelebritiesOutput {
  model: string;
  detections: (TimedDetection & { id: string; urls: string[] })[];
}

/** Lines of text on screen; `name` is the text. */
export interface TextOutput {
  model: string;
  detections: TimedDetection[];
}

/**
 * A tenant's indexed person a face matched: the tenant's own face collection ("known people"),
 * never a public-figure database. `similarity` is 0..1.
 */
export interface KnownPersonMatch {
  personId: string;
  name: string;
  similarity: number;
}

/**
 * Faces seen, each at a moment, and which of the tenant's known people each one matched.
 * Rekognition Video tracks faces over time; the local backend finds them on keyframes.
 */
export interface FacesOutput {
  /** The detector, and for matches the collection or index searched. */
  model: string;
  faces: {
    time: number;
    /** 0..1 that this is a face. */
    confidence: number;
    /** Share of the frame, 0..1: left, top, width, height. */
    box?: { left: number; top: number; width: number; height: number };
    /** Best match among the tenant's known people, when one passed the match threshold. */
    match?: KnownPersonMatch;
    /**
     * false: this face was not compared with the known people although others were (an image
     * search compares only the largest face of a frame). Absent: compared whenever
     * `knownPeopleSearched` > 0.
     */
    compared?: false;
  }[];
  /**
   * How many known people the faces were compared with: 0 says no search ran (an empty or
   * missing collection), so "no match" then means nothing was compared, not "nobody known".
   */
  knownPeopleSearched: number;
  /** Similarity (0..1) a match had to reach. */
  matchThreshold?: number;
}

export interface AudioModerationOutput {
  dictionary: string;
  hits: ProfanityHit[];
  /**
   * The recogniser's toxicity scores of the speech (Amazon Transcribe's toxicity detection),
   * every stretch it scored; absent when toxicity was not checked.
   */
  toxicity?: ToxicityDetection;
  /** Absent when the transcript did not say how much audio it covered. */
  coverage?: SoundCoverage;
}

export interface BranchOutputs {
  transcript?: TranscriptOutput;
  shots?: ShotsOutput;
  thumbnails?: ThumbnailsOutput;
  visualModeration?: VisualModerationOutput;
  audioModeration?: AudioModerationOutput;
  labels?: LabelsOutput;
  celebrities?: CelebritiesOutput;
  text?: TextOutput;
  faces?: FacesOutput;
}
