import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowBundle } from '@temporalio/worker';
import type { AnalysisRun } from '../../backends/analysis-backend';
import type { ActivityDeps } from '../../activities/create-activities';
import { MediaRecords } from '../../storage/media-records';
import { STEP_FAILED } from '../../common/failure-types';
import { ANALYSIS_KINDS, type AnalyzeMediaResult } from '../../common/types';
import { freePort } from '../../local/free-port';
import { startMetadataStoreServer } from '../../local/metadata-store-server';
import type { LocalServer } from '../../local/object-store-server';
import { ensureRecordTables } from '../../local/record-tables';
import { startAnalysis } from '../../intake/start-analysis';
import { createAwsClients } from '../../common/aws-clients';
import { loadWorkerConfig } from '../../worker/config';
import { makeVideoClip, makeZeroByte } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/**
 * A stage write used to give up after 8 attempts, about 91 s of backoff, and fail the run; the
 * outage outlasts that by a few seconds, and no more, to keep the test short.
 */
const OUTAGE_MS = 100_000;

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

/**
 * The metadata store (its own dynalite, so other test files keep theirs) stops while a run is
 * analysing and comes back on the same port and data directory after OUTAGE_MS.
 */
describe('a metadata store outage mid-run', () => {
  const tables = loadWorkerConfig(process.env).tables;
  let dir: string;
  let port: number;
  let store: LocalServer | undefined;
  let harness: TestWorker;
  let clip: string;
  const shots = gate();

  const startStore = async () => (store = await startMetadataStoreServer({ directory: join(dir, 'dynamodb'), port }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelscope-outage-'));
    port = await freePort();
    const { endpoint } = await startStore();
    const { dynamoDb } = createAwsClients({ region: 'us-east-1', dynamoDbEndpoint: endpoint });
    await ensureRecordTables(dynamoDb, tables);
    dynamoDb.destroy();
    harness = await startTestWorker(bundle, {}, (deps) => holdShots(deps, shots), { REELSCOPE_DYNAMODB_ENDPOINT: endpoint });
    clip = await makeVideoClip(dir, { seconds: 2 });
  });
  afterAll(async () => {
    shots.open();
    await harness?.stop();
    await store?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('completes a run whose stage writes fall into an outage longer than their old retries, with the right record', async () => {
    // Arrange: one cheap analysis, held until the store is down, so the stage writes after it meet the outage.
    const input = { ...(await harness.upload(clip, { name: 'outage.mp4' })), skip: ANALYSIS_KINDS.filter((k) => k !== 'shots') };
    const started = await startAnalysis(harness.client, harness.taskQueue, input);
    const handle = harness.client.workflow.getHandle(started.workflowId);
    await shots.reached;

    // Act
    await store?.stop();
    store = undefined;
    const downAt = Date.now();
    shots.open();
    // The stage writes give up and the run goes on: by the end of the outage it retries the outcome's persist.
    const persisting = await waitFor(() => retryingPersist(handle), downAt + OUTAGE_MS);
    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    await startStore();
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(persisting).toBe(true);
    expect(result.status).toBe('COMPLETED');
    const description = await handle.describe();
    const records = new MediaRecords(harness.clients.doc, harness.config.tables);
    expect(await records.get(input.mediaId)).toMatchObject({
      status: 'COMPLETED',
      runId: started.runId,
      // The run's own start as the workflow sees it (workflowInfo().runStartTime), from this run's history.
      runStartedAt: expect.any(Number),
      outcomes: expect.arrayContaining([expect.objectContaining({ kind: 'shots', status: 'succeeded' })]),
      report: { verdict: result.report?.verdict },
    });
    expect((await records.get(input.mediaId))?.['runStartedAt']).toBeGreaterThanOrEqual(description.startTime.getTime());
  }, 4 * 60_000);
});

/**
 * A REJECTED record the store refuses for good (as DynamoDB refuses an item over 400 KB): the
 * run does not end unrecorded, it records the failure of its persist step and fails with it.
 */
describe('a store that refuses the REJECTED record', () => {
  let harness: TestWorker;
  let dir: string;

  beforeAll(async () => {
    harness = await startTestWorker(bundle, {}, refuseRejections);
    dir = await mkdtemp(join(tmpdir(), 'reelscope-refused-'));
  });
  afterAll(async () => {
    await harness?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the run FAILED at persist, with the store\'s reason, and fails it visibly', async () => {
    // Arrange
    const input = await harness.upload(await makeZeroByte(dir));

    // Act
    const started = await startAnalysis(harness.client, harness.taskQueue, input);
    const error = await harness.client.workflow.getHandle(started.workflowId).result().catch((err: unknown) => err);

    // Assert
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: STEP_FAILED, message: expect.stringMatching(/^persist failed: AwsInvalidRequest/) });
    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    expect(record).toMatchObject({ status: 'FAILED', runId: started.runId, reason: { step: 'persist', type: 'AwsInvalidRequest' } });
  }, 30_000);
});

/** Records whose REJECTED writes fail the way DynamoDB refuses a request it will never accept. */
function refuseRejections(deps: ActivityDeps): ActivityDeps {
  const records = deps.records;
  const refusing: MediaRecords = Object.create(records);
  refusing.update = (key, run, status, fields) => {
    if (status !== 'REJECTED') return records.update(key, run, status, fields);
    const refusal = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    return Promise.reject(refusal);
  };
  return { ...deps, records: refusing };
}

/** Whether the run's persistRecord activity has failed at least once and is waiting to retry. */
async function retryingPersist(handle: WorkflowHandle): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'persistRecord' && (a.attempt ?? 0) >= 2);
}

/** Polls `condition` until it holds (true) or `deadline` (ms since the epoch) passes (false). */
async function waitFor(condition: () => Promise<boolean>, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(500);
  }
  return false;
}

interface Gate {
  /** Resolves once a caller waits at the gate. */
  reached: Promise<void>;
  /** Waits until the gate opens. */
  hold(): Promise<void>;
  open(): void;
}

function gate(): Gate {
  let reach = () => {};
  let open = () => {};
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    reached,
    hold: () => {
      reach();
      return opened;
    },
    open: () => open(),
  };
}

/** The shots analysis waits at the gate before it runs. */
function holdShots(deps: ActivityDeps, held: Gate): ActivityDeps {
  const shots = deps.backend.runners.shots;
  if (!shots) throw new Error('the backend runs no shots analysis');
  const runners = { ...deps.backend.runners, shots: async (run: AnalysisRun) => (await held.hold(), shots(run)) };
  return { ...deps, backend: { ...deps.backend, runners } };
}
