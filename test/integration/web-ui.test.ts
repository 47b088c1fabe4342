import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-payload-codec';
import { startCodecServer, type CodecServer } from '../../codec/codec-server';
import { parseKeyring } from '../../codec/payload-keyring';
import { WORKFLOW_TYPE } from '../../common/constants';
import { freePort } from '../../local/free-port';
import { startTemporalDevServer, type DevServer } from '../../local/temporal-dev-server';
import { startAnalysis } from '../../intake/start-analysis';
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
    // Loopback only, and no token: the Web UI calls its codec endpoint without one.
    const codecOptions = { codec, port: await freePort(), allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`], loopbackDevelopment: true };
    codecServer = await startCodecServer(codecOptions);
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
    const { workflowId, runId } = await startAnalysis(client, 'web-ui-test', { mediaId, tenant: 'acme', tier: 'standard', source });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

    // Act
    const query = `MediaId="${mediaId}" AND Tenant="acme" AND Stage="RECEIVED"`;
    await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const row = page.getByRole('link', { name: workflowId });
    await row.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(screenshots, 'list.png') });
    const listed = await tableRows(page);
    await row.first().click();
    await page.getByTestId('search-attributes-tab').click();
    await page.waitForURL(/\/search-attributes$/, { timeout: 15_000 });
    // The tab's block replaces the history tab's input and result blocks once it has loaded.
    await page.locator(READ_ONLY_JSON, { hasText: '"indexedFields"' }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    const searchAttributes = await readOnlyJson(page);
    await page.screenshot({ path: join(screenshots, 'search-attributes.png'), fullPage: true });

    // Assert: the query finds this execution alone, and its page is this execution's.
    expect(listed).toEqual([expect.arrayContaining(['Running', workflowId, runId, WORKFLOW_TYPE])]);
    expect(page.url()).toBe(`${server.uiUrl}/namespaces/default/workflows/${workflowId}/${runId}/search-attributes`);
    expect(await workflowHeader(page)).toEqual({ workflowId, status: 'Running' });
    expect(await summaryFields(page)).toMatchObject({ 'Run ID': runId, 'Workflow Type': WORKFLOW_TYPE, 'Task Queue': 'web-ui-test', End: '-' });
    expect(searchAttributes).toEqual([{ indexedFields: { MediaId: mediaId, Tenant: 'acme', Stage: 'RECEIVED' } }]);
    await client.workflow.getHandle(workflowId).terminate('web ui test done');
  });

  it('shows an encrypted execution input decrypted, through the codec server', async () => {
    // Arrange: the client encrypts; the server stores only ciphertext.
    const encrypting = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
    const key = 'incoming/acme/quarterly board meeting.mp4';
    const source = { bucket: 'reelscope-media', key, sizeBytes: 99, etag: 'e2' };
    const input = { mediaId: 'cd34ef56ab12cd34ef56ab12', tenant: 'acme', tier: 'standard', source };
    const { workflowId, runId } = await startAnalysis(encrypting, 'web-ui-test', input);
    const stored = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const startedInput = stored.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(startedInput.data!).includes('board meeting')).toBe(false);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

    // Act
    await page.goto(`${server.uiUrl}/namespaces/default/workflows/${workflowId}`);
    // The UI shows the payload once the codec server has answered; a codec failure shows the
    // encoded payload instead, which the assertion below then prints.
    await page.locator(READ_ONLY_JSON, { hasText: '"tenant"' }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    const blocks = await readOnlyJson(page);
    await page.screenshot({ path: join(screenshots, 'decrypted-input.png'), fullPage: true });

    // Assert: the input block shows the input as the worker sees it (the event history's
    // summary names the key too, so the page merely containing the key proves nothing).
    expect(await workflowHeader(page)).toEqual({ workflowId, status: 'Running' });
    expect(await summaryFields(page)).toMatchObject({ 'Run ID': runId, 'Workflow Type': WORKFLOW_TYPE });
    expect(blocks).toContainEqual(input);
    expect(await page.getByTestId('data-encoder-status-success').count()).toBe(1);
    await client.workflow.getHandle(workflowId).terminate('web ui test done');
  });
});

/** The UI's read-only code blocks (CodeMirror), where it shows payloads and search attributes as JSON. */
const READ_ONLY_JSON = '.cm-content[aria-readonly="true"]';

/** The workflow list's rows, each as the trimmed texts of its cells. */
async function tableRows(page: Page): Promise<string[][]> {
  return page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td')).map((cell) => (cell as HTMLElement).innerText.trim())));
}

/** The workflow page's heading: the workflow id and the status badge beside it. */
async function workflowHeader(page: Page): Promise<{ workflowId: string; status: string }> {
  const heading = page.getByTestId('workflow-id-heading');
  await heading.waitFor({ timeout: 30_000 });
  // The badge is the first line of the block that holds the heading: "Running\nmedia-...".
  const block = await heading.locator('xpath=..').locator('xpath=..').innerText();
  const [status = '', workflowId = ''] = block.split('\n').map((line) => line.trim()).filter(Boolean);
  return { workflowId, status };
}

/** The workflow page's summary list (Start, End, Run ID, Workflow Type, Task Queue...), label to value. */
async function summaryFields(page: Page): Promise<Record<string, string>> {
  // The UI writes each label in a <dd> and its value in the <dt> after it.
  const pairs = await page.locator('dd').evaluateAll((labels) =>
    labels.map((label) => [(label as HTMLElement).innerText.trim(), (label.nextElementSibling as HTMLElement | null)?.innerText.trim() ?? '']),
  );
  return Object.fromEntries(pairs);
}

/** Every read-only code block the page shows, in page order: parsed when JSON (payloads, search attributes), else its text. */
async function readOnlyJson(page: Page): Promise<unknown[]> {
  const blocks = page.locator(READ_ONLY_JSON);
  await blocks.first().waitFor({ timeout: 30_000 });
  return (await blocks.allInnerTexts()).map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.trim(); // "Results will appear upon completion."
    }
  });
}
