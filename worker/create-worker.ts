import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/create-activities';
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
    maxConcurrentActivityTaskExecutions: options.tuning.maxConcurrentActivities,
    ...(options.tuning.maxConcurrentWorkflowTasks ? { maxConcurrentWorkflowTaskExecutions: options.tuning.maxConcurrentWorkflowTasks } : {}),
    ...(options.tuning.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.tuning.maxCachedWorkflows } : {}),
    // Fargate sends SIGTERM and kills after the stop timeout: finish in-flight activities inside it.
    shutdownGraceTime: `${options.tuning.shutdownGraceSeconds} seconds`,
  });
}
