#!/usr/bin/env node
import { errorText } from '../common/error-text';
import { printable } from '../common/printable-text';
import { withKeptStack } from '../local/stack-connection';
import { openCliContext, type CliContext } from './cli-context';
import { createProgram } from './program';

/** The `reelscope` binary: `npm run cli -- <command>`, or `reelscope <command>` once linked. */
async function main(): Promise<void> {
  // With no Temporal server or stores configured, a stack kept by `npm run demo -- --keep-running`.
  const { env, stack } = withKeptStack(process.env);
  if (stack) process.stderr.write(`reelscope: using the local stack of npm run demo (pid ${stack.pid})\n`);
  let opened: Promise<CliContext & { close(): Promise<void> }> | undefined;
  const program = createProgram({
    context: () => (opened ??= openCliContext(env)),
    // Keys and names come from uploaders: no control or bidi character reaches the terminal raw.
    print: (text) => process.stdout.write(`${printable(text)}\n`),
    interactive: process.stdout.isTTY === true,
    env,
  });
  try {
    await program.parseAsync(process.argv);
  } finally {
    if (opened) await (await opened).close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reelscope: ${printable(errorText(err))}\n`);
  process.exit(1);
});
