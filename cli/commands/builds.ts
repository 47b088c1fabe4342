import { isGrpcServiceError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { CliContext, CliOutput } from '../cli-context';

const { WorkerDeploymentVersionStatus: VersionStatus, RoutingConfigUpdateState } = temporal.api.enums.v1;

/** grpc's NOT_FOUND, which the server answers for a build it has never seen poll (@grpc/grpc-js is no dependency of ours). */
const GRPC_NOT_FOUND: number = 5;

const STATUS_NAMES: Record<number, BuildSummary['status']> = {
  [VersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE]: 'inactive',
  [VersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT]: 'current',
  [VersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING]: 'ramping',
  [VersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING]: 'draining',
  [VersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED]: 'drained',
};

/** A build's standing: `draining` still has open pinned runs, so its workers must keep running. */
export interface BuildSummary {
  buildId: string;
  status: 'inactive' | 'current' | 'ramping' | 'draining' | 'drained' | 'unknown';
  createdAt?: string;
}

export interface DeploymentSummary {
  deploymentName: string;
  current?: string;
  ramping?: { buildId: string; percentage: number };
  /** False while the server is still passing a routing change on to the task queue's partitions. */
  routingPropagated: boolean;
  builds: BuildSummary[];
}

/** Which build of the worker's deployment takes new runs, and which older ones still drain. */
export async function builds(ctx: Pick<CliContext, 'client' | 'config'>, out: CliOutput): Promise<DeploymentSummary> {
  const summary = await describeDeployment(ctx.client, ctx.config.deploymentName);
  if (!out.json) printSummary(summary, out);
  return summary;
}

/**
 * Makes a build current, or with `ramp` sends that percentage of new runs to it, then waits
 * (up to 30 s) until the task queues route by it. Runs pinned to other builds stay where they are.
 * The server refuses a build none of whose workers has polled yet.
 */
export async function promoteBuild(
  ctx: Pick<CliContext, 'client' | 'config'>,
  buildId: string,
  options: { ramp?: number },
  out: CliOutput,
): Promise<DeploymentSummary> {
  const { client } = ctx;
  const request = { namespace: client.options.namespace, deploymentName: ctx.config.deploymentName, buildId, identity: client.options.identity };
  if (options.ramp !== undefined && !(options.ramp > 0 && options.ramp <= 100)) throw new Error(`--ramp takes a percentage above 0 and at most 100, got ${options.ramp}`);
  try {
    if (options.ramp !== undefined) await client.workflowService.setWorkerDeploymentRampingVersion({ ...request, percentage: options.ramp });
    else await client.workflowService.setWorkerDeploymentCurrentVersion(request);
  } catch (err) {
    const code: number | undefined = isGrpcServiceError(err) ? err.code : undefined;
    if (code === GRPC_NOT_FOUND) {
      throw new Error(`no build ${buildId} in deployment ${ctx.config.deploymentName}: the server learns a build from its workers' first poll, so start them first`, { cause: err });
    }
    throw err;
  }
  let summary = await describeDeployment(client, ctx.config.deploymentName);
  for (let waited = 0; !summary.routingPropagated && waited < 30_000; waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    summary = await describeDeployment(client, ctx.config.deploymentName);
  }
  if (!out.json) {
    out.print(options.ramp !== undefined ? `${buildId} now takes ${options.ramp}% of new runs` : `${buildId} is now current: new runs start on it`);
    printSummary(summary, out);
  }
  return summary;
}

async function describeDeployment(client: Client, deploymentName: string): Promise<DeploymentSummary> {
  const { workerDeploymentInfo: info } = await client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName });
  const routing = info?.routingConfig;
  const rampingBuild = routing?.rampingDeploymentVersion?.buildId;
  return {
    deploymentName,
    ...(routing?.currentDeploymentVersion?.buildId ? { current: routing.currentDeploymentVersion.buildId } : {}),
    ...(rampingBuild ? { ramping: { buildId: rampingBuild, percentage: routing?.rampingVersionPercentage ?? 0 } } : {}),
    routingPropagated: info?.routingConfigUpdateState !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS,
    builds: (info?.versionSummaries ?? []).map((v) => ({
      buildId: v.deploymentVersion?.buildId ?? '',
      status: STATUS_NAMES[v.status ?? 0] ?? 'unknown',
      ...(v.createTime?.seconds ? { createdAt: new Date(Number(v.createTime.seconds) * 1000).toISOString() } : {}),
    })),
  };
}

function printSummary(summary: DeploymentSummary, out: CliOutput): void {
  const ramping = summary.ramping ? `, ${summary.ramping.buildId} ramping at ${summary.ramping.percentage}%` : '';
  out.print(`deployment ${summary.deploymentName}: current ${summary.current ?? 'none (unversioned workers take new runs)'}${ramping}`);
  if (!summary.routingPropagated) out.print('  the routing change is still reaching the task queues');
  for (const build of summary.builds) {
    const note = build.status === 'draining' ? ' (open runs are pinned to it: keep its workers)' : build.status === 'drained' ? ' (no open runs: its workers may stop)' : '';
    out.print(`  ${build.buildId}  ${build.status}${note}`);
  }
}
