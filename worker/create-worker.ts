import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/create-activities';
import type { WorkerDeploymentVersion } from '../common/worker-deployment';
import type { WorkerTuning } from './config';

type WorkflowOptionsBundle = NonNullable<WorkerOptions['workflowBundle']>;

export interface ReelscopeWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  tuning: WorkerTuning;
  /** Prebuilt workflow bundle (production, tests); without it the worker bundles workflows/ at start. */
  workflowBundle?: WorkflowOptionsBundle;
  /** The payload codec (encryption), when on: the same one starter and CLI use. */
  dataConverter?: DataConverter;
  /**
   * The build this worker polls as (Worker Deployment versioning): the server then sends it only
   * the runs routed to this build. Unset, the worker is unversioned and takes any task.
   */
  deployment?: WorkerDeploymentVersion;
}

/** The reelscope worker: analyzeMedia plus every activity, bound to their dependencies. */
export function createReelscopeWorker(options: ReelscopeWorkerOptions): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflows,
    activities: createActivities(options.deps),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.deployment
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true,
            version: options.deployment,
            // Every reelscope type names its own behaviour (workflows/versioning-behaviors.ts); a type
            // added without one stays on the build that started it, which never replays it on other code.
            defaultVersioningBehavior: 'PINNED',
          },
        }
      : {}),
    maxConcurrentActivityTaskExecutions: options.tuning.maxConcurrentActivities,
    ...(options.tuning.maxConcurrentWorkflowTasks ? { maxConcurrentWorkflowTaskExecutions: options.tuning.maxConcurrentWorkflowTasks } : {}),
    maxCachedWorkflows: options.tuning.maxCachedWorkflows,
    // Fargate sends SIGTERM and kills after the stop timeout: finish in-flight activities inside it.
    shutdownGraceTime: `${options.tuning.shutdownGraceSeconds} seconds`,
  });
}
