import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-payload-codec';
import { startCodecServer, type CodecServer } from '../../codec/codec-server';
import { parseKeyring } from '../../codec/payload-keyring';
import { freePort } from '../../local/free-port';
import { startTemporalDevServer, type DevServer } from '../../local/temporal-dev-server';
import { startAnalysis } from '../../starter/start-analysis';
import { launchBrowser } from '../support/headless-browser';

/**
 * The Temporal Web UI in a real headless Chromium: an execution started by the starter is
 * found by its search attributes and shows them. The suite's dev server runs headless, so
 * this file starts one with the UI on, with the same search attributes registered.
 */
describe('Temporal Web UI', () => {
  let server: DevServer;
  let connection: Connection;
  let client: Client;
  let browser: Browser;
  let screenshots: string;

  const codec = new AesGcmPayloadCodec(parseKeyring(`ui:${randomBytes(32).toString('base64')}`));
  let codecServer: CodecServer;

  beforeAll(async () => {
    const uiPort = await freePort();
    codecServer = await startCodecServer({ codec, port: await freePort(), allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] });
    server = await startTemporalDevServer({ port: await freePort(), uiPort, uiCodecEndpoint: codecServer.url });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    browser = await launchBrowser();
    screenshots = await mkdtemp(join(tmpdir(), 'reelscope-ui-'));
  });
  afterAll(async () => {
    await browser?.close();
    await connection?.close();
    await server?.stop();
    await codecServer?.close();
  });

  it('lists the execution by MediaId and Tenant and shows its search attributes', async () => {
    // Arrange: no worker polls this task queue, so the execution waits in RECEIVED.
    const mediaId = 'ab12cd34ef56ab12cd34ef56';
    const source = { bucket: 'reelscope-media', key: 'incoming/acme/launch video.mp4', sizeBytes: 1234, etag: 'e1' };
    const { workflowId } = await startAnalysis(client, 'web-ui-test', { mediaId, tenant: 'acme', tier: 'standard', source });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

    // Act
    const query = `MediaId="${mediaId}" AND Tenant="acme" AND Stage="RECEIVED"`;
    await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const row = page.getByRole('link', { name: workflowId });
    await row.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(screenshots, 'list.png') });
    await row.first().click();
    await page.getByText('Search Attributes').first().click();

    // Assert: the tab shows the indexed fields as JSON.
    await page.waitForFunction(
      (expected) => expected.every((line) => document.body.innerText.includes(line)),
      [`"MediaId": "${mediaId}"`, '"Tenant": "acme"', '"Stage": "RECEIVED"'],
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(screenshots, 'search-attributes.png'), fullPage: true });
    await client.workflow.getHandle(workflowId).terminate('web ui test done');
  });

  it('shows an encrypted execution input decrypted, through the codec server', async () => {
    // Arrange: the client encrypts; the server stores only ciphertext.
    const encrypting = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
    const key = 'incoming/acme/quarterly board meeting.mp4';
    const source = { bucket: 'reelscope-media', key, sizeBytes: 99, etag: 'e2' };
    const { workflowId } = await startAnalysis(encrypting, 'web-ui-test', { mediaId: 'cd34ef56ab12cd34ef56ab12', tenant: 'acme', tier: 'standard', source });
    const stored = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const startedInput = stored.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(startedInput.data!).includes('board meeting')).toBe(false);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

    // Act
    await page.goto(`${server.uiUrl}/namespaces/default/workflows/${workflowId}`);

    // Assert: the page shows the input as the worker sees it.
    await page.waitForFunction((text) => document.body.innerText.includes(text), 'quarterly board meeting.mp4', { timeout: 30_000 });
    await page.screenshot({ path: join(screenshots, 'decrypted-input.png'), fullPage: true });
    await client.workflow.getHandle(workflowId).terminate('web ui test done');
  });
});
