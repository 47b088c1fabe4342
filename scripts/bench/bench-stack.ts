import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../local/local-stack';
import { startFakeAws, type FakeAws } from '../../test/support/fake-aws';

export interface BenchStack {
  /** Scratch directory for media, bundles and the stores' files; removed by stop(). */
  dataDir: string;
  stack: LocalStack;
  fake: FakeAws;
  stop(): Promise<void>;
}

/**
 * A throwaway local stack (dev server, s3rver, dynalite) with the fake AWS beside it, for
 * one benchmark run. The stack's settings go into process.env, where the test harness's
 * workers and clients read them.
 */
export async function startBenchStack(name: string): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `reelscope-${name}-`));
  const stack = await startLocalStack({
    dataDir,
    bucket: `reelscope-${name}`,
    tables: { records: `reelscope-${name}-media`, failures: `reelscope-${name}-failures` },
    persistent: false,
  });
  Object.assign(process.env, stack.env);
  const fake = await startFakeAws({ s3Endpoint: stack.s3Endpoint });
  return {
    dataDir,
    stack,
    fake,
    async stop() {
      await fake.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a benchmark's entry point; an error is printed and the process exits non-zero. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
