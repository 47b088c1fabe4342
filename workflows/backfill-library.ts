import {
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ReelscopeActivities } from '../activities/create-activities';
import { WORKFLOW_TYPE } from '../common/constants';
import { analysisStartOptions } from '../intake/analysis-start-options';
import { addRefusals, emptyCounters, rateBatches, remainderOfSecond } from './backfill-batching';
import {
  backfillProgressQuery,
  DEFAULT_BACKFILL_PAGE_SIZE,
  pauseSignal,
  resumeSignal,
  type BackfillCandidate,
  type BackfillCounters,
  type BackfillInput,
  type BackfillProgress,
} from './backfill-messages';

/**
 * Listing one page is quick I/O, run as a local activity: as a task on the queue it waited
 * behind the analyses' own activities (hundreds, on a busy worker), so the backfill stalled
 * on the load it had made. Retried on any S3 hiccup, never for long.
 */
const { listLibraryPage } = proxyLocalActivities<Pick<ReelscopeActivities, 'listLibraryPage'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

type StartResult = 'started' | 'alreadyAnalysed';

/**
 * Starts analyses for the objects already in a bucket: one listing page per run, its admitted
 * objects started as abandoned children at most `ratePerSecond` a second, then continue-as-new
 * with the counters and the cursor, so no run's history grows with the library. Pause stops
 * new starts between batches; children already started run on their own.
 */
export async function backfillLibrary(input: BackfillInput): Promise<BackfillProgress> {
  const counters: BackfillCounters = input.carried?.counters ?? emptyCounters();
  let cursor = input.carried?.cursor;
  let paused = input.carried?.paused ?? false;
  let done = false;

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(backfillProgressQuery, () => ({ ...counters, refused: { ...counters.refused }, paused, done, ...(cursor ? { cursor } : {}) }));

  await condition(() => !paused);
  const page = await listLibraryPage({
    bucket: input.bucket,
    prefix: input.prefix,
    tenant: input.tenant,
    pageSize: input.pageSize ?? DEFAULT_BACKFILL_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(input.since ? { since: input.since } : {}),
  });
  counters.listed += page.listed;
  counters.olderThanSince += page.olderThanSince;
  counters.refused = addRefusals(counters.refused, page.refused);
  const childTaskQueue = input.childTaskQueue ?? workflowInfo().taskQueue;

  const bound = input.maxInFlight;
  // Slots are taken when a start is issued and given back when its analysis ends (or the start
  // finds it analysed before). An end is an event in this run's history, which is why a page
  // waits for its own analyses before continuing as new.
  let inFlight = 0;
  if (bound !== undefined) counters.finished ??= 0;
  const release = () => {
    inFlight -= 1;
  };
  for (const batch of rateBatches(page.candidates, input.ratePerSecond)) {
    await condition(() => !paused);
    const batchStartedAt = Date.now();
    const starts: Promise<void>[] = [];
    for (const candidate of batch) {
      if (bound !== undefined) {
        await condition(() => inFlight < bound);
        inFlight += 1;
      }
      starts.push(
        startAnalysisChild(candidate, childTaskQueue, bound !== undefined).then(
          ({ result, ended }) => {
            // Counted as each start lands: a batch waiting for a slot must still show what it started.
            counters[result] += 1;
            if (ended) {
              void ended.then(release, release).then(() => {
                counters.finished = (counters.finished ?? 0) + 1;
              });
            } else if (bound !== undefined) release();
          },
          (err: unknown) => {
            if (bound !== undefined) release();
            throw err;
          },
        ),
      );
    }
    await Promise.all(starts);
    // Workflow time: the next batch is issued a full second after this one, whatever the pause.
    const wait = remainderOfSecond(batchStartedAt, Date.now());
    if (wait > 0) await sleep(wait);
  }
  if (bound !== undefined) await condition(() => inFlight === 0);
  counters.pages += 1;
  cursor = page.nextCursor;

  if (cursor) {
    // A signal arriving as this run closes fails the close and is handled first, so the carried
    // `paused` is never stale.
    await continueAsNew<typeof backfillLibrary>({ ...input, carried: { counters, cursor, paused } });
  }
  done = true;
  log.info('backfill done', { bucket: input.bucket, prefix: input.prefix, tenant: input.tenant, ...counters });
  return { ...counters, paused, done };
}

/**
 * One media's analysis, started as the starter starts it; an id that exists was analysed
 * before. A started one comes back with the promise of its end when `awaitEnd`; without, its
 * end is never asked for, so a failed analysis cannot surface here as an unhandled rejection.
 */
async function startAnalysisChild({ workflowId, input }: BackfillCandidate, taskQueue: string, awaitEnd: boolean): Promise<{ result: StartResult; ended?: Promise<unknown> }> {
  try {
    const child = await startChild(WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [input],
      // The analysis outlives the page that started it: continue-as-new closes this run.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...analysisStartOptions(input),
    });
    return awaitEnd ? { result: 'started', ended: child.result() } : { result: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { result: 'alreadyAnalysed' };
    throw err;
  }
}

