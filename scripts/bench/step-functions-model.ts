/**
 * The Step Functions design reelscope replaces, as arithmetic: one state machine per video
 * that probes (ECS task), fans out to one branch per AI job, polls each job with a
 * Wait -> Get -> Choice loop, then reduces, reports and persists. Only the shape the issue
 * describes is modelled; the formula is printed with the figures so it can be checked.
 */

/** Standard workflows: USD per state transition ($25 per million). */
export const STEP_FUNCTIONS_USD_PER_TRANSITION = 25 / 1_000_000;
/** Temporal Cloud: USD per action ($50 per million, the list price of the first tier). */
export const TEMPORAL_USD_PER_ACTION = 50 / 1_000_000;

/**
 * Transitions outside the polling loops: Probe, ChooseAnalyses, Parallel, per branch
 * StartJob and the branch's final Succeeded/Pass, then Reduce, Report, Persist, Done.
 */
export function fixedTransitions(branches: number): number {
  return 3 + branches * 2 + 4;
}

/** Each poll is three transitions (Wait, Get, Choice); a job of `jobSeconds` needs ceil(t / wait) polls. */
export function pollingTransitions(branches: number, jobSeconds: number, waitSeconds: number): number {
  return branches * 3 * Math.max(1, Math.ceil(jobSeconds / waitSeconds));
}

export function stepFunctionsTransitions(branches: number, jobSeconds: number, waitSeconds: number): number {
  return fixedTransitions(branches) + pollingTransitions(branches, jobSeconds, waitSeconds);
}

/**
 * Heartbeats that reach the server for one polling activity: the SDK sends the first at once
 * and then at most one per 80% of the heartbeat timeout, whatever the poll rate.
 */
export function heartbeatsReachingServer(jobSeconds: number, heartbeatTimeoutSeconds: number): number {
  return 1 + Math.floor(jobSeconds / (0.8 * heartbeatTimeoutSeconds));
}
