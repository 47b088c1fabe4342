import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowBundle } from '@temporalio/worker';
import type { AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import { MediaRecords } from '../../storage/media-records';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/** What ffprobe says the proxy is: container and the codec of each stream. */
async function probe(path: string): Promise<{ format: string; codecs: string[]; width?: number }> {
  const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_name,width', '-of', 'json', path]);
  const parsed = JSON.parse(stdout) as { format: { format_name: string }; streams: { codec_name: string; width?: number }[] };
  return { format: parsed.format.format_name, codecs: parsed.streams.map((s) => s.codec_name), width: parsed.streams.find((s) => s.width)?.width };
}

describe('playback proxy: every analysed file plays in a browser', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let records: MediaRecords;
  let dir: string;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle);
    records = new MediaRecords(harness.clients.doc, harness.config.tables);
    dir = await mkdtemp(join(tmpdir(), 'reelscope-proxy-'));
  });
  afterAll(async () => {
    await harness?.stop();
  });

  async function analyse(path: string): Promise<{ result: AnalyzeMediaResult; record: Record<string, unknown> | undefined }> {
    const input = await harness.upload(path);
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const result = (await harness.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    return { result, record: await records.get(input.mediaId) };
  }

  it('makes an H.264/AAC MP4 of an MKV beside its results and records it', async () => {
    // Act
    const { result, record } = await analyse(await makeVideoClip(dir, { seconds: 2, name: 'episode.mkv' }));

    // Assert
    expect(result.status).toBe('COMPLETED');
    const ref = record?.['playbackRef'];
    expect(ref).toMatch(/^s3:\/\/.+\/playback\.mp4$/);
    const bytes = await harness.deps.store.getBytes(ref as string);
    const local = join(dir, 'proxy.mp4');
    await writeFile(local, bytes);
    expect(await probe(local)).toEqual({ format: 'mov,mp4,m4a,3gp,3g2,mj2', codecs: ['h264', 'aac'], width: 320 });
  });

  it('makes none for an MP4 that browsers play as uploaded', async () => {
    const { result, record } = await analyse(await makeVideoClip(dir, { seconds: 2, name: 'plays.mp4' }));

    expect(result.status).toBe('COMPLETED');
    expect(record).not.toHaveProperty('playbackRef');
  });
});
