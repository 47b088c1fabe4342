/**
 * Types that cross the workflow boundary. Everything here is small by design: branch
 * results are references to objects in the store plus counts, never raw analysis output,
 * so a workflow's history does not grow with the length of the media.
 */

import type { ReviewDecision, ReviewPolicy } from './review';

export type MediaKind = 'video' | 'audio' | 'image';

/** The analyses reelscope knows; a backend says which of them it can run. */
export const ANALYSIS_KINDS = [
  'transcript',
  'shots',
  'thumbnails',
  'visualModeration',
  'audioModeration',
  'labels',
  'celebrities',
  'text',
  'faces',
] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export type Stage = 'RECEIVED' | 'PROBING' | 'ANALYZING' | 'REDUCING' | 'REPORTING' | 'AWAITING_REVIEW';
export type TerminalStatus = 'COMPLETED' | 'REJECTED' | 'FAILED' | 'CANCELLED';
export type MediaStatus = Stage | TerminalStatus;

/** Every status a media record can hold, in pipeline order: the one list the API, CLI and portal offer. */
export const MEDIA_STATUSES = ['RECEIVED', 'PROBING', 'ANALYZING', 'REDUCING', 'REPORTING', 'AWAITING_REVIEW', 'COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED'] as const satisfies readonly MediaStatus[];
/** Statuses after which nothing more happens to a run. */
export const TERMINAL_STATUSES: readonly TerminalStatus[] = ['COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED'];

/** The object that was uploaded; version id or etag pins the exact bytes. */
export interface MediaSource {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  sizeBytes?: number;
}

export interface AnalyzeMediaInput {
  mediaId: string;
  tenant: string;
  tier: string;
  source: MediaSource;
  /** Analyses the uploader asked to leave out. */
  skip?: AnalysisKind[];
  /** Set for tenants whose flagged media wait for a human decision. */
  review?: ReviewPolicy;
  /** Set when an operator re-runs part of an earlier, completed analysis of this media. */
  rerun?: RerunRequest;
}

/**
 * A partial re-run: the named analyses run again (with those that read their output), every
 * other analysis keeps the earlier run's outcome, and reduce, report and persist run anew.
 * No analysis named is a report-only run: the report is re-written with the current writer.
 */
export interface RerunRequest {
  /** The run whose outcomes are reused. */
  fromRunId: string;
  analyses: AnalysisKind[];
  /** The earlier run's outcomes, as its record holds them. */
  reuse: AnalysisOutcome[];
  /** Reports of earlier runs, newest first, kept readable on the record. */
  previousReports: PreviousReport[];
  /** The earlier run's browser proxy: the bytes are the same, so a re-run encodes none. */
  playbackRef?: string;
}

/** A report an earlier run of the media wrote; its objects stay where that run put them. */
export interface PreviousReport {
  runId: string;
  jsonRef: string;
  htmlRef: string;
  verdict: ModerationVerdict;
  headline: string;
}

export interface GeoLocation {
  latitude: number;
  longitude: number;
  altitude?: number;
  /** The tag as it was written in the file. */
  iso6709: string;
}

export interface VideoStreamInfo {
  codec: string;
  /** ffprobe's pix_fmt (yuv420p, yuv420p10le, ...): 10-bit or 4:2:2 H.264 is MP4 no browser decodes. */
  pixelFormat?: string;
  width: number;
  height: number;
  framesPerSecond: number;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
}

/** What probe learned about the media: the facts every later step plans from. */
export interface MediaFacts {
  kind: MediaKind;
  formatName: string;
  durationSeconds: number;
  sizeBytes: number;
  bitRate?: number;
  streamCount: number;
  video?: VideoStreamInfo;
  audio?: AudioStreamInfo;
  title?: string;
  location?: GeoLocation;
}

/**
 * Account-wide limits on concurrent jobs: an analysis that names one holds a permit of it for
 * the life of its job, so bursts of uploads queue instead of failing with LimitExceeded.
 */
export type JobQuota = 'rekognition-video' | 'transcribe';

export type Capability =
  | { available: true; usdPerMinute: number; quota?: JobQuota; completion?: JobCompletion }
  | { available: false; reason: string };

/**
 * How the worker learns that an analysis's service job is done, when not by polling: the
 * service notifies (Rekognition by SNS, Transcribe by EventBridge) and the completion relay
 * completes the analysis's wait. `safetyNetSeconds` is how long a wait lasts before the worker
 * checks the job itself, so a lost notification still ends it. Decided by the worker's
 * configuration and recorded in the probe, so the workflow's choice replays.
 */
export interface JobCompletion {
  by: 'notification';
  safetyNetSeconds: number;
}

/**
 * What a wait for a service job ends with: the relay's word, from the job's notification, that
 * the job finished. The analysis that follows reads the job's state and results itself, so a
 * notice is a wake-up call, never trusted as a result.
 */
export interface JobFinishedNotice {
  notice: 'job-finished';
  jobId: string;
  status: 'succeeded' | 'failed';
  /** Rekognition's Start* operation (StartFaceSearch); Transcribe names none. */
  api?: string;
}

/** What the worker's backend can do; returned by probe so the plan stays a pure function. */
export interface BackendCapabilities {
  backend: string;
  /**
   * Every kind the worker knows. A probe recorded before a kind existed lacks it; the plan
   * skips such a kind, so a history from then replays without it.
   */
  analyses: Record<AnalysisKind, Capability>;
}

export interface ProbeResult {
  media: MediaFacts;
  capabilities: BackendCapabilities;
  /**
   * Whether the upload needs a proxy rendition to play in browsers, decided here so the
   * decision is recorded in history and the rule can change without a workflow patch. Absent
   * in probes from before the playback proxy.
   */
  needsPlaybackProxy?: boolean;
}

export type PlannedAnalysis =
  | { kind: AnalysisKind; decision: 'run'; estimatedCostUsd: number; after?: AnalysisKind; quota?: JobQuota }
  | { kind: AnalysisKind; decision: 'skip'; reason: string }
  /** A re-run keeps this analysis' outcome from the run that produced it, at no cost. */
  | { kind: AnalysisKind; decision: 'reuse'; fromRunId: string };

export interface AnalysisPlan {
  analyses: PlannedAnalysis[];
  estimatedCostUsd: number;
}

/** What one analysis activity needs: where the media is and what probe found. */
export interface AnalysisInput {
  mediaId: string;
  tenant: string;
  source: MediaSource;
  media: MediaFacts;
  /** Location of the transcript, for analyses that read it (audio moderation). */
  transcriptRef?: string;
  /**
   * Set on the first call of an analysis whose job notifies: start the job (or find it),
   * and end with a {@link JobFinishedNotice} once it is done instead of polling to the end.
   */
  awaitJob?: true;
  /**
   * Set on the call after the wait: the job to read, as its notification named it, and the tag
   * the wait gave it, which the read checks the job against (a notification is no proof); `api`
   * is the operation the notification named, where the analysis has more than one.
   */
  job?: { jobId: string; tag: string; api?: string };
}

export type AnalysisStatus = 'succeeded' | 'skipped' | 'failed';

/** What the services bill by; the report schema validates against the same list. */
export const COST_UNITS = ['video-minute', 'image', 'audio-second', 'input-token', 'output-token'] as const;

/** Billable units of one paid service call, priced with the configured price table. */
export interface CostLine {
  service: 'rekognition' | 'transcribe' | 'bedrock';
  /** The billed feature, e.g. `LabelDetection` or the model id. */
  item: string;
  unit: (typeof COST_UNITS)[number];
  quantity: number;
  usd: number;
}

/** One branch's result: a reference and a few numbers, never the payload itself. */
export interface AnalysisOutcome {
  kind: AnalysisKind;
  status: AnalysisStatus;
  /** s3://bucket/key of the branch's full output. */
  ref?: string;
  counts?: Record<string, number>;
  /** One line for the UI and the report's "what is missing". */
  summary: string;
  failureType?: string;
  /** What the analysis was billed for; absent when it ran on free local tools. */
  cost?: CostLine[];
  /** The service job that produced it, for the UI and for support cases. */
  jobId?: string;
  /** Further outputs a reader may fetch beside `ref`, by file name (`subtitles.vtt`), as s3:// references. */
  files?: Record<string, string>;
  /** The run that produced it: this run's id, or an earlier run's for an outcome a re-run reused. */
  runId?: string;
}

export interface SpineSummary {
  ref: string;
  segments: number;
  flagged: boolean;
  /** Highest moderation score that passed the confidence threshold, 0 when none. */
  maxModerationScore: number;
}

/**
 * A report's moderation verdict. `clean` only when moderation covered the picture and the
 * sound (and the media decoded without damage); `unverified` when it did not and nothing was
 * flagged. Records written before `unverified` existed hold the first two only.
 */
export const MODERATION_VERDICTS = ['clean', 'flagged', 'unverified'] as const;
export type ModerationVerdict = (typeof MODERATION_VERDICTS)[number];

export interface ReportSummary {
  jsonRef: string;
  htmlRef: string;
  verdict: ModerationVerdict;
  /** What the verdict rests on, in one line ("Picture: 11 frames checked over 0.0–21.2 s. ..."). */
  coverage?: string;
  /** The first sentence of the summary, trimmed, for UI and record. */
  headline: string;
  /** Model usage of the report itself; the analyses' costs are on their outcomes. */
  cost?: CostLine[];
}

export interface FailureInfo {
  step: string;
  type: string;
  message: string;
}

/**
 * What a cancelled run was doing and what became of its service jobs: Transcribe jobs and
 * local processes are stopped; Rekognition Video has no call that stops a job, so those run
 * to their end (and are billed).
 */
export interface CancellationInfo {
  step: string;
  stopped: AnalysisKind[];
  runToEnd: AnalysisKind[];
  /** One line for the record and the UI. */
  summary: string;
}

export interface AnalyzeMediaResult {
  mediaId: string;
  status: 'COMPLETED' | 'REJECTED';
  reason?: FailureInfo;
  report?: ReportSummary;
  outcomes: AnalysisOutcome[];
  /** Present when the media waited for a human review. */
  review?: ReviewDecision;
}

export type BranchState = 'pending' | 'running' | AnalysisStatus;

/** Answer of the `progress` query. */
export interface Progress {
  mediaId: string;
  status: MediaStatus;
  percent: number;
  branches: Partial<Record<AnalysisKind, BranchState>>;
  /**
   * The service job behind each finished branch (Rekognition job id, Transcribe job name);
   * absent in answers from runs whose code predates it.
   */
  jobs?: Partial<Record<AnalysisKind, string>>;
  failure?: FailureInfo;
}
