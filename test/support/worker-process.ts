import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker logged, for assertions and for failure messages. */
  output(): string;
  /** SIGKILL: no drain, no goodbye, like a node losing power. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export interface WorkerProcessOptions {
  timeoutMs?: number;
  /**
   * The compiled entry point (`worker/main.js` of a `tsc -p tsconfig.build.json` output), run by
   * plain node as the image runs it. Without it, `worker/main.ts` runs through tsx, whose loader
   * thread and compiled sources add to the process's memory.
   */
  compiledEntry?: string;
}

/**
 * Starts the worker as its own process, the way production runs it, and resolves once it
 * polls its task queue.
 */
export async function startWorkerProcess(env: Record<string, string>, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const args = options.compiledEntry ? [options.compiledEntry] : ['--import', 'tsx', join(ROOT, 'worker', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
