import { log, proxyActivities } from '@temporalio/workflow';
import type { ReelscopeActivities } from '../activities/create-activities';
import type { MediaOutcomeEvent } from '../common/outcome-event';
import { deliverWebhookOptions, publishOutcomeOptions } from './policies';

const { publishOutcome } = proxyActivities<ReelscopeActivities>(publishOutcomeOptions);
const { deliverOutcomeWebhook } = proxyActivities<ReelscopeActivities>(deliverWebhookOptions);

export interface AnnouncementResult {
  eventId: string;
  published: boolean;
  webhook: 'delivered' | 'none' | 'gave up';
}

/**
 * Announces one outcome: the bus and the tenant's webhook at once, each retried on its own
 * to its own deadline. A workflow of its own, started and abandoned by the media's run, so a
 * receiver that is down for an hour holds open only this, never the media: cancel, retry and
 * a new upload of the same media act on a closed run at once.
 */
export async function announceOutcome(event: MediaOutcomeEvent): Promise<AnnouncementResult> {
  const [published, webhook] = await Promise.allSettled([publishOutcome(event), deliverOutcomeWebhook(event)]);
  for (const [channel, result] of [['event bus', published], ['webhook', webhook]] as const) {
    if (result.status === 'rejected') log.warn('outcome not announced', { mediaId: event.mediaId, channel, eventId: event.eventId, error: String(result.reason) });
  }
  return {
    eventId: event.eventId,
    published: published.status === 'fulfilled',
    webhook: webhook.status === 'rejected' ? 'gave up' : webhook.value.delivered ? 'delivered' : 'none',
  };
}
