import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { QUOTA_WORKFLOW_TYPE } from '../common/constants';
import type { JobQuota } from '../common/types';
import type { jobQuotaWorkflow } from '../workflows/quota-semaphore';
import { acquirePermitSignal, quotaWorkflowId, type PermitRequest } from '../workflows/quota-messages';
import { withFailureMapping } from './failures';

export interface QuotaDeps {
  client: Client;
  /** Concurrent jobs allowed per quota, from the worker's configuration. */
  limits: Record<JobQuota, number>;
  /** Semaphores are shared by every worker with the same scope; default: the task queue. */
  scope?: string;
}

export interface QuotaPermitRequest {
  quota: JobQuota;
  leaseId: string;
  /** Slots for all of a media's jobs under the quota; absent: one. */
  permits?: number;
  workflowId: string;
  leaseTimeoutMs: number;
}

/**
 * Asks a quota's semaphore workflow for a permit, starting the semaphore if it is not
 * running (signal-with-start), on the task queue of the worker that asks.
 */
export function createQuotaPermitActivity(quota: QuotaDeps | undefined) {
  /** Returns the semaphore's workflow id, where the permit is to be released. */
  return async function requestQuotaPermit(request: QuotaPermitRequest): Promise<{ semaphoreId: string }> {
    return withFailureMapping(() => askForPermit(request));
  };

  async function askForPermit(request: QuotaPermitRequest): Promise<{ semaphoreId: string }> {
    if (!quota) {
      throw ApplicationFailure.create({ type: 'InvalidConfiguration', message: 'this worker has no Temporal client for job quotas', nonRetryable: true });
    }
    const { taskQueue } = Context.current().info;
    const limit = quota.limits[request.quota];
    // More slots than the limit could never be granted; the semaphore caps them too, at the limit it has when it grants.
    const permits = request.permits !== undefined ? Math.min(request.permits, limit) : undefined;
    const semaphoreId = quotaWorkflowId(request.quota, quota.scope ?? taskQueue);
    await quota.client.workflow.signalWithStart<typeof jobQuotaWorkflow, [PermitRequest]>(QUOTA_WORKFLOW_TYPE, {
      workflowId: semaphoreId,
      taskQueue,
      args: [{ quota: request.quota, limit, leases: [], waiting: [] }],
      signal: acquirePermitSignal,
      signalArgs: [
        {
          leaseId: request.leaseId,
          workflowId: request.workflowId,
          leaseTimeoutMs: request.leaseTimeoutMs,
          limit,
          ...(permits !== undefined ? { permits } : {}),
        },
      ],
      staticSummary: `${request.quota} job quota (${limit} concurrent)`,
    });
    return { semaphoreId };
  }
}
