import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { CliOutput } from '../cli-context';

export interface ReplayOptions {
  /** A prebuilt workflow bundle (what the worker image runs); default: the workflows/ source. */
  bundle?: string;
}

export interface ReplayOutcome {
  workflowId: string;
  events: number;
  ok: boolean;
  error?: string;
}

/**
 * Replays one execution's history against the current workflow code: the check to run
 * before deploying a worker change. A nondeterministic change fails here instead of failing
 * the workflow tasks of every execution in flight. `target` is a history JSON file (Web UI
 * download, `temporal workflow show --output json`) or a workflow id fetched from the server.
 */
export async function replay(
  target: string,
  options: ReplayOptions,
  sources: { dataConverter: DataConverter; client: () => Promise<Client> },
  out: CliOutput,
): Promise<ReplayOutcome> {
  const fromFile = existsSync(target);
  let history: unknown;
  let workflowId: string;
  if (fromFile) {
    history = historyFromJSON(JSON.parse(await readFile(target, 'utf8')));
    workflowId = basename(target).replace(/\.json$/, '');
  } else {
    history = await (await sources.client()).workflow.getHandle(target).fetchHistory();
    workflowId = target;
  }
  const events = (history as { events?: unknown[] }).events?.length ?? 0;
  const replayOptions: ReplayWorkerOptions = {
    ...(options.bundle ? { workflowBundle: { codePath: options.bundle } } : { workflowsPath: require.resolve('../../workflows') }),
    // Encrypted histories decode with the same keys as the workers that wrote them.
    dataConverter: sources.dataConverter,
    replayName: 'reelscope-cli-replay',
  };
  try {
    await Worker.runReplayHistory(replayOptions, history, workflowId);
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (!out.json) out.print(`NOT compatible: ${workflowId} (${events} events) fails to replay on this code:\n  ${error}`);
    return { workflowId, events, ok: false, error };
  }
  if (!out.json) out.print(`compatible: ${workflowId} (${events} events) replays on this code`);
  return { workflowId, events, ok: true };
}
