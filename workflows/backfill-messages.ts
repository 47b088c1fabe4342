import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AnalyzeMediaInput } from '../common/types';

/** Names the workflow, the operations and the CLI share: declared once so they cannot drift. */
export const BACKFILL_WORKFLOW_TYPE = 'backfillLibrary';
export const BACKFILL_WORKFLOW_ID_PREFIX = 'backfill-';
/** Starts per second, when the operator names none, and the most a backfill may ask for. */
export const DEFAULT_BACKFILL_RATE = 5;
export const MAX_BACKFILL_RATE = 100;
/** Objects per listing page (and per run: one continue-as-new each); S3 returns at most 1000. */
export const DEFAULT_BACKFILL_PAGE_SIZE = 200;
/**
 * Analyses one backfill keeps running at once, when the operator names no bound: a rate alone
 * lets starts outrun the workers, and hundreds of analyses sharing a worker finish hardly any.
 */
export const DEFAULT_BACKFILL_IN_FLIGHT = 20;
export const MAX_BACKFILL_IN_FLIGHT = 1000;
export const MAX_BACKFILL_PAGE_SIZE = 1000;
/** Distinct refusal reasons kept; past that, they are counted together so progress stays small. */
export const MAX_REFUSAL_REASONS = 32;
export const OTHER_REFUSALS = 'other reasons';

/** Counters carried across continue-as-new: what the pass has done so far. */
export interface BackfillCounters {
  /** Objects the listing returned, whatever became of them. */
  listed: number;
  started: number;
  /** Start refused because the media's workflow id exists (running or closed): analysed before. */
  alreadyAnalysed: number;
  /** Objects the intake would refuse, by its reason; never started. */
  refused: Record<string, number>;
  /** Objects last modified before `since`. */
  olderThanSince: number;
  pages: number;
  /** Analyses this pass started that have ended (completed, rejected, failed or cancelled); absent in passes started without a bound. */
  finished?: number;
}

export interface BackfillInput {
  bucket: string;
  /** Key prefix listed (may be empty: the whole bucket). */
  prefix: string;
  tenant: string;
  /** Starts per second, at most. */
  ratePerSecond: number;
  /** Only objects last modified at or after this instant (ISO 8601). */
  since?: string;
  pageSize?: number;
  /** Where the analyses run; by default the backfill's own task queue. */
  childTaskQueue?: string;
  /**
   * Analyses of this pass running at once, at most: a start waits for one to end, and a page
   * continues as new only once its analyses have ended. Absent: no bound (starts follow the rate alone).
   */
  maxInFlight?: number;
  /** Continuation state: set by the workflow itself on continue-as-new, never by a caller. */
  carried?: { counters: BackfillCounters; cursor?: string; paused: boolean };
}

export interface BackfillProgress extends BackfillCounters {
  paused: boolean;
  done: boolean;
  /** Where the next page starts (the last key listed); undefined at the start and the end. */
  cursor?: string;
}

/** One object the intake admits: its analysis input and the workflow id that identifies it. */
export interface BackfillCandidate {
  workflowId: string;
  input: AnalyzeMediaInput;
}

export interface ListLibraryPageInput {
  bucket: string;
  prefix: string;
  tenant: string;
  cursor?: string;
  pageSize: number;
  since?: string;
}

export interface LibraryPage {
  candidates: BackfillCandidate[];
  listed: number;
  refused: Record<string, number>;
  olderThanSince: number;
  nextCursor?: string;
}

/** Stops starting children until `resumeSignal`; children already started run on. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const backfillProgressQuery = defineQuery<BackfillProgress>('backfillProgress');
