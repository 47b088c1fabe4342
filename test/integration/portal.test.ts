import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { launchBrowser } from '../support/headless-browser';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { makeVideoClip } from '../support/media-fixtures';
import { startPortalServer, type PortalServer } from '../support/portal-server';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const CLIP_SECONDS = 8;
/** Generous for a short clip on the fake AWS; each wait fails the test with what it waited for. */
const STEP_MS = 45_000;

/**
 * The portal in a real browser against the real API on a socket, a real dev issuer and a real
 * worker (aws backend against the fake AWS, whose moderation labels flag every upload, and
 * the tenant reviews what is flagged): sign in through the form, upload, watch the library
 * follow the run to review, decide it in the queue, see it complete, then seek by chapter.
 */
describe('the portal, end to end in headless Chromium', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let worker: TestWorker;
  let portal: PortalServer;
  let browser: Browser;
  let page: Page;
  let clip: string;
  const pageErrors: string[] = [];
  let reachedTheEnd = false;

  /**
   * A CSP violation or a script error in any of the test's pages must fail the test, not pass
   * unseen; `expected` names the one console error a page is meant to cause, if any.
   */
  function watchForErrors(on: Page, name: string, expected: (message: ConsoleMessage) => boolean = () => false): void {
    on.on('pageerror', (err) => pageErrors.push(`${name}: ${err.message}`));
    on.on('console', (message) => {
      if (message.type() === 'error' && !expected(message)) pageErrors.push(`${name}: ${message.text()}`);
    });
  }

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    fake.config.mediaDurationSeconds = () => CLIP_SECONDS;
    // The model's part of the report: two chapters, so a click has somewhere to seek to.
    fake.config.modelResponder = () => ({
      title: 'Test pattern',
      summary: 'A moving test pattern with a steady tone.',
      chapters: [
        { title: 'Opening', start: 0, end: 4, summary: 'The pattern starts.' },
        { title: 'Second half', start: 4, end: CLIP_SECONDS, summary: 'The pattern goes on.' },
      ],
      topics: [],
      entities: [],
      moderation: { verdict: 'flagged', rationale: 'The moderation flags call for review.' },
    });
    bundle = await bundleWorkflows();
    worker = await startTestWorker(bundle, {}, (d) => d, awsBackendEnv(fake, { REELSCOPE_MODERATION_THRESHOLD: '0.5', REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '20' }));
    portal = await startPortalServer({
      temporal: worker.client,
      taskQueue: worker.taskQueue,
      // Every upload multipart (one part here): the browser must read each part's ETag through CORS.
      env: { REELSCOPE_MULTIPART_THRESHOLD_BYTES: '1', REELSCOPE_REVIEW_TENANTS: 'umbrella', REELSCOPE_REVIEW_THRESHOLD: '0.5', REELSCOPE_REVIEW_DEADLINE_SECONDS: '3600' },
    });
    clip = await makeVideoClip(await mkdtemp(join(tmpdir(), 'reelscope-portal-clip-')), { seconds: CLIP_SECONDS, name: 'portal-clip.mp4' });
    browser = await launchBrowser();
    page = await browser.newPage();
    watchForErrors(page, 'uploader');
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await worker?.stop();
    await fake?.close();
  });

  /** A failed wait says what the page showed at the time, and any script errors. */
  afterEach(async () => {
    const text = await page?.locator('main').innerText().catch(() => '(no page)');
    if (expect.getState().currentTestName?.includes('signs in') && (!reachedTheEnd || pageErrors.length)) console.log(`page at the end:\n${text}\nerrors: ${pageErrors.join('\n')}`);
  });

  it('serves the page uncached under a strict CSP, its assets by hashed name, and its sign-in settings', async () => {
    const index = await fetch(portal.url);
    const html = await index.text();
    const script = /src="(\/portal\/assets\/app-[A-Za-z0-9]+\.js)"/.exec(html)?.[1] ?? '';
    const asset = await fetch(`${portal.url}${script}`);
    const settings = (await (await fetch(`${portal.url}/portal/config.json`)).json()) as Record<string, unknown>;
    const policy = index.headers.get('content-security-policy') ?? '';

    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe');
    expect(policy).toContain(`connect-src 'self' ${portal.issuer.issuer} ${new URL(process.env['REELSCOPE_S3_ENDPOINT'] as string).origin}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${portal.url}/portal/assets/index.html`)).status).toBe(404);
    expect((await fetch(`${portal.url}/portal/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect(settings).toEqual({
      authorizeUrl: `${portal.issuer.issuer}/oauth2/authorize`,
      tokenUrl: `${portal.issuer.issuer}/oauth2/token`,
      clientId: portal.issuer.clientId,
      scopes: 'openid',
      claims: { tenant: 'custom:tenant', roles: 'cognito:groups' },
    });
    expect((await fetch(`${portal.url}/v1/media`)).status).toBe(401);
  });

  /** Through the portal's button and the dev issuer's form, as a person would. */
  async function signIn(on: Page, user: string, roles: string[]): Promise<void> {
    await on.goto(portal.url);
    await on.getByRole('button', { name: 'Sign in' }).click();
    await on.waitForURL(`${portal.issuer.issuer}/oauth2/authorize?**`);
    await on.fill('input[name="username"]', user);
    await on.fill('input[name="tenant"]', 'umbrella');
    for (const role of roles) await on.check(`input[value="${role}"]`);
    await on.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in, uploads, follows the run, decides the review and seeks by chapter', async () => {
    // Sign in through the dev issuer's form (authorization code + PKCE).
    await signIn(page, 'rita', ['uploader', 'reviewer']);
    await page.getByTestId('who').waitFor({ timeout: STEP_MS });
    expect(await page.getByTestId('who').textContent()).toContain('rita · umbrella');
    expect(page.url()).not.toContain('code=');

    // Upload: the part PUT straight to s3rver through its presigned URL, then complete.
    await page.getByRole('link', { name: 'Upload' }).click();
    await page.setInputFiles('input[type="file"]', clip);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByTestId('upload-done').waitFor({ timeout: STEP_MS });

    // The library follows the run live until it waits for review.
    await page.getByTestId('upload-done').getByRole('link', { name: 'library' }).click();
    const row = page.locator('tr', { hasText: 'portal-clip.mp4' });
    await row.getByTestId('status').filter({ hasText: 'AWAITING_REVIEW' }).waitFor({ timeout: STEP_MS });
    const mediaId = await row.getAttribute('data-media-id');

    // A viewer of the same tenant sees the queue, and is told plainly why deciding fails.
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    // The refused decision is the viewer's one expected failure: Chromium logs the 403 it got.
    watchForErrors(viewer, 'viewer', (message) => message.text().includes('status of 403') && message.location().url === `${portal.url}/v1/media/${mediaId}/review`);
    await signIn(viewer, 'vic', []);
    await viewer.getByRole('link', { name: 'Review queue' }).click();
    await viewer.locator(`li[data-media-id="${mediaId}"]`).getByRole('button', { name: 'Approve' }).click();
    await viewer.getByRole('alert').waitFor({ timeout: STEP_MS });
    const refusal = await viewer.getByRole('alert').textContent();
    await viewerContext.close();
    expect(refusal).toMatch(/^Deciding a review needs the reviewer role/);

    // Decide it in the review queue.
    await page.getByRole('link', { name: 'Review queue' }).click();
    const queued = page.locator(`li[data-media-id="${mediaId}"]`);
    await queued.locator('input[name="reason"]').fill('test pattern, fine');
    await queued.getByRole('button', { name: 'Approve' }).click();
    await queued.getByTestId('review-outcome').waitFor({ timeout: STEP_MS });
    expect(await queued.getByTestId('review-outcome').textContent()).toBe('Approved by rita');

    // Back in the library, the run completes.
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await row.getByTestId('status').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: STEP_MS });

    // The media page: player, lanes, chapters; a chapter click seeks the player.
    await row.getByRole('link', { name: 'portal-clip.mp4' }).click();
    await page.locator('video').waitFor({ timeout: STEP_MS });
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1, undefined, { timeout: STEP_MS });
    const secondHalf = page.locator('button.chapter', { hasText: 'Second half' });
    await secondHalf.waitFor({ timeout: STEP_MS });
    const before = await page.evaluate(() => document.querySelector('video')?.currentTime ?? -1);
    // currentTime reads back what was set at once; only `seeked` plus data at the new position
    // show the player really fetched it (a range GET through the presigned URL).
    await page.evaluate(() => {
      const video = document.querySelector('video');
      video?.addEventListener('seeked', () => (video.dataset['seekedTo'] = String(video.currentTime)), { once: true });
    });
    await secondHalf.click();
    await page.waitForFunction(
      () => {
        const video = document.querySelector('video');
        return video?.dataset['seekedTo'] !== undefined && !video.seeking && video.readyState >= 2;
      },
      undefined,
      { timeout: STEP_MS },
    );
    const seeked = await page.evaluate(() => {
      const video = document.querySelector('video');
      return { to: Number(video?.dataset['seekedTo']), currentTime: video?.currentTime ?? -1, error: video?.error?.code ?? null };
    });
    const spoken = await page.locator('.transcript li.current').count();
    const lanes = await page.locator('.lane').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-lane')));

    expect(before).toBe(0);
    expect(seeked).toEqual({ to: 4, currentTime: expect.closeTo(4, 0) as number, error: null });
    expect(spoken).toBe(1);
    // The aws backend's segment detection looks for every technical cue, so the cues lane shows.
    expect(lanes).toEqual(['shots', 'speech', 'silence', 'black', 'cues', 'flags']);
    expect(await page.locator('.lane-flags .mark').count()).toBeGreaterThan(0);

    // A completed media offers a re-run of what ran; the report-only one starts at once.
    const rerun = page.getByRole('form', { name: 'Re-run' });
    expect(await rerun.locator('input[name="analysis"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toContain('labels');
    await rerun.getByRole('button', { name: 'Re-write the report only' }).click();
    await page.getByTestId('rerun-started').waitFor({ timeout: STEP_MS });
    expect(await page.getByTestId('rerun-started').textContent()).toBe('Re-run started: report only');
    expect(pageErrors).toEqual([]);
    reachedTheEnd = true;
  });

  it('ignores a sign-in answer this tab did not ask for, and keeps the sign-in it has in progress', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    watchForErrors(tab, 'crafted link');
    try {
      await tab.goto(portal.url);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.waitForURL(`${portal.issuer.issuer}/oauth2/authorize?**`);

      // A link someone sent: an error answer with their text and a state this tab never made.
      const crafted = new URL(portal.url);
      crafted.search = new URLSearchParams({ error: 'access_denied', error_description: 'Your account is locked. Call +1 555 0100.', state: 'forged' }).toString();
      await tab.goto(crafted.toString());
      // The page takes the answer out of the address bar once it has read it.
      await tab.waitForFunction(() => location.search === '', undefined, { timeout: STEP_MS });
      await tab.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: STEP_MS });
      const shown = await tab.locator('body').innerText();
      const alerts = await tab.getByRole('alert').count();
      const address = tab.url();
      const pendingKept = await tab.evaluate(() => sessionStorage.getItem('reelscope.signin') !== null);

      // The sign-in that was in progress still finishes.
      await tab.goBack();
      await tab.waitForURL(`${portal.issuer.issuer}/oauth2/authorize?**`);
      await tab.fill('input[name="username"]', 'rita');
      await tab.fill('input[name="tenant"]', 'umbrella');
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByTestId('who').waitFor({ timeout: STEP_MS });

      expect(shown).not.toContain('locked');
      expect(alerts).toBe(0);
      expect(address).toBe(`${portal.url}/`);
      expect(pendingKept).toBe(true);
      expect(await tab.getByTestId('who').textContent()).toContain('rita · umbrella');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
