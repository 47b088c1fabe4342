import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffprobe } from '../../media/ffprobe';
import { FfmpegStalledError, runFfmpeg, streamFfmpeg } from '../../media/run-ffmpeg';
import { makeVideoClip } from '../support/media-fixtures';

/**
 * A source that stops sending: an HTTP server that answers with the headers and the first
 * bytes of a clip, then holds the connection open and sends nothing more.
 */
describe('a stalled source', () => {
  let server: Server;
  let base: string;
  let clipPath: string;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-stall-'));
    clipPath = await makeVideoClip(dir, { seconds: 20, faststart: true });
    const clip = await readFile(clipPath);
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(clip.length), 'accept-ranges': 'none' });
      // A third of the file (headers and index, faststart), then nothing: a stall mid-file.
      // Probes are held inside the index, before ffprobe has what it needs.
      res.write(clip.subarray(0, req.url?.includes('/probe-') ? 64 : Math.floor(clip.length / 3)));
      held.push(res);
      void req;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('ends ffmpeg with a retryable stall error once it has read nothing for the stall window', async () => {
    const run = runFfmpeg({ input: `${base}/stall.mp4?X-Amz-Signature=secret`, outputOptions: ['-f', 'null'], output: '-', stallSeconds: 3 });

    await expect(run).rejects.toBeInstanceOf(FfmpegStalledError);
    await expect(run).rejects.toThrow(/read nothing from its source for 3 s/);
  });

  it('does not take a reader that is slow to take frames for a stalled source', async () => {
    // Arrange: raw frames fill the pipe at once, and nobody reads them for twice the stall window
    const { stdout, done } = streamFfmpeg({ input: clipPath, outputOptions: ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-an'], stallSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2_500));

    // Act
    let bytes = 0;
    for await (const chunk of stdout) bytes += (chunk as Buffer).length;

    // Assert
    await expect(done).resolves.toBeUndefined();
    expect(bytes).toBe(20 * 25 * 320 * 180 * 3);
  });

  it('kills ffprobe when its activity is cancelled, leaving no process behind', async () => {
    const url = `${base}/probe-${process.pid}.mp4`;
    const controller = new AbortController();
    const probe = ffprobe(url, controller.signal);
    await new Promise((r) => setTimeout(r, 500));

    controller.abort();

    await expect(probe).rejects.toThrow(/abort/i);
    const { stdout } = await promisify(execFile)('ps', ['-eo', 'args']);
    expect(stdout).not.toContain(url);
  });
});
