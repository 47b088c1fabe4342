import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  BACKFILL_WORKFLOW_ID_PREFIX,
  BACKFILL_WORKFLOW_TYPE,
  backfillProgressQuery,
  pauseSignal,
  resumeSignal,
  type BackfillInput,
  type BackfillProgress,
} from '../workflows/backfill-messages';
import type { backfillLibrary } from '../workflows/backfill-library';

/** Where a backfill is: there is none, it is running, or its last pass ended. */
export class NoBackfillError extends Error {
  override readonly name = 'NoBackfillError';
}

export interface BackfillPlace {
  bucket: string;
  prefix: string;
  tenant: string;
}

export interface BackfillStart {
  workflowId: string;
  runId: string;
  /** True when a pass of this place was already running: this start joined it, its options unchanged. */
  attached: boolean;
}

export interface BackfillStatus {
  workflowId: string;
  /** The execution's status: RUNNING, COMPLETED, TERMINATED... */
  status: string;
  progress?: BackfillProgress;
}

/**
 * The backfill of a place (bucket, prefix, tenant) has one workflow id, so a second start of
 * the same place joins the pass that runs rather than racing it. Hashed: a prefix may hold any
 * character, a workflow id is better without them.
 */
export function backfillWorkflowId({ bucket, prefix, tenant }: BackfillPlace): string {
  const digest = createHash('sha256').update(`${bucket}\n${prefix}\n${tenant}`).digest('hex').slice(0, 20);
  return `${BACKFILL_WORKFLOW_ID_PREFIX}${tenant}-${digest}`;
}

/**
 * Starts a backfill pass, or attaches to the one running for the same place. A closed pass
 * does not stop a new one: the media it started are counted already analysed, not started again.
 */
export async function startBackfill(client: Client, taskQueue: string, input: BackfillInput): Promise<BackfillStart> {
  const workflowId = backfillWorkflowId(input);
  const running = await describeOrUndefined(client, workflowId);
  if (running?.status.name === 'RUNNING') return { workflowId, runId: running.runId, attached: true };
  const handle = await client.workflow.start<typeof backfillLibrary>(BACKFILL_WORKFLOW_TYPE, {
    taskQueue,
    workflowId,
    args: [input],
    // Two starts racing past the describe above: the second joins the first.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    staticSummary: `backfill ${input.tenant}: s3://${input.bucket}/${input.prefix}`,
  });
  return { workflowId, runId: handle.firstExecutionRunId, attached: false };
}

/** Stops a running pass from starting more media (those started run on) until resumed. */
export async function pauseBackfill(client: Client, place: BackfillPlace): Promise<BackfillStatus> {
  return signalRunning(client, place, 'pause');
}

export async function resumeBackfill(client: Client, place: BackfillPlace): Promise<BackfillStatus> {
  return signalRunning(client, place, 'resume');
}

/** A pass's counters: live while it runs, its result once it completed. */
export async function backfillStatus(client: Client, place: BackfillPlace): Promise<BackfillStatus> {
  const workflowId = backfillWorkflowId(place);
  const description = await describeOrUndefined(client, workflowId);
  if (!description) throw new NoBackfillError(`no backfill of s3://${place.bucket}/${place.prefix} for tenant ${place.tenant}`);
  const handle = client.workflow.getHandle<typeof backfillLibrary>(workflowId);
  const status = description.status.name;
  if (status === 'RUNNING') return { workflowId, status, progress: await handle.query(backfillProgressQuery) };
  if (status === 'COMPLETED') return { workflowId, status, progress: await handle.result() };
  return { workflowId, status };
}

async function signalRunning(client: Client, place: BackfillPlace, what: 'pause' | 'resume'): Promise<BackfillStatus> {
  const workflowId = backfillWorkflowId(place);
  const description = await describeOrUndefined(client, workflowId);
  if (description?.status.name !== 'RUNNING') {
    throw new NoBackfillError(`no backfill of s3://${place.bucket}/${place.prefix} for tenant ${place.tenant} is running${description ? ` (the last one ended ${description.status.name})` : ''}`);
  }
  // The workflow id alone, not the run described: a pass continues as new page after page, and
  // the signal belongs to whichever run is current when it lands.
  const handle = client.workflow.getHandle<typeof backfillLibrary>(workflowId);
  await handle.signal(what === 'pause' ? pauseSignal : resumeSignal);
  return { workflowId, status: 'RUNNING' };
}

async function describeOrUndefined(client: Client, workflowId: string) {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
