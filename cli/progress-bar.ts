import { SingleBar } from 'cli-progress';
import type { Progress } from '../common/types';

/**
 * Follows the workflow's `progress` query until stopped: a live bar in a terminal, one line
 * per change of stage otherwise (CI logs, pipes).
 */
export function followProgress(query: () => Promise<Progress>, print: (line: string) => void, interactive: boolean): { stop(): Promise<void> } {
  const bar = interactive
    ? new SingleBar({ format: '{bar} {percentage}% | {status} | {branches}', hideCursor: true, clearOnComplete: false, barsize: 30 })
    : undefined;
  bar?.start(100, 0, { status: 'RECEIVED', branches: '' });
  let lastStatus = '';
  let active = true;
  const show = async (): Promise<void> => {
    try {
      const progress = await query();
      const branches = Object.entries(progress.branches)
        .map(([kind, state]) => `${kind}:${state}`)
        .join(' ');
      bar?.update(progress.percent, { status: progress.status, branches });
      if (!bar && progress.status !== lastStatus) print(`${String(progress.percent).padStart(3)}% ${progress.status}`);
      lastStatus = progress.status;
    } catch {
      // The first query can race the workflow's first task; the next poll answers.
    }
  };
  const loop = (async () => {
    while (active) {
      await show();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    /** Shows the final state too: the workflow can finish between two polls. */
    async stop() {
      active = false;
      await loop;
      await show();
      bar?.stop();
    },
  };
}
