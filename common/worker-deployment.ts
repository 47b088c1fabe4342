/**
 * The Worker Deployment reelscope's workers poll as when versioned (REELSCOPE_BUILD_ID set):
 * one name for every build of the worker, so the server can route between builds of it.
 * Worker, CLI and infra read the default from here.
 */
export const DEFAULT_DEPLOYMENT_NAME = 'reelscope';

export type { WorkerDeploymentVersion } from '@temporalio/common';
