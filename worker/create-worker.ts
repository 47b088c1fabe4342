import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/create-activities';

type WorkflowOptionsBundle = NonNullable<WorkerOptions['workflowBundle']>;

export interface ReelscopeWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  maxConcurrentActivities: number;
  shutdownGraceSeconds: number;
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
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    // Fargate sends SIGTERM and kills 30 s later: finish in-flight activities inside that window.
    shutdownGraceTime: `${options.shutdownGraceSeconds} seconds`,
  });
}
