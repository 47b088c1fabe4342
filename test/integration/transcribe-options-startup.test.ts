import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs `worker/main.ts` as production does and waits for it to exit; a worker that starts instead is stopped. */
function runWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the worker process with invalid per-tenant Transcribe options', () => {
  it('exits non-zero before connecting, naming the variable, the tenant and the problem', async () => {
    // Act
    const { code, output } = await runWorker({
      REELSCOPE_BACKEND: 'aws',
      REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: JSON.stringify({ acme: { languageCode: 'de-DE', toxicityDetection: true, vocabularyName: 'acme terms' } }),
    });

    // Assert
    expect(code).toBe(1);
    expect(output).toContain('invalid worker configuration');
    expect(output).toMatch(/REELSCOPE_TRANSCRIBE_TENANT_OPTIONS\.acme\.vocabularyName: a Transcribe resource name/);
    expect(output).not.toContain('worker started');
  });

  it('exits non-zero for an option combination Transcribe refuses', async () => {
    const { code, output } = await runWorker({
      REELSCOPE_BACKEND: 'aws',
      REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: JSON.stringify({ '*': { languageCode: 'de-DE', toxicityDetection: true } }),
    });

    expect(code).toBe(1);
    expect(output).toMatch(/REELSCOPE_TRANSCRIBE_TENANT_OPTIONS\.\*: toxicityDetection needs the language fixed to en-US/);
  });
});
