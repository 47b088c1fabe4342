import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { webhookEventType, type MediaOutcomeEvent } from '../common/outcome-event';
import type { WebhookEndpoint } from './webhook-registry';
import { checkWebhookUrl, guardedLookup, type TargetPolicy } from './webhook-target';

/** A delivery that did not land; `retryable` says whether another attempt may. Messages name no URL. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The receiver's Retry-After, when it sent one we honour. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface DeliveryOptions extends TargetPolicy {
  /** One attempt's budget, connection to last byte; the activity's retries and deadline bound the rest. */
  timeoutMs: number;
  /** A clock for the signature's timestamp (tests). */
  now?: () => Date;
  /** Ends the attempt early (the activity's cancellation). */
  signal?: AbortSignal;
}

const USER_AGENT = 'reelscope-webhooks/1';
/** A receiver's answer is read only to free the socket; its content is never used. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** Answers that say "later": timeouts, throttling, and every server error. */
const RETRYABLE_STATUS = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * Delivers one outcome to a tenant's webhook, signed the Standard Webhooks way: headers
 * `webhook-id` (the event id: the receiver's idempotency key), `webhook-timestamp` and
 * `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`), so any receiver
 * with a Standard Webhooks library verifies it and refuses replays outside its tolerance.
 * Redirects are not followed: a 3xx is the receiver's misconfiguration, not a new target.
 */
export async function deliverWebhook(event: MediaOutcomeEvent, endpoint: WebhookEndpoint, options: DeliveryOptions): Promise<{ status: number }> {
  checkWebhookUrl(endpoint.url, options);
  const body = JSON.stringify({ type: webhookEventType(event.detailType), timestamp: event.occurredAt, data: event });
  const sentAt = (options.now ?? (() => new Date()))();
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': USER_AGENT,
    'webhook-id': event.eventId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(endpoint.secret).sign(event.eventId, sentAt, body),
  };
  const response = await send(endpoint.url, headers, body, options);
  if (response.status >= 200 && response.status < 300) return response;
  const retryable = RETRYABLE_STATUS(response.status);
  throw new WebhookDeliveryError(
    `the webhook of tenant ${event.tenant} answered ${response.status}${retryable ? '' : '; not retried (a 4xx other than 408, 425 and 429 is the receiver refusing this delivery)'}`,
    retryable,
    response.retryAfterMs,
  );
}

function send(url: URL, headers: Record<string, string>, body: string, options: DeliveryOptions): Promise<{ status: number; retryAfterMs?: number }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, lookup: guardedLookup(options), timeout: options.timeoutMs, signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]) }, (res: IncomingMessage) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      const settle = () => resolve({ status: res.statusCode ?? 0, ...retryAfter(res.headers['retry-after']) });
      res.on('end', settle);
      res.on('close', settle);
    });
    req.on('timeout', () => req.destroy(new WebhookDeliveryError(`the webhook did not answer within ${options.timeoutMs} ms`, true)));
    req.on('error', (err: Error) => {
      if (err instanceof WebhookDeliveryError || err.name === 'WebhookTargetRefused') return reject(err);
      // Node's own message may quote the address; the code alone says what happened.
      const code = (err as NodeJS.ErrnoException).code ?? err.name;
      reject(new WebhookDeliveryError(`the webhook could not be reached (${code})`, true));
    });
    req.end(body);
  });
}

function retryAfter(header: string | string[] | undefined): { retryAfterMs?: number } {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d{1,6}$/.test(value.trim())) return {};
  return { retryAfterMs: Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS) };
}
