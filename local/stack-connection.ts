import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Where a kept demo stack (`npm run demo -- --keep-running`) says how to reach it: its servers
 * listen on ports picked at start, so the CLI in another terminal reads them from here.
 */
export function demoDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['REELSCOPE_DEMO_DIR'] ?? join(__dirname, '..', '.data', 'demo'));
}

const CONNECTION_FILE = 'stack.json';

const connectionFile = z.object({
  pid: z.number().int().positive(),
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()),
  /** The media API the demo serves, and the dev issuer its tokens come from. */
  api: z.object({ url: z.url(), docsUrl: z.url(), issuer: z.url() }).optional(),
});

export type StackConnection = z.infer<typeof connectionFile>;

/** Records how to reach the running stack; only the owner (mode 0600) may read it. */
export function writeStackConnection(dataDir: string, connection: StackConnection): void {
  writeFileSync(join(dataDir, CONNECTION_FILE), `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 });
}

export function removeStackConnection(dataDir: string): void {
  rmSync(join(dataDir, CONNECTION_FILE), { force: true });
}

/** The kept stack's connection, or undefined when none is recorded or its process has ended. */
export function readStackConnection(dataDir: string): StackConnection | undefined {
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(join(dataDir, CONNECTION_FILE), 'utf8'));
  } catch {
    return undefined; // none recorded, or a file cut short: either way no stack to reach
  }
  const parsed = connectionFile.safeParse(recorded);
  return parsed.success && isAlive(parsed.data.pid) ? parsed.data : undefined;
}

/**
 * The environment with a kept local stack filled in, when the environment names no Temporal
 * server and no stores of its own: set any of them and the stack file is not read.
 */
export function withKeptStack(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; stack?: StackConnection } {
  const configured = ['TEMPORAL_ADDRESS', 'TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'REELSCOPE_S3_ENDPOINT', 'REELSCOPE_DYNAMODB_ENDPOINT'].some((name) => env[name]);
  if (configured || env['REELSCOPE_BACKEND'] === 'aws') return { env };
  const stack = readStackConnection(demoDataDir(env));
  return stack ? { env: { ...stack.env, ...env }, stack } : { env };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
