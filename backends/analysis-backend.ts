import type { AnalysisInput, AnalysisKind, AnalysisOutcome, BackendCapabilities } from '../common/types';
import type { ObjectStore } from '../storage/object-store';

/** Structured logging for a runner; the activity's logger when it runs in one. */
export interface AnalysisLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

/** What an analysis runner gets: the media, where to write, and the activity's lifelines. */
export interface AnalysisRun {
  input: AnalysisInput;
  /** Presigned GET URL of the media. */
  mediaUrl: string;
  store: ObjectStore;
  /** Key prefix for this media's artefacts. */
  prefix: string;
  signal: AbortSignal;
  /**
   * Records progress with Temporal; the last details given are what a retried attempt
   * finds in `resumeFrom` (a job id to re-attach to). Cheap to call often.
   */
  heartbeat: (details?: unknown) => void;
  /** The previous attempt's last heartbeat details, when this is a retry. */
  resumeFrom?: unknown;
  /**
   * The workflow run this analysis belongs to: service job names and request tokens derive
   * from it, so every attempt of one analysis in one run addresses the same job.
   */
  execution: { workflowId: string; runId: string };
  /**
   * Whether `signal` aborted because the workflow cancelled the analysis: no later attempt
   * will re-attach to its service job, so the runner may stop it. A timeout, a worker
   * shutdown or a pause aborts `signal` too, and then the job must live on for the retry.
   * Absent, an abort is never taken for a cancellation.
   */
  cancelRequested?: () => boolean;
  /**
   * Set when this call waits for its job's notification: the tag the job must carry (JobTag,
   * or the Transcribe job name) for the relay to find this wait. A runner whose job notifies
   * starts it so tagged and throws JobAwaitsNotification while it runs; any other runner
   * ignores it and runs to the end.
   */
  jobWaitTag?: string;
  log?: AnalysisLog;
}

export type AnalysisRunner = (run: AnalysisRun) => Promise<Omit<AnalysisOutcome, 'kind'>>;

/**
 * A backend runs analyses (local tools or AWS services); the activities around it are the
 * same for all backends. Kinds a backend cannot run have no runner and say why in
 * `capabilities`.
 */
export interface AnalysisBackend {
  capabilities: BackendCapabilities;
  runners: Partial<Record<AnalysisKind, AnalysisRunner>>;
}
