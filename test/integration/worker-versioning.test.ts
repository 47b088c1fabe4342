import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import type { CliOutput } from '../../cli/cli-context';
import { builds, promoteBuild } from '../../cli/commands/builds';
import { dataConverterFor } from '../../codec/codec-config';
import type { ReviewPolicy } from '../../common/review';
import type { AnalyzeMediaResult } from '../../common/types';
import type { WorkerDeploymentVersion } from '../../common/worker-deployment';
import { startAnalysis } from '../../intake/start-analysis';
import { ensureSampleClip } from '../../local/sample-clip';
import { createReelscopeWorker } from '../../worker/create-worker';
import type { analyzeMedia } from '../../workflows/analyze-media';
import { progressQuery, reviewUpdate } from '../../workflows/messages';
import { quotaWorkflowId } from '../../workflows/quota-messages';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const { VersioningBehavior, VersionDrainageStatus: DrainageStatus } = temporal.api.enums.v1;
const quietOutput: CliOutput = { json: true, interactive: false, print: () => undefined };
const POLICY: ReviewPolicy = { threshold: 0.5, deadlineSeconds: 3600, onDeadline: 'reject' };

/**
 * Two builds of the worker on one task queue, as during a rollout: a run started on build A
 * and waiting for its reviewer finishes on A after B became current, and A then drains, while
 * new media and the quota semaphore go to B. What is asserted is what the server recorded (each
 * workflow task's deployment version, the drainage it computed), not which worker happened to
 * log. The fake Rekognition flags every upload (see human-review). Unversioned workers are what
 * every other test runs.
 */
describe('worker deployment versioning (two builds, one task queue)', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  // Only its client, stores and activity deps are used: its own worker polls a queue nobody starts on.
  let harness: TestWorker;
  let connection: NativeConnection;
  let clip: string;
  const taskQueue = `versioning-${randomUUID()}`;
  const deploymentName = `reelscope-test-${randomUUID()}`;
  const buildA: WorkerDeploymentVersion = { deploymentName, buildId: 'build-a' };
  const buildB: WorkerDeploymentVersion = { deploymentName, buildId: 'build-b' };
  const running: { worker: Worker; done: Promise<void> }[] = [];

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    fake.config.mediaDurationSeconds = () => 21;
    bundle = await bundleWorkflows();
    const env = awsBackendEnv(fake, { REELSCOPE_MODERATION_THRESHOLD: '0.5', REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '20' });
    harness = await startTestWorker(bundle, {}, (d) => d, env);
    connection = await NativeConnection.connect({ address: process.env['TEMPORAL_ADDRESS'] as string });
    for (const deployment of [buildA, buildB]) {
      const worker = await createReelscopeWorker({
        connection,
        namespace: 'default',
        taskQueue,
        deps: harness.deps,
        tuning: { ...harness.config.tuning, shutdownGraceSeconds: 1 },
        workflowBundle: bundle,
        dataConverter: dataConverterFor({ ...process.env, ...env }),
        deployment,
      });
      running.push({ worker, done: worker.run() });
    }
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-versioning-')), 'sample.mp4'));
  });
  afterAll(async () => {
    for (const { worker } of running) worker.shutdown();
    await Promise.all(running.map((r) => r.done));
    await connection?.close();
    await harness?.stop();
    await fake?.close();
  });

  /** What the CLI's commands get: the client, and the deployment as REELSCOPE_DEPLOYMENT_NAME would name it. */
  const operator = () => ({ client: harness.client, config: { ...harness.config, deploymentName } });

  async function startMedia(name: string, review?: ReviewPolicy): Promise<WorkflowHandle<typeof analyzeMedia>> {
    const input = await harness.upload(clip, { name });
    const { workflowId } = await startAnalysis(harness.client, taskQueue, { ...input, ...(review ? { review } : {}) });
    return harness.client.workflow.getHandle<typeof analyzeMedia>(workflowId);
  }

  it('finishes a pinned run on the build that started it, which then drains; new media and the quota semaphore go to the new current build', async () => {
    // Arrange: A current, a flagged media waiting for its reviewer on A.
    await setCurrentVersion(harness.client, buildA);
    const waiting = await startMedia('started-on-a.mp4', POLICY);
    await untilAwaitingReview(waiting);

    // Act: B becomes current; a second media starts; then the first is approved.
    const promoted = await promoteBuild(operator(), 'build-b', {}, quietOutput);
    const replaced = Date.now();
    const second = await startMedia('started-on-b.mp4');
    const secondResult: AnalyzeMediaResult = await second.result();
    // Checked by the server after B became current (the dev server checks every 2 s), A is still held by the waiting run.
    const whileWaiting = await drainageOf(harness.client, buildA, (d) => d.checkedAt > replaced);
    await waiting.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', reviewer: 'ana' }] });
    const firstResult = await waiting.result();

    // Assert: every workflow task of each run was completed by the build it started on.
    expect(secondResult.status).toBe('COMPLETED');
    expect(firstResult).toMatchObject({ status: 'COMPLETED', review: { decision: 'approve' } });
    expect(await recordedVersions(second)).toEqual([{ buildId: 'build-b', behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED }]);
    expect(await recordedVersions(waiting)).toEqual([{ buildId: 'build-a', behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED }]);
    expect(await currentVersionOf(waiting)).toEqual({ deploymentName, buildId: 'build-a', behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED });
    // The approval came after B became current, and was still handled on A.
    const events = (await waiting.fetchHistory()).events ?? [];
    const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toBeGreaterThan(0);
    expect(events.slice(accepted).filter((e) => e.workflowTaskCompletedEventAttributes).length).toBeGreaterThan(0);

    // The announcements are children started by the pinned runs: each inherits its parent's build.
    for (const [parent, buildId] of [[waiting, 'build-a'], [second, 'build-b']] as const) {
      const announcements = await childrenOf(parent);
      expect(announcements.length).toBeGreaterThan(0);
      for (const child of announcements) {
        await child.result();
        expect(await recordedVersions(child)).toEqual([{ buildId, behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED }]);
      }
    }

    // The semaphore started on A (the first media asked it for a permit) and moved to B, auto-upgrading.
    const semaphore = harness.client.workflow.getHandle(quotaWorkflowId('rekognition-video', taskQueue));
    const semaphoreBuilds = await recordedVersions(semaphore);
    expect(semaphoreBuilds[0]).toEqual({ buildId: 'build-a', behavior: VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE });
    expect(semaphoreBuilds.at(-1)).toEqual({ buildId: 'build-b', behavior: VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE });
    await semaphore.terminate('test over');

    // A's last pinned runs (the media and its announcements) have closed: the operator may retire A.
    expect(whileWaiting.status).toBe(DrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING);
    expect((await drainageOf(harness.client, buildA, (d) => d.status === DrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED)).status).toBe(
      DrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED,
    );
    // What the operator's commands showed: B current at once after the promotion, A drained now.
    expect(promoted).toMatchObject({ current: 'build-b', routingPropagated: true });
    expect((await builds(operator(), quietOutput)).builds).toEqual(
      expect.arrayContaining([expect.objectContaining({ buildId: 'build-a', status: 'drained' }), expect.objectContaining({ buildId: 'build-b', status: 'current' })]),
    );
  });

  it('ramps a build to a share of new runs, and refuses a percentage out of range or a build that never polled', async () => {
    // Act
    const ramped = await promoteBuild(operator(), 'build-a', { ramp: 25 }, quietOutput);

    // Assert
    expect(ramped).toMatchObject({ current: 'build-b', ramping: { buildId: 'build-a', percentage: 25 }, routingPropagated: true });
    expect(ramped.builds).toEqual(expect.arrayContaining([expect.objectContaining({ buildId: 'build-a', status: 'ramping' })]));
    await expect(promoteBuild(operator(), 'build-a', { ramp: 0 }, quietOutput)).rejects.toThrow(/--ramp takes a percentage above 0 and at most 100/);
    await expect(promoteBuild(operator(), 'build-never-deployed', {}, quietOutput)).rejects.toThrow(/no build build-never-deployed in deployment .*start them first/);
    expect((await builds(operator(), quietOutput)).current).toBe('build-b');
  });
});

/**
 * Makes `version` the deployment's current version. The server knows a version only once its
 * worker has polled, so the first calls may fail with NotFound; the change then reaches the
 * task queue's partitions asynchronously, so this waits until the routing update is complete.
 */
async function setCurrentVersion(client: Client, version: WorkerDeploymentVersion): Promise<void> {
  const namespace = client.options.namespace;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, ...version, identity: 'worker-versioning.test' });
      break;
    } catch (err) {
      if (attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
    const current = workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
    const propagated = workerDeploymentInfo?.routingConfigUpdateState !== temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
    if (current?.buildId === version.buildId && propagated) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${version.buildId} did not become current`);
}

interface Drainage {
  status: temporal.api.enums.v1.VersionDrainageStatus;
  checkedAt: number;
}

/** The version's drainage as the server last checked it, once `until` holds (or after 30 s, as it then is). */
async function drainageOf(
  client: Client,
  version: WorkerDeploymentVersion,
  until: (d: Drainage) => boolean,
): Promise<Drainage> {
  let drainage: Drainage = { status: DrainageStatus.VERSION_DRAINAGE_STATUS_UNSPECIFIED, checkedAt: 0 };
  for (let attempt = 0; attempt < 300; attempt++) {
    const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName: version.deploymentName });
    const info = workerDeploymentInfo?.versionSummaries?.find((v) => v.deploymentVersion?.buildId === version.buildId)?.drainageInfo;
    drainage = { status: info?.status ?? DrainageStatus.VERSION_DRAINAGE_STATUS_UNSPECIFIED, checkedAt: Number(info?.lastCheckedTime?.seconds ?? 0) * 1000 };
    if (until(drainage)) return drainage;
    await new Promise((r) => setTimeout(r, 100));
  }
  return drainage;
}

async function untilAwaitingReview(handle: WorkflowHandle<typeof analyzeMedia>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await handle.query(progressQuery)).status === 'AWAITING_REVIEW') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the workflow never reached AWAITING_REVIEW');
}

/** The distinct (build, behaviour) pairs the server recorded on the run's completed workflow tasks, in order. */
async function recordedVersions(handle: WorkflowHandle): Promise<{ buildId: string | null | undefined; behavior: number | null | undefined }[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const seen: { buildId: string | null | undefined; behavior: number | null | undefined }[] = [];
  for (const event of events) {
    const completed = event.workflowTaskCompletedEventAttributes;
    if (!completed) continue;
    const entry = { buildId: completed.deploymentVersion?.buildId, behavior: completed.versioningBehavior };
    const last = seen.at(-1);
    if (!last || last.buildId !== entry.buildId || last.behavior !== entry.behavior) seen.push(entry);
  }
  return seen;
}

async function currentVersionOf(handle: WorkflowHandle): Promise<{ deploymentName?: string | null; buildId?: string | null; behavior?: number | null }> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return { deploymentName: info?.deploymentVersion?.deploymentName, buildId: info?.deploymentVersion?.buildId, behavior: info?.behavior };
}

async function childrenOf(parent: WorkflowHandle): Promise<WorkflowHandle[]> {
  const events = (await parent.fetchHistory()).events ?? [];
  return events.flatMap((e) => {
    const started = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    return started?.workflowId ? [parent.client.getHandle(started.workflowId, started.runId ?? undefined)] : [];
  });
}
