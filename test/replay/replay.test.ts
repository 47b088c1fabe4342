import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

const HISTORIES = join(__dirname, 'histories');
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

async function loadHistories() {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(await readFile(join(HISTORIES, file), 'utf8'))),
    })),
  );
}

async function replayAll(bundle: WorkflowBundle): Promise<{ workflowId: string; error?: unknown }[]> {
  const results: { workflowId: string; error?: unknown }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, await loadHistories())) {
    results.push(result);
  }
  return results;
}

describe('replay of recorded histories', () => {
  it('replays every stored history against the current workflow code', async () => {
    // Arrange
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });

    // Act
    const results = await replayAll(bundle);

    // Assert
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  it('fails on a deliberately nondeterministic change to the workflow', async () => {
    // Arrange: the same workflow with its first status write moved after probe.
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./nondeterministic-workflow'),
      logger: quietLogger,
    });

    // Act
    const results = await replayAll(bundle);

    // Assert
    expect(results.length).toBeGreaterThanOrEqual(2);
    for (const result of results) expect(result.error).toBeInstanceOf(DeterminismViolationError);
  });
});
