#!/usr/bin/env node
import { openCliContext, type CliContext } from './cli-context';
import { createProgram } from './program';

/** The `reelscope` binary: `npm run cli -- <command>`, or `reelscope <command>` once linked. */
async function main(): Promise<void> {
  let opened: Promise<CliContext & { close(): Promise<void> }> | undefined;
  const program = createProgram({
    context: () => (opened ??= openCliContext(process.env)),
    print: (text) => process.stdout.write(`${text}\n`),
    interactive: process.stdout.isTTY === true,
    env: process.env,
  });
  try {
    await program.parseAsync(process.argv);
  } finally {
    if (opened) await (await opened).close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reelscope: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
