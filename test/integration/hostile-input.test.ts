import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowBundle } from '@temporalio/worker';
import { sampleFrames } from '../../media/sampled-frames';
import { detectTechnicalCues } from '../../media/technical-cues';
import { MediaRecords } from '../../storage/media-records';
import type { AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/**
 * Uploads built to make the worker do what it must not: fetch URLs a playlist lists (SSRF
 * into the worker's network), or carry megabytes of tag text into history and the record.
 */
describe('hostile uploads', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let dir: string;
  let bait: Server;
  const baitRequests: string[] = [];
  let baitUrl: string;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle);
    dir = await mkdtemp(join(tmpdir(), 'reelscope-hostile-'));
    // A second server on loopback, standing in for an instance metadata or internal endpoint.
    bait = createServer((req, res) => {
      baitRequests.push(req.url ?? '');
      res.end('not for you');
    });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
    baitUrl = `http://127.0.0.1:${(bait.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await harness?.stop();
    await new Promise((resolve) => bait?.close(resolve));
  });

  async function playlistAsMp4(): Promise<string> {
    const path = join(dir, 'clip.mp4');
    await writeFile(path, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${baitUrl}/v2/credentials/role.ts\n#EXT-X-ENDLIST\n`);
    return path;
  }

  it('an HLS playlist uploaded as .mp4 is REJECTED at probe, and nothing it lists is fetched', async () => {
    // Arrange
    const input = await harness.upload(await playlistAsMp4());

    // Act
    const result = (await harness.client.workflow.getHandle((await startAnalysis(harness.client, harness.taskQueue, input)).workflowId).result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('REJECTED');
    expect(result.reason).toMatchObject({ step: 'probe', type: 'UnsupportedFormat' });
    expect(result.reason?.message).toMatch(/playlist or container format that is not accepted/);
    expect(result.reason?.message).not.toMatch(/https?:|X-Amz/);
    expect(baitRequests).toEqual([]);
  });

  it('every ffmpeg pass refuses the playlist too, with no request to what it lists', async () => {
    const url = await harness.deps.store.presignGet(harness.config.bucket, (await harness.upload(await playlistAsMp4())).source.key);

    const frames = async () => {
      for await (const frame of sampleFrames(url, { intervalSeconds: 1, width: 8, height: 8 })) void frame;
    };
    await expect(frames()).rejects.toThrow(/ffmpeg failed/);
    await expect(detectTechnicalCues(url, { video: true, audio: true, durationSeconds: 2 }, { sceneThreshold: 0.3, blackMinSeconds: 0.5, silenceNoiseDb: -40, silenceMinSeconds: 1 })).rejects.toThrow(/ffmpeg failed/);

    expect(baitRequests).toEqual([]);
  });

  it('a 600 KB title tag is cut to a line at probe: the run completes and the record carries the short title', async () => {
    // Arrange
    const path = join(dir, 'huge-title.mp4');
    const title = `${'A very long title '.repeat(35_000)}\u202eend`;
    // A tag this long cannot be one command-line argument: it comes from an ffmetadata file.
    const metadata = join(dir, 'huge-title.txt');
    await writeFile(metadata, `;FFMETADATA1\ntitle=${title}\n`);
    await promisify(execFile)('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2',
      '-f', 'ffmetadata', '-i', metadata, '-map', '0', '-map', '1', '-map_metadata', '2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
    ]);
    const input = await harness.upload(path);

    // Act
    const result = (await harness.client.workflow.getHandle((await startAnalysis(harness.client, harness.taskQueue, input)).workflowId).result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('COMPLETED');
    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    const stored = (record?.['media'] as { title?: string } | undefined)?.title ?? '';
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(200);
    expect(stored).toMatch(/^A very long title A very long title/);
    expect(stored).not.toMatch(/\u202e/);
  });
});
