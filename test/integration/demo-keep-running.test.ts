import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rename } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { freePort } from '../../local/free-port';
import { readStackConnection } from '../../local/stack-connection';
import { createAwsClients } from '../../common/aws-clients';
import { makeVideoClip } from '../support/media-fixtures';

const ROOT = join(__dirname, '..', '..');

/**
 * `npm run demo -- --keep-running` as a user runs it: a real process with its own dev server and
 * stores, then the CLI as a second process with no variables set, then Ctrl-C or SIGTERM. Each
 * run is a process group of its own, so "no process left" is checked on the whole group.
 */
describe('demo --keep-running', () => {
  let dir: string;
  let clip: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelscope-kept-'));
    clip = await makeVideoClip(dir, { seconds: 2, name: 'kept.mp4' });
    // What a new terminal has: none of the suite's stack variables, only the demo's folder and ports.
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|REELSCOPE_|AWS_)/.test(name)));
    Object.assign(env, {
      REELSCOPE_DEMO_DIR: join(dir, 'demo'),
      REELSCOPE_DEMO_TEMPORAL_PORT: String(await freePort()),
      REELSCOPE_DEMO_UI_PORT: String(await freePort()),
      REELSCOPE_DEMO_API_PORT: String(await freePort()),
      REELSCOPE_DEMO_ISSUER_PORT: String(await freePort()),
    });
  });

  it('serves the CLI from another process with no setup, and Ctrl-C stops every process it started', async () => {
    // Arrange
    const demo = startDemo();
    await demo.printed(/servers keep running/, 180_000);
    const connection = readStackConnection(join(dir, 'demo'));
    expect(connection?.pid).toBe(demo.child.pid);

    // Act: the CLI in "another terminal", then a refused upload with a hostile name
    const other = await makeVideoClip(dir, { seconds: 2, name: 'other.mp4' });
    const analysed = await runCli('analyze', other, '--tenant', 'kept');
    const hostile = join(dir, 'evil\u202egnp.mp4');
    await rename(await makeVideoClip(dir, { seconds: 1, name: 'hostile.mp4' }), hostile);
    const refused = await runCli('analyze', hostile, '--tenant', 'kept');
    const notMedia = await runCli('analyze', join(__dirname, '..', '..', 'package.json'), '--tenant', 'kept');
    // Analysed to COMPLETED, each upload was archived from incoming/ to processed/.
    const uploaded = [...(await listKeys(connection?.env ?? {}, 'incoming/kept/')), ...(await listKeys(connection?.env ?? {}, 'processed/kept/'))];
    const listed = await runPrintedCurl(demo.output());
    process.kill(-pidOf(demo.child), 'SIGINT'); // what a terminal's Ctrl-C does: the whole foreground group
    const exit = await demo.exited;

    // Assert
    expect(analysed.code).toBe(0);
    expect(analysed.stdout).toMatch(/COMPLETED: /);
    expect(analysed.stderr).toMatch(/using the local stack of npm run demo/);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not analysed: key contains control or bidirectional-override characters/);
    expect(refused.stderr).toContain('evil\\u202egnp.mp4');
    expect(refused.stderr).not.toContain('\u202e');
    expect(notMedia.stderr).toMatch(/package\.json is not analysed: suffix not in/);
    // Refused files were never uploaded: only the two clips are in the tenant's folder.
    expect(uploaded.sort()).toEqual(['processed/kept/kept.mp4', 'processed/kept/other.mp4']);
    // The printed curl line, as pasted: the demo's clip and the CLI's are the tenant's media.
    expect(connection?.api?.url).toBe(`http://127.0.0.1:${env['REELSCOPE_DEMO_API_PORT']}`);
    expect(listed.status).toBe(200);
    expect(listed.items.map((m) => `${m.fileName} ${m.status}`).sort()).toEqual(['kept.mp4 COMPLETED', 'other.mp4 COMPLETED']);
    expect(demo.output()).toContain(`docs ${connection?.api?.url ?? '?'}/docs`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(demo.output()).not.toMatch(/IllegalStateError|NodeVersionSupportWarning|You're using the model/);
    await expectGroupGone(demo.child);
    expect(existsSync(join(dir, 'demo', 'stack.json'))).toBe(false);
    await expectPortsClosed();
  }, 360_000);

  it('SIGTERM to the demo alone stops the dev server it started too', async () => {
    const demo = startDemo();
    await demo.printed(/servers keep running/, 180_000);

    process.kill(pidOf(demo.child), 'SIGTERM');

    expect(await demo.exited).toEqual({ code: 0, signal: null });
    await expectGroupGone(demo.child);
    await expectPortsClosed();
  }, 240_000);

  /** The dev server, the API and its issuer all let go of their ports. */
  async function expectPortsClosed(): Promise<void> {
    for (const name of ['REELSCOPE_DEMO_TEMPORAL_PORT', 'REELSCOPE_DEMO_API_PORT', 'REELSCOPE_DEMO_ISSUER_PORT']) {
      expect({ [name]: await isListening(Number(env[name])) }).toEqual({ [name]: false });
    }
  }

  function startDemo() {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts'), clip, '--tenant', 'kept', '--keep-running'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const waiters: { pattern: RegExp; resolve: () => void }[] = [];
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const w of waiters.filter((w) => w.pattern.test(output))) w.resolve();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return {
      child,
      exited,
      output: () => output,
      printed: (pattern: RegExp, timeoutMs: number) =>
        new Promise<void>((resolve, reject) => {
          if (pattern.test(output)) return resolve();
          const timer = setTimeout(() => reject(new Error(`demo did not print ${String(pattern)} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
          waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
          void exited.then(() => reject(new Error(`demo exited before printing ${String(pattern)}:\n${output}`)));
        }),
    };
  }

  function runCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }
});

/**
 * Sends the request of the curl line the demo printed (its header and URL, read from the
 * output), so what is checked is what a user pastes.
 */
async function runPrintedCurl(output: string): Promise<{ status: number; items: { fileName: string; status: string }[] }> {
  const printed = /curl -H "authorization: Bearer ([\w.-]+)" (http:\/\/127\.0\.0\.1:\d+\/v1\/media)\n/.exec(output);
  if (!printed) throw new Error(`no curl line in the demo's output:\n${output}`);
  const response = await fetch(printed[2]!, { headers: { authorization: `Bearer ${printed[1]!}` } });
  const body = (await response.json()) as { items?: { fileName: string; status: string }[] };
  return { status: response.status, items: body.items ?? [] };
}

async function listKeys(stackEnv: Record<string, string>, prefix: string): Promise<string[]> {
  const { s3, destroy } = createAwsClients({ region: 'us-east-1', s3Endpoint: stackEnv['REELSCOPE_S3_ENDPOINT'] });
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: stackEnv['REELSCOPE_BUCKET'], Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key ?? '');
  } finally {
    destroy();
  }
}

function pidOf(child: ChildProcess): number {
  if (!child.pid) throw new Error('demo did not start');
  return child.pid;
}

/** Every process of the demo's group has ended: the demo, the dev server, anything they spawned. */
async function expectGroupGone(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(-pidOf(child), 0);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ESRCH');
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`processes of group ${pidOf(child)} are still running`);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
