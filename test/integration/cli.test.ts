/// <reference lib="dom" />
// The report check runs code in the page, where the DOM types apply.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkflowBundle } from '@temporalio/worker';
import { openCliContext, type CliContext } from '../../cli/cli-context';
import { createProgram } from '../../cli/program';
import { startAnalysis } from '../../intake/start-analysis';
import { launchBrowser } from '../support/headless-browser';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/** The `reelscope` CLI in-process, against the dev server, s3rver and dynalite, with a real worker. */
describe('reelscope CLI', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let dir: string;
  let clip: string;
  let context: (CliContext & { close(): Promise<void> }) | undefined;
  let env: NodeJS.ProcessEnv;

  /** Runs one command line; resolves with what it printed, rejects with the reason it failed. */
  async function cli(...args: string[]): Promise<string> {
    const lines: string[] = [];
    const program = createProgram({
      context: async () => (context ??= await openCliContext(env)),
      print: (text) => lines.push(text),
      interactive: false,
      env,
    });
    program.exitOverride().configureOutput({ writeErr: (text) => lines.push(text), writeOut: (text) => lines.push(text) });
    for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: (text) => lines.push(text) });
    await program.parseAsync(['node', 'reelscope', ...args]);
    return lines.join('\n');
  }
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await cli('--json', ...args)) as T;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle);
    env = { ...process.env, REELSCOPE_TASK_QUEUE: harness.taskQueue, REELSCOPE_WEB_UI_URL: 'http://localhost:8233' };
    dir = await mkdtemp(join(tmpdir(), 'reelscope-cli-'));
    clip = await makeVideoClip(dir, { seconds: 3, name: 'cli clip.mp4' });
  });
  afterAll(async () => {
    await context?.close();
    await harness?.stop();
  });

  let mediaId: string;

  it('analyze uploads a local file, follows it to the end and prints the outcome', async () => {
    const text = await cli('analyze', clip, '--tenant', 'cli');
    expect(text).toMatch(/started: media [0-9a-f]{24} \(workflow media-[0-9a-f]{24}\)/);
    expect(text).toMatch(/Web UI: http:\/\/localhost:8233\/namespaces\/default\/workflows\/media-/);
    expect(text).toMatch(/100% COMPLETED/);
    expect(text).toMatch(/COMPLETED: clean/);
    expect(text).toMatch(/ {2}coverage: Picture: \d+ frames checked over 0\.0–3\.0 s of 3\.0 s\. Sound: 3\.\d s of audio transcribed, \d+ words? checked for profanity\./);
    mediaId = /media ([0-9a-f]{24})/.exec(text)?.[1] ?? '';
  });

  it('analyze of the same bytes again starts nothing new', async () => {
    const outcome = await json<{ mediaId: string; alreadyAnalysed: boolean }>('analyze', clip, '--tenant', 'cli', '--no-wait');
    expect(outcome).toEqual(expect.objectContaining({ mediaId, alreadyAnalysed: true }));
  });

  it('status shows the execution and the record', async () => {
    const view = await json<{ execution: { status: string; stage: string }; record: { status: string; tenant: string } }>('status', mediaId);
    expect(view.execution).toMatchObject({ status: 'COMPLETED', stage: 'COMPLETED' });
    expect(view.record).toMatchObject({ status: 'COMPLETED', tenant: 'cli' });
    expect(await cli('status', mediaId)).toMatch(/record\s+COMPLETED \(tenant cli/);
    await expect(cli('status', 'f'.repeat(24))).rejects.toThrow(/no media f{24}/);
  });

  it('list filters by tenant and status', async () => {
    const all = await json<{ mediaId: string }[]>('list', '--tenant', 'cli');
    expect(all.map((m) => m.mediaId)).toContain(mediaId);
    expect(await json<unknown[]>('list', '--tenant', 'cli', '--status', 'FAILED')).toEqual([]);
    await expect(cli('list', '--tenant', 'cli', '--status', 'DONE')).rejects.toThrow(/Allowed choices are/);
  });

  it('report prints the summary and writes an HTML report that renders its timeline and thumbnails in a browser', async () => {
    // Act
    const path = join(dir, 'report.html');
    const text = await cli('report', mediaId, '--html', path);

    // Assert
    expect(text).toMatch(/^CLEAN {2}/);
    expect(text).toMatch(/^coverage: Picture: \d+ frames checked over 0\.0–3\.0 s of 3\.0 s\. Sound: /m);
    expect(text).toMatch(/chapters: 0s /);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(pathToFileURL(path).href);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      const rendered = await page.evaluate(() => ({
        lanes: Array.from(document.querySelectorAll('#timeline .lane')).map((lane) => ({
          name: lane.querySelector('.lane-name')?.textContent,
          bars: Array.from(lane.querySelectorAll('.bar')).filter((bar) => bar.getBoundingClientRect().width > 0).length,
        })),
        thumbnails: Array.from(document.querySelectorAll<HTMLImageElement>('#thumbnails img')).map((img) => ({ decoded: img.complete && img.naturalWidth > 0, shown: img.getBoundingClientRect().width > 0 })),
        verdict: document.querySelector('#verdict')?.textContent,
      }));
      expect(rendered.verdict).toBe('clean');
      // The test pattern changes every second: shots are drawn as visible bars.
      expect(rendered.lanes).toContainEqual({ name: 'Shots', bars: expect.any(Number) });
      expect(rendered.lanes.find((l) => l.name === 'Shots')?.bars).toBeGreaterThan(0);
      expect(rendered.thumbnails.length).toBeGreaterThan(0);
      expect(rendered.thumbnails.every((t) => t.decoded && t.shown)).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('review is checked before it is sent, and refused by a media that is not waiting', async () => {
    await expect(cli('review', mediaId, 'reject', '--reviewer', 'ana')).rejects.toThrow(/a rejection needs a reason/);
    await expect(cli('review', mediaId, 'maybe', '--reviewer', 'ana')).rejects.toThrow(/Allowed choices are approve, reject/);
    await expect(cli('review', mediaId, 'approve', '--reviewer', 'ana')).rejects.toThrow(/completed|not awaiting review/i);
  });

  it('replay checks a live execution and a stored history against the current code', async () => {
    expect(await json('replay', `media-${mediaId}`)).toMatchObject({ ok: true, events: expect.any(Number) });
    const stored = join(__dirname, '..', 'replay', 'histories', 'completed-sample-clip.json');
    expect(existsSync(stored)).toBe(true);
    expect(await cli('replay', stored)).toMatch(/^compatible: completed-sample-clip \(\d+ events\)/);
  });

  it('retry refuses a completed media without --force, and re-runs a terminated one with its input', async () => {
    await expect(cli('retry', mediaId)).rejects.toThrow(/ended COMPLETED; pass --force/);

    const other = await makeVideoClip(dir, { seconds: 2, name: 'terminated.mp4' });
    const started = await json<{ mediaId: string; workflowId: string }>('analyze', other, '--tenant', 'cli', '--no-wait');
    await harness.client.workflow.getHandle(started.workflowId).terminate('operator stopped it');
    const retried = await json<{ workflowId: string; runId: string }>('retry', started.mediaId);
    const result = await harness.client.workflow.getHandle(retried.workflowId, retried.runId).result();
    expect(result).toMatchObject({ status: 'COMPLETED', mediaId: started.mediaId });
  });

  it('rerun re-writes the report only, and refuses analyses it does not know', async () => {
    // Act
    const text = await cli('rerun', mediaId, '--report-only');
    const run = /run (\S+) of (media-[0-9a-f]{24})/.exec(text);
    await harness.client.workflow.getHandle(run?.[2] ?? '', run?.[1]).result();
    const record = await json<{ record: { status: string; rerunOf?: { analyses: string[] }; previousReports?: unknown[] } }>('status', mediaId);

    // Assert
    expect(text).toMatch(new RegExp(`^re-writing the report of ${mediaId}: run \\S+ of media-${mediaId}; the other outputs are those of run \\S+, whose report stays readable$`));
    expect(record.record).toMatchObject({ status: 'COMPLETED', rerunOf: { analyses: [] }, previousReports: [expect.anything()] });
    await expect(cli('rerun', mediaId, '--analyses', 'labels,nope')).rejects.toThrow(/no such analysis: nope/);
  });

  it('cancel sends a cancellation to a running analysis, and refuses one that ended', async () => {
    // Arrange: a run on a queue no worker polls stays RUNNING, so the cancel cannot race its end.
    const input = await harness.upload(await makeVideoClip(dir, { seconds: 2, name: 'queued.mp4' }), { tenant: 'cli' });
    const { workflowId } = await startAnalysis(harness.client, `${harness.taskQueue}-unpolled`, input);
    const handle = harness.client.workflow.getHandle(workflowId);

    // Act
    const sent = await json<{ workflowId: string; runId: string }>('cancel', input.mediaId);

    // Assert
    expect(sent).toEqual({ workflowId, runId: (await handle.describe()).runId });
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
    await expect(cli('cancel', mediaId)).rejects.toThrow(/is not running \(it ended COMPLETED\)/);
    await handle.terminate('test cleanup');
  });
});
