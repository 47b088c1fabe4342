import { defineQuery, defineSignal } from '@temporalio/workflow';
import { QUOTA_WORKFLOW_ID_PREFIX } from '../common/constants';
import type { JobQuota } from '../common/types';

/** Job slots asked for by one run: one analysis's, or (`permits` > 1) all of a media's jobs under this quota. */
export interface PermitRequest {
  /** Unique per request: `<run id>/<analysis>`, or `<run id>/<quota>` for a media's jobs together. */
  leaseId: string;
  /** Slots the lease takes; absent in requests from before media asked for theirs together: one. */
  permits?: number;
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
  /** Slots held; absent: one. */
  permits?: number;
}

/** The slots a lease or request takes. */
export function permitsOf(held: { permits?: number }): number {
  return held.permits ?? 1;
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
/** `permits`: the slots granted, when more than one were asked for; absent from a semaphore that granted one per request. */
export const permitGrantedSignal = defineSignal<[{ leaseId: string; permits?: number }]>('permitGranted');
export const quotaStateQuery = defineQuery<QuotaState>('quotaState');

/**
 * One semaphore per quota and scope. Quotas are per AWS account and region, so every
 * deployment that shares an account should share a scope (REELSCOPE_QUOTA_SCOPE); it
 * defaults to the task queue, which keeps test runs apart.
 */
export function quotaWorkflowId(quota: JobQuota, scope: string): string {
  return `${QUOTA_WORKFLOW_ID_PREFIX}${scope}-${quota}`;
}
