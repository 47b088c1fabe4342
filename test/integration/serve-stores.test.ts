import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort } from '../../local/free-port';

const ROOT = join(__dirname, '..', '..');
const READY_MS = 60_000;

/** The stores service as a developer starts it: no host set, so nothing but this machine reaches it. */
describe('serve-stores outside compose', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
    child = undefined;
  });

  function start(env: Record<string, string>): Promise<{ s3: string }> {
    const started = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'serve-stores.ts')], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no "stores ready" line within ${READY_MS} ms:\n${output}`)), READY_MS);
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const ready = output.split('\n').find((line) => line.includes('"stores ready"'));
        if (!ready) return;
        clearTimeout(timer);
        resolve(JSON.parse(ready) as { s3: string });
      };
      started.stdout?.on('data', read);
      started.stderr?.on('data', read);
      started.once('exit', (code) => reject(new Error(`serve-stores exited with ${String(code)}:\n${output}`)));
    });
  }

  it('listens on loopback only, refuses unsigned requests and gives no origin CORS', async () => {
    const [s3Port, dynamoPort] = [await freePort(), await freePort()];
    const ready = await start({ REELSCOPE_STORES_DIR: await mkdtemp(join(tmpdir(), 'reelscope-stores-')), REELSCOPE_S3_PORT: String(s3Port), REELSCOPE_DYNAMODB_PORT: String(dynamoPort) });
    const otherAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.family === 'IPv4' && !address.internal)
      .map((address) => address?.address ?? '');

    const unsigned = await fetch(`${ready.s3}/reelscope-media`, { headers: { origin: 'https://evil.example' } });
    const preflight = await fetch(`${ready.s3}/reelscope-media/x`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' } });
    const reachedFromOutside = await Promise.all(otherAddresses.map((address) => fetch(`http://${address}:${s3Port}/`).then(() => address, () => undefined)));

    expect(ready.s3).toBe(`http://127.0.0.1:${s3Port}`);
    expect(unsigned.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(reachedFromOutside.filter(Boolean)).toEqual([]);
  });

  it('is told by docker-compose.yml to listen container-wide, where only the compose network reaches it', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; ports?: string[] }> };

    expect(compose.services['stores']?.environment?.['REELSCOPE_STORES_HOST']).toBe('0.0.0.0');
    expect(compose.services['stores']?.ports).toBeUndefined();
  });
});
