import { defineQuery, defineSignal } from '@temporalio/workflow';
import { QUOTA_WORKFLOW_ID_PREFIX } from '../common/constants';
import type { JobQuota } from '../common/types';

/** One job slot asked for by one analysis of one run. */
export interface PermitRequest {
  /** Unique per job slot: `<run id>/<analysis>`. */
  leaseId: string;
  /** The workflow to signal when the permit is granted. */
  workflowId: string;
  /** After this long a lease is reclaimed even without a release: its holder may be gone. */
  leaseTimeoutMs: number;
  /** The limit as the requester's worker is configured; the semaphore follows the latest. */
  limit: number;
}

export interface Lease {
  leaseId: string;
  workflowId: string;
  expiresAt: number;
}

/** What the semaphore carries across continue-as-new, and what operators query. */
export interface QuotaState {
  quota: JobQuota;
  limit: number;
  leases: Lease[];
  waiting: PermitRequest[];
}

export const acquirePermitSignal = defineSignal<[PermitRequest]>('acquirePermit');
export const releasePermitSignal = defineSignal<[{ leaseId: string }]>('releasePermit');
/** Sent by the semaphore to the requester. */
export const permitGrantedSignal = defineSignal<[{ leaseId: string }]>('permitGranted');
export const quotaStateQuery = defineQuery<QuotaState>('quotaState');

/**
 * One semaphore per quota and scope. Quotas are per AWS account and region, so every
 * deployment that shares an account should share a scope (REELSCOPE_QUOTA_SCOPE); it
 * defaults to the task queue, which keeps test runs apart.
 */
export function quotaWorkflowId(quota: JobQuota, scope: string): string {
  return `${QUOTA_WORKFLOW_ID_PREFIX}${scope}-${quota}`;
}
