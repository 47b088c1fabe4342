import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AnalysisRun } from '../../backends/analysis-backend';
import { createLocalBackend } from '../../backends/local/local-backend';
import { ObjectStore } from '../../storage/object-store';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { loadWorkerConfig } from '../../worker/config';
import { makeVideoClip } from '../support/media-fixtures';

const run = promisify(execFile);

/** The command lines of this process' children whose program name matches. */
async function children(program: RegExp): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'ppid=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && Number(m[1]) === process.pid && program.test((m[2] ?? '').split(' ')[0] ?? ''))
    .map((m) => m[2] ?? '');
}

async function until(done: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The local backend's transcript (ffmpeg to 16 kHz WAV, then pocketsphinx) under cancellation:
 * the abort of the activity's signal must end whichever process is running, not leave it to
 * run out on the worker.
 */
describe('a cancelled local transcript', () => {
  const config = loadWorkerConfig({ ...process.env, REELSCOPE_BACKEND: 'local' });
  const backend = createLocalBackend(config.analysis);
  let clients: AwsClients;
  let dir: string;
  let server: Server;
  let stalledUrl: string;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    clients = createAwsClients(config.aws);
    dir = await mkdtemp(join(tmpdir(), 'reelscope-local-cancel-'));
    const clip = await readFile(await makeVideoClip(dir, { seconds: 20, faststart: true }));
    // A third of the clip, then nothing: ffmpeg waits on its source until it is killed.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(clip.length) });
      res.write(clip.subarray(0, Math.floor(clip.length / 3)));
      held.push(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stalledUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stalled-${process.pid}.mp4`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await new Promise((resolve) => server?.close(resolve));
    clients?.destroy();
  });

  function transcriptRun(mediaUrl: string, signal: AbortSignal): AnalysisRun {
    return {
      input: {
        mediaId: 'm-local-cancel',
        tenant: 'acme',
        source: { bucket: config.bucket, key: 'incoming/acme/m-local-cancel.mp4' },
        media: { kind: 'video', formatName: 'mov,mp4', durationSeconds: 1800, sizeBytes: 1, streamCount: 2 },
      },
      mediaUrl,
      store: new ObjectStore(clients.s3, config.bucket),
      prefix: 'results/acme/m-local-cancel/',
      signal,
      heartbeat: () => {},
      execution: { workflowId: 'media-m-local-cancel', runId: 'run-1' },
    };
  }

  it('kills ffmpeg while it extracts the audio', async () => {
    // Arrange
    const controller = new AbortController();
    const transcribing = backend.runners.transcript!(transcriptRun(stalledUrl, controller.signal));
    const ending = transcribing.then(() => undefined, (err: unknown) => err);
    await until(async () => (await children(/ffmpeg$/)).some((args) => args.includes(stalledUrl)), 'ffmpeg reading the source');

    // Act
    controller.abort(new Error('cancelled'));

    // Assert: an AbortError is what the worker reports as a cancelled attempt (an ffmpeg failure would be retried as one).
    expect(await ending).toMatchObject({ name: 'AbortError', message: expect.stringContaining('cancelled') });
    await until(async () => !(await children(/ffmpeg$/)).some((args) => args.includes(stalledUrl)), 'ffmpeg to end');
  });

  it('kills pocketsphinx while it decodes', async () => {
    // Arrange: half an hour of noise, far more than pocketsphinx decodes before the abort.
    const noise = join(dir, 'noise.flac');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=1800:r=16000:a=0.3', '-ac', '1', '-c:a', 'flac', noise]);
    const controller = new AbortController();
    const transcribing = backend.runners.transcript!(transcriptRun(noise, controller.signal));
    const ending = transcribing.then(() => undefined, (err: unknown) => err);
    await until(async () => (await children(/pocketsphinx/)).length > 0, 'pocketsphinx decoding', 60_000);

    // Act
    controller.abort(new Error('cancelled'));

    // Assert
    expect(await ending).toMatchObject({ name: 'AbortError' });
    await until(async () => (await children(/pocketsphinx/)).length === 0, 'pocketsphinx to end');
  });
});
