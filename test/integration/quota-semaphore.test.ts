import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { QUOTA_WORKFLOW_TYPE } from '../../common/constants';
import { createQuotaPermitActivity } from '../../activities/quota-permit-request';
import { acquirePermitSignal, quotaStateQuery, quotaWorkflowId } from '../../workflows/quota-messages';
import type { quotaRequester } from '../support/quota-requester-workflow';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/** A worker for the semaphore and the requester test workflow, with the given quota limit. */
async function startRequesterWorker(taskQueue: string, limit: number) {
  const address = process.env['TEMPORAL_ADDRESS'] as string;
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../support/quota-requester-workflow'), logger: quiet }),
    activities: { requestQuotaPermit: createQuotaPermitActivity({ client, limits: { 'rekognition-video': limit, transcribe: limit } }) },
  });
  const running = worker.run();
  return {
    client,
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
    },
  };
}

/** The semaphore on its own: leases that outlive their holder, idempotent asks, continue-as-new. */
describe('jobQuotaWorkflow (real dev server)', () => {
  let client: Client;
  let harness: Awaited<ReturnType<typeof startRequesterWorker>>;
  const taskQueue = `quota-${randomUUID()}`;
  const limit = 1;

  beforeAll(async () => {
    harness = await startRequesterWorker(taskQueue, limit);
    client = harness.client;
  });
  afterAll(() => harness?.stop());

  const requester = (holdMs: number, leaseTimeoutMs = 60_000) =>
    client.workflow.start<typeof quotaRequester>('quotaRequester', {
      taskQueue,
      workflowId: `requester-${randomUUID()}`,
      args: ['transcribe', holdMs, leaseTimeoutMs],
    });
  const semaphore = () => client.workflow.getHandle(quotaWorkflowId('transcribe', taskQueue));

  it('serialises holders at a limit of 1', async () => {
    // Act
    const handles = [];
    for (const hold of [300, 300, 300]) handles.push(await requester(hold));
    const results = await Promise.all(handles.map((h) => h.result()));

    // Assert: each holder starts its work only after the previous one finished its own.
    const ordered = [...results].sort((a, b) => a.granted - b.granted);
    for (let i = 1; i < ordered.length; i++) {
      expect(ordered[i]!.granted).toBeGreaterThanOrEqual(ordered[i - 1]!.done);
    }
    expect(await semaphore().query(quotaStateQuery)).toMatchObject({ limit, leases: [], waiting: [] });
  });

  it('takes back the permit of a holder that was terminated, once its lease expires', async () => {
    // Arrange: a holder that would keep the permit for an hour, with a 2 s lease.
    const stuck = await requester(3_600_000, 2_000);
    await waitFor(async () => (await semaphore().query(quotaStateQuery)).leases.length === 1);
    await stuck.terminate('simulating a holder that vanished');

    // Act
    const next = await requester(10);

    // Assert
    await expect(next.result()).resolves.toMatchObject({ granted: expect.any(Number) });
  });

  it('ignores a repeated ask for the same lease', async () => {
    // Arrange
    const holder = await requester(1_500);
    await waitFor(async () => (await semaphore().query(quotaStateQuery)).leases.length === 1);
    const request = { leaseId: 'repeat-me', workflowId: `missing-${randomUUID()}`, leaseTimeoutMs: 60_000, limit };

    // Act
    for (let i = 0; i < 3; i++) {
      await client.workflow.signalWithStart(QUOTA_WORKFLOW_TYPE, {
        workflowId: quotaWorkflowId('transcribe', taskQueue),
        taskQueue,
        args: [{ quota: 'transcribe', limit, leases: [], waiting: [] }],
        signal: acquirePermitSignal,
        signalArgs: [request],
      });
    }

    // Assert: queued once; granted to a workflow that does not exist, so released at once.
    expect((await semaphore().query(quotaStateQuery)).waiting.filter((w) => w.leaseId === 'repeat-me')).toHaveLength(1);
    await holder.result();
    await waitFor(async () => (await semaphore().query(quotaStateQuery)).leases.length === 0);
  });

  it('continues as new with its leases and queue when its history grows', async () => {
    // Arrange: a semaphore of its own that continues as new every 30 events.
    const workflowId = quotaWorkflowId('rekognition-video', taskQueue);
    await client.workflow.start(QUOTA_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [{ quota: 'rekognition-video', limit, leases: [], waiting: [] }, 30],
    });
    const firstRun = (await client.workflow.getHandle(workflowId).describe()).runId;

    // Act: enough traffic for several continues-as-new, with holders queued across them.
    const handles = [];
    for (let i = 0; i < 6; i++) {
      handles.push(
        await client.workflow.start<typeof quotaRequester>('quotaRequester', {
          taskQueue,
          workflowId: `requester-${randomUUID()}`,
          args: ['rekognition-video', 200, 60_000],
        }),
      );
    }
    const results = await Promise.all(handles.map((h) => h.result()));

    // Assert
    expect(results).toHaveLength(6);
    const current = await client.workflow.getHandle(workflowId).describe();
    expect(current.runId).not.toBe(firstRun);
    expect(await client.workflow.getHandle(workflowId).query(quotaStateQuery)).toMatchObject({ leases: [], waiting: [] });
  });
});

/** A high limit met by a burst: grants go out a few at a time, and each completed one frees room for the next. */
describe('jobQuotaWorkflow under a burst above its grants-in-flight cap (real dev server)', () => {
  const taskQueue = `quota-burst-${randomUUID()}`;
  let client: Client;
  let harness: Awaited<ReturnType<typeof startRequesterWorker>>;

  beforeAll(async () => {
    harness = await startRequesterWorker(taskQueue, 10);
    client = harness.client;
  });
  afterAll(() => harness?.stop());

  it('grants every waiter within the limit even when only 2 grants may be in flight', async () => {
    // Arrange: the semaphore started first, with the small cap (production uses 500 of the server's 2,000).
    const semaphore = quotaWorkflowId('transcribe', taskQueue);
    await client.workflow.start(QUOTA_WORKFLOW_TYPE, { taskQueue, workflowId: semaphore, args: [{ quota: 'transcribe', limit: 10, leases: [], waiting: [] }, 2_000, 2] });

    // Act: six holders that keep their permits far longer than the test waits.
    const holders = [];
    for (let i = 0; i < 6; i++) {
      holders.push(await client.workflow.start<typeof quotaRequester>('quotaRequester', { taskQueue, workflowId: `burst-${randomUUID()}`, args: ['transcribe', 600_000, 60_000] }));
    }

    // Assert: all six hold a lease at once, so the cap delayed grants but never stalled them.
    await waitFor(async () => (await client.workflow.getHandle(semaphore).query(quotaStateQuery)).leases.length === 6, 15_000);
    expect((await client.workflow.getHandle(semaphore).query(quotaStateQuery)).waiting).toEqual([]);
    for (const holder of holders) await holder.terminate('test done');
    await client.workflow.getHandle(semaphore).terminate('test done');
  });
});

/** More holders than the limit, and a limit above the grants-in-flight cap: the limit bounds what is held at once. */
describe('jobQuotaWorkflow under a burst above its limit (real dev server)', () => {
  const taskQueue = `quota-limit-${randomUUID()}`;
  const limit = 3;
  let client: Client;
  let harness: Awaited<ReturnType<typeof startRequesterWorker>>;

  beforeAll(async () => {
    harness = await startRequesterWorker(taskQueue, limit);
    client = harness.client;
  });
  afterAll(() => harness?.stop());

  it('never lets more holders than the limit hold at once, and grants up to it even when only 2 grants may be in flight', async () => {
    // Arrange: the semaphore started first, with the small cap (production uses 500 of the server's 2,000).
    const semaphore = quotaWorkflowId('transcribe', taskQueue);
    await client.workflow.start(QUOTA_WORKFLOW_TYPE, { taskQueue, workflowId: semaphore, args: [{ quota: 'transcribe', limit, leases: [], waiting: [] }, 2_000, 2] });

    // Act: more holders than the limit, each holding its permit long enough for all to ask while the first hold.
    const holders = [];
    for (let i = 0; i < limit + 2; i++) {
      holders.push(await client.workflow.start<typeof quotaRequester>('quotaRequester', { taskQueue, workflowId: `burst-${randomUUID()}`, args: ['transcribe', 4_000, 60_000] }));
    }
    const holds = await Promise.all(holders.map((h) => h.result()));

    // Assert: every holder got a permit, and as the holders' own clocks tell it, at most `limit`
    // held one at a time; the cap delayed grants but did not hold concurrency below the limit.
    expect(holds).toHaveLength(limit + 2);
    expect(mostHeldAtOnce(holds)).toBe(limit);
    expect(await client.workflow.getHandle(semaphore).query(quotaStateQuery)).toMatchObject({ limit, leases: [], waiting: [] });
    await client.workflow.getHandle(semaphore).terminate('test done');
  });
});

/** The most holds that overlapped, each from its grant up to the end of its work (workflow time). */
function mostHeldAtOnce(holds: { granted: number; done: number }[]): number {
  // A hold ends before one granted at the same instant starts: the release comes after `done`.
  const edges = holds.flatMap((h) => [{ at: h.granted, delta: 1 }, { at: h.done, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let held = 0;
  let most = 0;
  for (const { delta } of edges) {
    held += delta;
    most = Math.max(most, held);
  }
  return most;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
