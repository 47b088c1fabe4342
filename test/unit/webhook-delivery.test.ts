import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { outcomeEvent } from '../../common/outcome-event';
import { deliverWebhook, WebhookDeliveryError } from '../../notifications/webhook-delivery';
import { WebhookTargetRefused } from '../../notifications/webhook-target';

const SECRET = `whsec_${Buffer.from('a test key of thirty-two bytes!!').toString('base64')}`;
const EVENT = outcomeEvent('run-1', new Date('2026-12-01T10:00:00Z'), { mediaId: 'm1', tenant: 'acme', status: 'COMPLETED', verdict: 'clean' });

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A receiver on loopback that answers each delivery with the next of `answers`. */
async function receiver(answers: { status: number; headers?: Record<string, string>; delayMs?: number }[]): Promise<{ url: URL; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      setTimeout(() => res.writeHead(answer.status, answer.headers).end('ok'), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/reelscope`), received, server };
}

describe('deliverWebhook', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.close(resolve), s.closeAllConnections()))));
  });
  async function start(answers: Parameters<typeof receiver>[0]) {
    const r = await receiver(answers);
    servers.push(r.server);
    return r;
  }
  const local = { allowPrivate: true, timeoutMs: 2000 };

  it('signs the Standard Webhooks way: a Standard Webhooks library and a by-hand HMAC both verify it', async () => {
    // Arrange
    const { url, received } = await start([{ status: 204 }]);

    // Act
    const result = await deliverWebhook(EVENT, { url, secret: SECRET }, local);

    // Assert
    expect(result).toEqual({ status: 204 });
    const [{ headers, body }] = received as [Received];
    expect(headers['webhook-id']).toBe('run-1/completed');
    const verified = new Webhook(SECRET).verify(body, headers);
    expect(verified).toMatchObject({ type: 'media.analysis.completed', data: { eventId: 'run-1/completed', mediaId: 'm1', tenant: 'acme', verdict: 'clean' } });
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('is refused by a receiver that checks the timestamp when it is replayed later', async () => {
    // Arrange: a delivery signed ten minutes ago, as a replayed capture would be.
    const { url, received } = await start([{ status: 200 }]);
    await deliverWebhook(EVENT, { url, secret: SECRET }, { ...local, now: () => new Date(Date.now() - 10 * 60_000) });
    const [{ headers, body }] = received as [Received];

    // Act / Assert
    expect(() => new Webhook(SECRET).verify(body, headers)).toThrow(/timestamp/i);
    expect(() => new Webhook(`whsec_${Buffer.from('another key of thirty-two bytes!').toString('base64')}`).verify(body, { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) })).toThrow();
  });

  it('says "retry" for 5xx, 408 and 429 (with the Retry-After it was given) and "do not" for other 4xx and redirects, naming no URL', async () => {
    // Arrange
    const { url } = await start([{ status: 503, headers: { 'retry-after': '7' } }, { status: 429 }, { status: 400 }, { status: 301, headers: { location: 'http://169.254.169.254/' } }]);
    const attempt = () => deliverWebhook(EVENT, { url, secret: SECRET }, local).then(() => undefined, (err: unknown) => err as WebhookDeliveryError);

    // Act
    const errors = [await attempt(), await attempt(), await attempt(), await attempt()];

    // Assert
    expect(errors.map((e) => e && { retryable: e.retryable, retryAfterMs: e.retryAfterMs })).toEqual([
      { retryable: true, retryAfterMs: 7000 },
      { retryable: true, retryAfterMs: undefined },
      { retryable: false, retryAfterMs: undefined },
      { retryable: false, retryAfterMs: undefined },
    ]);
    for (const err of errors) expect(err?.message).not.toMatch(/127\.0\.0\.1|hooks|http/);
  });

  it('gives up on a receiver that does not answer within the timeout, as retryable', async () => {
    const { url } = await start([{ status: 200, delayMs: 1500 }]);
    await expect(deliverWebhook(EVENT, { url, secret: SECRET }, { allowPrivate: true, timeoutMs: 300 })).rejects.toMatchObject({ name: 'WebhookDeliveryError', retryable: true });
  });

  it('in production never calls a loopback or private target, by literal address or by a name that resolves to one', async () => {
    // Arrange
    const { url, received } = await start([{ status: 200 }]);
    const production = { allowPrivate: false, timeoutMs: 2000 };
    const byName = new URL(url.href.replace('127.0.0.1', 'localhost').replace('http:', 'https:'));

    // Act / Assert
    // https, so it is the address that is refused and not the scheme.
    const literal = new URL(url.href.replace('http:', 'https:'));
    await expect(deliverWebhook(EVENT, { url: literal, secret: SECRET }, production)).rejects.toThrow(/private or loopback/);
    await expect(deliverWebhook(EVENT, { url: new URL('https://[::127.0.0.1]/x'), secret: SECRET }, production)).rejects.toThrow(/private or loopback/);
    await expect(deliverWebhook(EVENT, { url: new URL('https://10.1.2.3/x'), secret: SECRET }, production)).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(deliverWebhook(EVENT, { url: new URL('https://[::ffff:127.0.0.1]/x'), secret: SECRET }, production)).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(deliverWebhook(EVENT, { url: byName, secret: SECRET }, production)).rejects.toThrow(/resolves only to private or loopback/);
    await expect(deliverWebhook(EVENT, { url: new URL('https://user:pw@example.com/x'), secret: SECRET }, production)).rejects.toBeInstanceOf(WebhookTargetRefused);
    expect(received).toHaveLength(0);
  });
});
