// Test workflows: the quota semaphore plus a requester that holds a permit for a while.
import { proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { ReelscopeActivities } from '../../activities/create-activities';
import type { JobQuota } from '../../common/types';
import { QuotaPermits } from '../../workflows/quota-permits';

export { jobQuotaWorkflow } from '../../workflows/quota-semaphore';

const { requestQuotaPermit } = proxyLocalActivities<Pick<ReelscopeActivities, 'requestQuotaPermit'>>({ startToCloseTimeout: '10 seconds' });

/** Holds one permit of `quota` for `holdMs`; returns when it got it and when its work ended (workflow time). */
export async function quotaRequester(quota: JobQuota, holdMs: number, leaseTimeoutMs: number): Promise<{ granted: number; done: number }> {
  const permits = new QuotaPermits(requestQuotaPermit);
  let granted = 0;
  let done = 0;
  await permits.withPermit({ quota, leaseId: `${quota}/${Math.random()}`, leaseTimeoutMs, maxWaitMs: 60_000 }, async () => {
    granted = Date.now();
    await sleep(holdMs);
    done = Date.now();
  });
  return { granted, done };
}
