import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acquirePermitSignal,
  permitGrantedSignal,
  permitsOf,
  quotaStateQuery,
  releasePermitSignal,
  type PermitRequest,
  type QuotaState,
} from './quota-messages';

/**
 * Requests for several slots at once (a media's jobs under one quota) are granted that many,
 * at most the limit; semaphore runs from before granted every request one slot, and replay so.
 */
const WEIGHTED_PERMITS = 'weighted-permits';

/** The slots a request is granted; a limit below one still grants one, or nothing would move. */
function slotsFor(request: PermitRequest, limit: number): number {
  if (request.permits === undefined || !patched(WEIGHTED_PERMITS)) return 1;
  return Math.max(1, Math.min(request.permits, limit));
}

/** Continue as new well before the history gets heavy; state is a few KB at most. */
const MAX_HISTORY_EVENTS = 2_000;
/**
 * Grant signals in flight at once. The server refuses a workflow task that would leave more
 * than 2,000 signals to other workflows pending, and retries it forever: with a limit that
 * high and a burst that large, every requester would wait on a semaphore that cannot move.
 */
const MAX_GRANTS_IN_FLIGHT = 500;

/**
 * A counting semaphore over an account-wide quota (Rekognition's 20 concurrent video jobs,
 * Transcribe's 100): every worker's analyses ask it for a permit before starting a job and
 * release it after, so a burst of uploads queues in FIFO order instead of failing with
 * LimitExceededException. Leases expire, so a requester that vanished (terminated, reset)
 * cannot hold capacity forever. Runs until terminated; continues as new to stay small.
 */
export async function jobQuotaWorkflow(initial: QuotaState, maxHistoryEvents = MAX_HISTORY_EVENTS, maxGrantsInFlight = MAX_GRANTS_IN_FLIGHT): Promise<never> {
  const state: QuotaState = { ...initial, leases: [...initial.leases], waiting: [...initial.waiting] };
  let changed = true;
  const grants = new Set<Promise<void>>();
  // Set only when grants were held back, so runs that never hit the cap replay as before.
  let grantsDeferred = false;

  setHandler(acquirePermitSignal, (request: PermitRequest) => {
    state.limit = request.limit;
    const known = state.leases.some((l) => l.leaseId === request.leaseId) || state.waiting.some((w) => w.leaseId === request.leaseId);
    if (!known) state.waiting.push(request);
    changed = true;
  });
  setHandler(releasePermitSignal, ({ leaseId }) => {
    state.leases = state.leases.filter((l) => l.leaseId !== leaseId);
    state.waiting = state.waiting.filter((w) => w.leaseId !== leaseId);
    changed = true;
  });
  setHandler(quotaStateQuery, () => state);

  const grant = (request: PermitRequest, permits: number) => {
    const sent = getExternalWorkflowHandle(request.workflowId)
      // The slots granted, which the holder may use: its request may have asked for more than the limit allows now.
      .signal(permitGrantedSignal, { leaseId: request.leaseId, ...(request.permits !== undefined ? { permits } : {}) })
      .catch((err: unknown) => {
        // The requester closed while it waited: its slot goes to the next in line.
        log.warn('permit holder is gone; lease released', { leaseId: request.leaseId, error: String(err) });
        state.leases = state.leases.filter((l) => l.leaseId !== request.leaseId);
        changed = true;
      })
      .finally(() => {
        grants.delete(sent);
        if (grantsDeferred) changed = true;
      });
    grants.add(sent);
  };

  for (;;) {
    changed = false;
    const now = Date.now();
    const expired = state.leases.filter((l) => l.expiresAt <= now);
    if (expired.length > 0) {
      log.warn('leases expired without a release', { leases: expired.map((l) => l.leaseId) });
      state.leases = state.leases.filter((l) => l.expiresAt > now);
    }
    grantsDeferred = false;
    // First in, first out: a media asking for several slots waits for them all, and those behind it wait too.
    // One slot a lease, as every request asked for before media asked for theirs together, is the count of leases.
    let used = state.leases.reduce((sum, lease) => sum + permitsOf(lease), 0);
    while (state.waiting.length > 0 && used + slotsFor(state.waiting[0] as PermitRequest, state.limit) <= state.limit) {
      if (grants.size >= maxGrantsInFlight) {
        grantsDeferred = true;
        break;
      }
      const request = state.waiting.shift() as PermitRequest;
      const permits = slotsFor(request, state.limit);
      used += permits;
      state.leases.push({ leaseId: request.leaseId, workflowId: request.workflowId, expiresAt: now + request.leaseTimeoutMs, ...(permits !== 1 ? { permits } : {}) });
      grant(request, permits);
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      // A signal that lands while this run completes makes the server reject the continue-as-new;
      // this run then handles it and tries again, so nothing is lost.
      await condition(() => grants.size === 0 && allHandlersFinished());
      await continueAsNew<typeof jobQuotaWorkflow>(state, maxHistoryEvents, maxGrantsInFlight);
    }
    const nextExpiry = Math.min(...state.leases.map((l) => l.expiresAt));
    const timeout = Number.isFinite(nextExpiry) ? Math.max(1, nextExpiry - Date.now()) : undefined;
    if (timeout === undefined) await condition(() => changed);
    else await condition(() => changed, timeout);
  }
}
