import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { announcementWorkflowId } from '../../common/outcome-event';
import type { AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { announcementOf } from '../support/announcements';
import { makeVideoClip, makeZeroByte } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const key = (text: string) => `whsec_${Buffer.from(text.padEnd(32, '.')).toString('base64')}`;
const SECRETS = { hooked: key('hooked tenant key'), refusing: key('refusing tenant key'), down: key('down tenant key') };

interface Delivery {
  tenantPath: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A downstream system's receiver on loopback: /hooked answers 503 twice and then 204 (a
 * receiver that was briefly down), /refusing answers 400 (one that rejects the delivery),
 * /down answers 503 to everything.
 */
async function startReceiver(): Promise<{ server: Server; url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const tenantPath = (req.url ?? '').slice(1);
      deliveries.push({ tenantPath, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      const seen = deliveries.filter((d) => d.tenantPath === tenantPath && d.headers['webhook-id'] === req.headers['webhook-id']).length;
      if (tenantPath === 'refusing') return void res.writeHead(400).end();
      if (tenantPath === 'down') return void res.writeHead(503).end();
      res.writeHead(seen <= 2 ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deliveries };
}

describe('completion events: every outcome reaches the tenant webhook, signed, at least once', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle, {}, (d) => d, {
      REELSCOPE_WEBHOOKS: JSON.stringify({
        hooked: { url: `${receiver.url}/hooked`, secret: SECRETS.hooked },
        refusing: { url: `${receiver.url}/refusing`, secret: SECRETS.refusing },
        down: { url: `${receiver.url}/down`, secret: SECRETS.down },
      }),
      // The receiver is on loopback, which production refuses (see webhook-target tests).
      REELSCOPE_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    });
    dir = await mkdtemp(join(tmpdir(), 'reelscope-events-'));
  });
  afterAll(async () => {
    await harness?.stop();
    await new Promise((resolve) => (receiver?.server.close(resolve), receiver?.server.closeAllConnections()));
  });

  /** Analyses a file, then waits for its announcement too: the media's run closes before that ends. */
  async function analyse(path: string, tenant: string): Promise<{ result: AnalyzeMediaResult; mediaId: string; runId: string; announced: Awaited<ReturnType<typeof announcementOf>> }> {
    const input = await harness.upload(path, { tenant });
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const handle = harness.client.workflow.getHandle(workflowId);
    const result = (await handle.result()) as AnalyzeMediaResult;
    const { runId } = await handle.describe();
    const announced = await announcementOf(harness.client, { mediaId: input.mediaId, runId }, result.status === 'COMPLETED' ? 'completed' : 'rejected');
    return { result, mediaId: input.mediaId, runId, announced };
  }

  const deliveriesOf = (tenantPath: string, eventId: string) => receiver.deliveries.filter((d) => d.tenantPath === tenantPath && d.headers['webhook-id'] === eventId);

  it('retries a receiver that is briefly down with the same id, and the receiver verifies the signature', async () => {
    // The media's run closes without waiting for the receiver: its announcement is a workflow of its own.
    // Act
    const { result, mediaId, runId, announced } = await analyse(await makeVideoClip(dir, { seconds: 2, name: 'hooked.mp4' }), 'hooked');

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(announced).toEqual({ eventId: `${runId}/completed`, published: true, webhook: 'delivered' });
    const eventId = `${runId}/completed`;
    const attempts = deliveriesOf('hooked', eventId);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    const last = attempts[2] as Delivery;
    const verified = new Webhook(SECRETS.hooked).verify(last.body, last.headers);
    expect(verified).toEqual({
      type: 'media.analysis.completed',
      timestamp: expect.any(String),
      data: expect.objectContaining({ version: 1, eventId, detailType: 'Media Analysis Completed', mediaId, tenant: 'hooked', status: 'COMPLETED', verdict: result.report?.verdict }),
    });
    // Another tenant's key does not verify it.
    expect(() => new Webhook(SECRETS.refusing).verify(last.body, last.headers)).toThrow();
    expect(last.body).not.toMatch(/X-Amz-|127\.0\.0\.1/);
  });

  it('announces a rejection too', async () => {
    const { result, runId } = await analyse(await makeZeroByte(dir), 'hooked');

    expect(result.status).toBe('REJECTED');
    const [delivery] = deliveriesOf('hooked', `${runId}/rejected`).slice(-1);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ type: 'media.analysis.rejected', data: { status: 'REJECTED', reason: { type: 'EmptyMedia' } } });
  });

  it('does not retry a receiver that refuses the delivery, and the run still completes', async () => {
    const { result, runId, announced } = await analyse(await makeVideoClip(dir, { seconds: 2, name: 'refusing.mp4' }), 'refusing');

    expect(result.status).toBe('COMPLETED');
    expect(announced.webhook).toBe('gave up');
    expect(deliveriesOf('refusing', `${runId}/completed`)).toHaveLength(1);
  });

  it('delivers nothing for a tenant without a webhook', async () => {
    const before = receiver.deliveries.length;
    const { result, announced } = await analyse(await makeVideoClip(dir, { seconds: 2, name: 'quiet.mp4' }), 'quiet');

    expect(result.status).toBe('COMPLETED');
    expect(announced).toMatchObject({ published: true, webhook: 'none' });
    expect(receiver.deliveries.length).toBe(before);
  });

  it('never holds the media run open for a receiver that is down: the run closes, its announcement keeps retrying', async () => {
    // Arrange
    const input = await harness.upload(await makeVideoClip(dir, { seconds: 2, name: 'down.mp4' }), { tenant: 'down' });
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const handle = harness.client.workflow.getHandle(workflowId);

    // Act
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const { runId } = await handle.describe();
    const announcement = harness.client.workflow.getHandle(announcementWorkflowId(input.mediaId, `${runId}/completed`));
    expect((await announcement.describe()).status.name).toBe('RUNNING');
    await announcement.terminate('test cleanup');
  });
});
