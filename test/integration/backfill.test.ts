import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { WorkflowBundle } from '@temporalio/worker';
import { openCliContext, type CliContext } from '../../cli/cli-context';
import { createProgram } from '../../cli/program';
import { boundedMap } from '../../common/bounded-map';
import type { AnalyzeMediaResult } from '../../common/types';
import { loadIntakeConfig } from '../../intake/config';
import { mediaIdFor, workflowIdFor } from '../../intake/media-identity';
import { backfillStatus, backfillWorkflowId, pauseBackfill, resumeBackfill, startBackfill } from '../../operations/backfill-library';
import { ObjectStore } from '../../storage/object-store';
import type { BackfillProgress } from '../../workflows/backfill-messages';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * The backfill against the dev server, s3rver and a real worker. The analyses of tiny byte
 * objects go to a task queue no worker polls, so they wait where they were started and are
 * counted by describe; the end-to-end case runs real clips on the worker's own queue.
 */
describe('reelscope backfill', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let context: (CliContext & { close(): Promise<void> }) | undefined;
  let env: NodeJS.ProcessEnv;
  /** Analyses nobody runs: terminated at the end. */
  const idleQueue = `backfill-idle-${randomUUID()}`;
  const leftWaiting = new Set<string>();
  const intake = loadIntakeConfig({ REELSCOPE_MIN_SIZE_BYTES: '4' });

  async function cli(...args: string[]): Promise<string> {
    const lines: string[] = [];
    const program = createProgram({ context: async () => (context ??= await openCliContext(env)), print: (t) => lines.push(t), interactive: false, env });
    program.exitOverride().configureOutput({ writeErr: (t) => lines.push(t), writeOut: (t) => lines.push(t) });
    for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: (t) => lines.push(t) });
    await program.parseAsync(['node', 'reelscope', ...args]);
    return lines.join('\n');
  }
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await cli('--json', ...args)) as T;

  /** Puts objects under incoming/<tenant>/ and returns the workflow id each admitted one gets. */
  async function putObjects(tenant: string, names: string[], body: (name: string) => Buffer | string = () => 'tiny media bytes'): Promise<string[]> {
    return boundedMap(names, 16, async (name) => {
      const key = `incoming/${tenant}/${name}`;
      const put = await harness.clients.s3.send(new PutObjectCommand({ Bucket: harness.config.bucket, Key: key, Body: body(name) }));
      return workflowIdFor(mediaIdFor({ bucket: harness.config.bucket, key, etag: put.ETag?.replace(/"/g, '') ?? '' }));
    });
  }

  /** Every run of a backfill, oldest first, followed through its continue-as-new events. */
  async function historiesOf(workflowId: string, firstRunId: string): Promise<HistoryEvent[][]> {
    const runs: HistoryEvent[][] = [];
    for (let runId: string | undefined = firstRunId; runId; ) {
      const events: HistoryEvent[] = (await harness.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      runs.push(events);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return runs;
  }

  /**
   * Child starts grouped by the workflow task that issued them, with that task's workflow time
   * (its WorkflowTaskStarted event): the clock the workflow reads, so the rate is checked on the
   * history itself, not on how fast this machine happened to be.
   */
  function startBatches(runs: HistoryEvent[][]): { at: number; starts: number }[] {
    const batches: { at: number; starts: number }[] = [];
    for (const events of runs) {
      const byId = new Map(events.map((e) => [Number(e.eventId), e]));
      const byTask = new Map<number, number>();
      for (const e of events) {
        const task = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowTaskCompletedEventId;
        if (task !== undefined && task !== null) byTask.set(Number(task), (byTask.get(Number(task)) ?? 0) + 1);
      }
      for (const [task, starts] of byTask) {
        const taskStarted = byId.get(task - 1);
        expect(taskStarted?.workflowTaskStartedEventAttributes).toBeTruthy();
        batches.push({ at: tsToMs(taskStarted?.eventTime), starts });
      }
    }
    return batches.sort((a, b) => a.at - b.at);
  }

  async function expectWaitingOnIdleQueue(workflowIds: string[]): Promise<string[]> {
    const runIds = await boundedMap(workflowIds, 16, async (id) => {
      const d = await harness.client.workflow.getHandle(id).describe();
      expect({ id, status: d.status.name, queue: d.taskQueue }).toEqual({ id, status: 'RUNNING', queue: idleQueue });
      leftWaiting.add(id);
      return d.runId;
    });
    return runIds;
  }

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle, {}, (deps) => ({ ...deps, intake }));
    env = { ...process.env, REELSCOPE_TASK_QUEUE: harness.taskQueue };
  });
  afterAll(async () => {
    await boundedMap([...leftWaiting], 16, async (id) => {
      try {
        await harness.client.workflow.getHandle(id).terminate('backfill test cleanup');
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    });
    await context?.close();
    await harness?.stop();
  });

  describe('a few hundred objects through the CLI', () => {
    const tenant = `bf-${randomUUID().slice(0, 8)}`;
    const uri = () => `s3://${harness.config.bucket}/incoming/${tenant}/`;
    let admitted: string[];
    let first: { workflowId: string; runId: string };

    beforeAll(async () => {
      admitted = await putObjects(tenant, Array.from({ length: 300 }, (_, i) => `clip-${String(i).padStart(3, '0')}.mp4`));
      await putObjects(tenant, ['notes.txt', 'cover.jpg.txt', 'readme']);
      await putObjects(tenant, ['short-a.mp4', 'short-b.mov'], () => 'ab');
    });

    it('starts each admitted object once, at most the rate per second, one page per run, and counts the refused', async () => {
      // Act
      first = await json<{ workflowId: string; runId: string }>('backfill', uri(), '--tenant', tenant, '--rate', '40/s', '--page-size', '100', '--analysis-queue', idleQueue, '--max-in-flight', '0');
      await harness.client.workflow.getHandle(first.workflowId).result();
      const status = await json<{ status: string; progress: BackfillProgress }>('backfill', uri(), '--tenant', tenant, '--status');

      // Assert
      expect(status).toEqual({
        workflowId: first.workflowId,
        status: 'COMPLETED',
        progress: {
          listed: 305,
          started: 300,
          alreadyAnalysed: 0,
          olderThanSince: 0,
          refused: { [`suffix not in ${intake.suffixes.join(' ')}`]: 3, 'size 2 below the 4 byte minimum': 2 },
          pages: 4,
          paused: false,
          done: true,
        },
      });
      expect(first.workflowId).toBe(backfillWorkflowId({ bucket: harness.config.bucket, prefix: `incoming/${tenant}/`, tenant }));
      await expectWaitingOnIdleQueue(admitted);
      const runs = await historiesOf(first.workflowId, first.runId);
      expect(runs).toHaveLength(4);
      const batches = startBatches(runs);
      expect(batches.reduce((n, b) => n + b.starts, 0)).toBe(300);
      expect(Math.max(...batches.map((b) => b.starts))).toBeLessThanOrEqual(40);
      // One batch a second: no two batches in less than a second of workflow time.
      for (let i = 1; i < batches.length; i++) expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(1000);
      // Each batch sleeps only the rest of its second: one timer per batch at most.
      const timers = runs.flat().filter((e) => e.timerStartedEventAttributes).length;
      expect(timers).toBeLessThanOrEqual(batches.length);
    });

    it('a second pass counts every object already analysed and starts none', async () => {
      // Arrange
      const runsBefore = await expectWaitingOnIdleQueue(admitted);

      // Act
      const second = await json<{ workflowId: string; runId: string; attached: boolean }>('backfill', uri(), '--tenant', tenant, '--rate', '100', '--page-size', '1000', '--analysis-queue', idleQueue, '--max-in-flight', '0');
      const progress = await harness.client.workflow.getHandle(second.workflowId).result();

      // Assert
      expect(second).toMatchObject({ workflowId: first.workflowId, attached: false });
      expect(second.runId).not.toBe(first.runId);
      expect(progress).toMatchObject({ listed: 305, started: 0, alreadyAnalysed: 300, pages: 1, done: true });
      expect(await expectWaitingOnIdleQueue(admitted)).toEqual(runsBefore);
    });
  });

  it('starts nothing while paused, says so, and finishes after resume; a second start attaches', async () => {
    // Arrange
    const tenant = `bf-${randomUUID().slice(0, 8)}`;
    const admitted = await putObjects(tenant, Array.from({ length: 40 }, (_, i) => `take-${i}.mkv`));
    const place = { bucket: harness.config.bucket, prefix: `incoming/${tenant}/`, tenant };
    const started = await startBackfill(harness.client, harness.taskQueue, { ...place, ratePerSecond: 4, childTaskQueue: idleQueue });
    const handle: WorkflowHandle = harness.client.workflow.getHandle(started.workflowId);
    await eventually(() => backfillStatus(harness.client, place), (s) => (s.progress?.started ?? 0) >= 4);

    // Act
    await pauseBackfill(harness.client, place);
    const paused = await eventually(() => backfillStatus(harness.client, place), (s) => s.progress?.paused === true);
    const again = await startBackfill(harness.client, harness.taskQueue, { ...place, ratePerSecond: 50, childTaskQueue: idleQueue });
    await new Promise((r) => setTimeout(r, 2500));
    const stillPaused = await backfillStatus(harness.client, place);
    await resumeBackfill(harness.client, place);
    const done = (await handle.result()) as BackfillProgress;

    // Assert
    expect(paused.progress).toMatchObject({ paused: true, done: false });
    expect(again).toEqual({ workflowId: started.workflowId, runId: started.runId, attached: true });
    expect(stillPaused.progress).toMatchObject({ paused: true, started: paused.progress?.started });
    expect(done).toMatchObject({ started: 40, alreadyAnalysed: 0, paused: false, done: true });
    // In the history: between the pause signal and the resume signal, no child start.
    const events = (await historiesOf(started.workflowId, started.runId)).flat();
    const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => [e.workflowExecutionSignaledEventAttributes?.signalName, Number(e.eventId)] as const);
    expect(signals.map(([name]) => name)).toEqual(['pause', 'resume']);
    const [pausedAt, resumedAt] = signals.map(([, id]) => id) as [number, number];
    const startsWhilePaused = events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes && Number(e.eventId) > pausedAt && Number(e.eventId) < resumedAt);
    expect(startsWhilePaused).toHaveLength(0);
    await expectWaitingOnIdleQueue(admitted);
  });

  it('--since leaves objects last modified before the date out', async () => {
    // Arrange
    const tenant = `bf-${randomUUID().slice(0, 8)}`;
    const older = await putObjects(tenant, ['old-1.mp4', 'old-2.mp4', 'old-3.mp4']);
    const store = new ObjectStore(harness.clients.s3, harness.config.bucket);
    const listed = await store.listPage(harness.config.bucket, `incoming/${tenant}/`);
    const since = new Date(Math.max(...listed.objects.map((o) => o.lastModified?.getTime() ?? 0)) + 1000);
    await new Promise((r) => setTimeout(r, 2100));
    const newer = await putObjects(tenant, ['new-1.mp4', 'new-2.mp4']);

    // Act
    const started = await json<{ workflowId: string }>('backfill', `s3://${harness.config.bucket}/incoming/${tenant}/`, '--tenant', tenant, '--since', since.toISOString(), '--analysis-queue', idleQueue, '--max-in-flight', '0');
    const progress = await harness.client.workflow.getHandle(started.workflowId).result();

    // Assert
    expect(progress).toMatchObject({ listed: 5, olderThanSince: 3, started: 2, done: true });
    await expectWaitingOnIdleQueue(newer);
    for (const id of older) await expect(harness.client.workflow.getHandle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('keeps at most --max-in-flight analyses running, starting the next as one ends', async () => {
    // Arrange: five objects, a bound of two, analyses on a queue nobody serves (they end only when terminated).
    const tenant = `bf-${randomUUID().slice(0, 8)}`;
    const ids = await putObjects(tenant, ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4', 'e.mp4']);
    const place = { bucket: harness.config.bucket, prefix: `incoming/${tenant}/`, tenant };
    const progress = () => backfillStatus(harness.client, place).then((s) => s.progress);

    // Act
    const started = await json<{ workflowId: string; runId: string }>('backfill', `s3://${place.bucket}/${place.prefix}`, '--tenant', tenant, '--rate', '50', '--analysis-queue', idleQueue, '--max-in-flight', '2');
    const waiting = await eventually(progress, (p) => (p?.started ?? 0) >= 2);
    // Time enough for a third start, were the bound not held.
    await new Promise((r) => setTimeout(r, 1500));
    const held = await progress();
    const running = (await boundedMap(ids, 5, async (id) => (await harness.client.workflow.getHandle(id).describe().catch(() => undefined))?.status.name)).filter((s) => s === 'RUNNING');
    // Ending analyses frees their slots: terminate the running ones, round after round.
    for (let round = 0; round < 5; round++) {
      await boundedMap(ids, 5, async (id) => {
        const d = await harness.client.workflow.getHandle(id).describe().catch(() => undefined);
        if (d?.status.name === 'RUNNING') await harness.client.workflow.getHandle(id).terminate('frees a backfill slot');
      });
      const now = await progress();
      if (now?.done) break;
      await eventually(progress, (p) => Boolean(p?.done) || (p?.finished ?? 0) > (now?.finished ?? 0) || (p?.started ?? 0) > (now?.started ?? 0));
    }
    const end = await eventually(progress, (p) => Boolean(p?.done));
    const history = (await harness.client.workflow.getHandle(started.workflowId, started.runId).fetchHistory()).events ?? [];

    // Assert
    expect(waiting?.started).toBe(2);
    expect(held).toMatchObject({ started: 2, finished: 0 });
    expect(running).toHaveLength(2);
    expect(end).toMatchObject({ started: 5, finished: 5, done: true });
    // On the history: never more than two started and not yet ended.
    let inFlight = 0;
    let most = 0;
    for (const e of history) {
      if (e.childWorkflowExecutionStartedEventAttributes) most = Math.max(most, ++inFlight);
      if (e.childWorkflowExecutionTerminatedEventAttributes || e.childWorkflowExecutionCompletedEventAttributes || e.childWorkflowExecutionFailedEventAttributes) inFlight -= 1;
    }
    expect(most).toBe(2);
    expect(inFlight).toBe(0);
  });

  it('refuses bad arguments before starting anything', async () => {
    await expect(cli('backfill', 'http://bucket/x', '--tenant', 'acme')).rejects.toThrow(/s3:\/\/bucket\/prefix/);
    await expect(cli('backfill', 's3://b/x/', '--tenant', 'acme', '--rate', '0')).rejects.toThrow(/whole number from 1 to 100/);
    await expect(cli('backfill', 's3://b/x/', '--tenant', 'acme', '--since', 'yesterday')).rejects.toThrow(/ISO 8601/);
    await expect(cli('backfill', 's3://b/x/', '--tenant', 'acme', '--max-in-flight', '-1')).rejects.toThrow(/or 0 for no bound/);
    await expect(cli('backfill', 's3://b/nothing-here/', '--tenant', 'acme', '--status')).rejects.toThrow(/no backfill of s3:\/\/b\/nothing-here\//);
  });

  it('end to end: three real clips backfilled on the worker are analysed to COMPLETED', async () => {
    // Arrange
    const tenant = `bf-${randomUUID().slice(0, 8)}`;
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-backfill-'));
    const clips = await Promise.all([1, 2, 3].map((n) => makeVideoClip(dir, { seconds: 1, name: `real-${n}.mp4` })));
    const bytes = new Map(await Promise.all(clips.map(async (path) => [path.split('/').pop()!, await readFile(path)] as const)));
    const ids = await putObjects(tenant, [...bytes.keys()], (name) => bytes.get(name)!);

    // Act
    const started = await startBackfill(harness.client, harness.taskQueue, { bucket: harness.config.bucket, prefix: `incoming/${tenant}/`, tenant, ratePerSecond: 10 });
    const progress = await harness.client.workflow.getHandle(started.workflowId).result();
    const results = await Promise.all(ids.map((id) => harness.client.workflow.getHandle(id).result() as Promise<AnalyzeMediaResult>));

    // Assert
    expect(progress).toMatchObject({ listed: 3, started: 3, done: true });
    expect(results.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    const description = await harness.client.workflow.getHandle(ids[0]!).describe();
    expect(description.taskQueue).toBe(harness.taskQueue);
  });
});
