import { Context, log } from '@temporalio/activity';
import type { MediaOutcomeEvent } from '../common/outcome-event';
import type { OutcomePublisher } from '../notifications/outcome-publisher';
import { deliverWebhook, type DeliveryOptions } from '../notifications/webhook-delivery';
import type { WebhookRegistry } from '../notifications/webhook-registry';
import { withFailureMapping } from './failures';

/** How outcomes leave the worker: the bus for every outcome, a webhook for tenants that have one. */
export interface AnnounceDeps {
  publisher: OutcomePublisher;
  webhooks: WebhookRegistry;
  delivery: DeliveryOptions;
}

export type WebhookDelivery = { delivered: false; reason: 'no webhook for this tenant' } | { delivered: true; status: number };

/**
 * Outcome announcements, one activity per channel so a receiver that is down retries its
 * own delivery without publishing to the bus again. Both are at least once: every attempt
 * carries the same event id.
 */
export function createAnnounceActivities({ publisher, webhooks, delivery }: AnnounceDeps) {
  return {
    async publishOutcome(event: MediaOutcomeEvent): Promise<void> {
      return withFailureMapping(() => publisher.publish(event));
    },

    async deliverOutcomeWebhook(event: MediaOutcomeEvent): Promise<WebhookDelivery> {
      return withFailureMapping(async () => {
        const endpoint = await webhooks.lookup(event.tenant);
        if (!endpoint) return { delivered: false, reason: 'no webhook for this tenant' };
        const { status } = await deliverWebhook(event, endpoint, { ...delivery, signal: Context.current().cancellationSignal });
        log.info('webhook delivered', { mediaId: event.mediaId, tenant: event.tenant, eventId: event.eventId, status });
        return { delivered: true, status };
      });
    },
  };
}
