import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JobQuota } from '../common/types';
import { permitGrantedSignal, releasePermitSignal } from './quota-messages';

export interface PermitOptions {
  quota: JobQuota;
  /** Unique per request of this run. */
  leaseId: string;
  /** Slots to hold together (a media's jobs under one quota); absent: one. */
  permits?: number;
  leaseTimeoutMs: number;
  /** Longest wait in the queue; past it the analysis fails with QuotaWaitTimedOut. */
  maxWaitMs: number;
}

/** Asks the quota's semaphore for a permit (an activity: signal-with-start from a client). */
export type PermitRequester = (request: {
  quota: JobQuota;
  leaseId: string;
  permits?: number;
  workflowId: string;
  leaseTimeoutMs: number;
}) => Promise<{ semaphoreId: string }>;

/**
 * The requester's side of the job quotas: grants arrive as signals and are remembered from
 * the moment the workflow starts, so a grant that lands before the wait begins is not lost.
 */
export class QuotaPermits {
  /** Granted leases, with the slots each holds. */
  private readonly granted = new Map<string, number>();

  constructor(private readonly request: PermitRequester) {
    setHandler(permitGrantedSignal, ({ leaseId, permits }) => {
      this.granted.set(leaseId, permits ?? 1);
    });
  }

  /**
   * Runs `body` while holding a permit of `quota` (one slot, or as many of the slots asked for as
   * the semaphore granted, which `body` is given); the permit is released however it ends.
   */
  async withPermit<T>(options: PermitOptions, body: (slots: number) => Promise<T>): Promise<T> {
    const { quota, leaseId } = options;
    const { workflowId } = workflowInfo();
    let semaphoreId: string | undefined;
    try {
      ({ semaphoreId } = await this.request({ quota, leaseId, workflowId, leaseTimeoutMs: options.leaseTimeoutMs, ...(options.permits !== undefined ? { permits: options.permits } : {}) }));
      // No deadline timer when the grant came in while the request was being sent.
      if (!this.granted.has(leaseId) && !(await condition(() => this.granted.has(leaseId), options.maxWaitMs))) {
        throw ApplicationFailure.create({
          type: 'QuotaWaitTimedOut',
          message: `no ${quota} permit within ${Math.round(options.maxWaitMs / 60_000)} min`,
          nonRetryable: true,
        });
      }
      // The slots the grant says, never the request: the limit may have been lowered since, or an older semaphore granted one.
      return await body(this.granted.get(leaseId) ?? 1);
    } finally {
      // Release even when cancelled, or the slot would stay taken until the lease expires.
      const semaphore = semaphoreId;
      if (semaphore) {
        await CancellationScope.nonCancellable(() =>
          getExternalWorkflowHandle(semaphore)
            .signal(releasePermitSignal, { leaseId })
            .catch((err: unknown) => {
              log.warn('could not release a quota permit; its lease will expire', { leaseId, error: String(err) });
            }),
        );
      }
      this.granted.delete(leaseId);
    }
  }
}
