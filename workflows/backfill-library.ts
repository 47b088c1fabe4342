import {
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyLocalActivities,
  setHandler,
  setWorkflowOptions,
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

  for (const batch of rateBatches(page.candidates, input.ratePerSecond)) {
    await condition(() => !paused);
    const batchStartedAt = Date.now();
    for (const result of await Promise.all(batch.map((candidate) => startAnalysisChild(candidate, childTaskQueue)))) {
      counters[result] += 1;
    }
    // Workflow time: the next batch is issued a full second after this one, whatever the pause.
    const wait = remainderOfSecond(batchStartedAt, Date.now());
    if (wait > 0) await sleep(wait);
  }
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

/** One media's analysis, started as the starter starts it; an id that exists was analysed before. */
async function startAnalysisChild({ workflowId, input }: BackfillCandidate, taskQueue: string): Promise<StartResult> {
  try {
    await startChild(WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [input],
      // The analysis outlives the page that started it: continue-as-new closes this run.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...analysisStartOptions(input),
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'alreadyAnalysed';
    throw err;
  }
}

// Long-running and continued as new page after page: pinned, a pass would hold its build's
// workers up until it ends, so each run moves to the current build, and every change to this
// file goes behind patched(). Declared only on versioned workers, which alone may name a
// behaviour (see versioning-behaviors.ts).
setWorkflowOptions(
  () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' } : {}),
  backfillLibrary,
);
