import { Trigger } from '@temporalio/workflow';
import type { PermitOptions, QuotaPermits } from './quota-permits';

/**
 * One quota request for all of a media's jobs under that quota, instead of one per job: one
 * request, one grant and one release per media and quota, whatever the number of analyses.
 * The permit holds as many slots as there are jobs and is released when the last of them is
 * done, so a media's finished jobs keep their slots until its slowest one ends: the price of
 * a fraction of the signals.
 */
export class SharedPermit {
  private readonly granted = new Trigger<void>();
  private readonly allDone = new Trigger<void>();
  private remaining: number;

  /** `users`: the analyses that will each run once under it; it is released after the last. */
  constructor(permits: QuotaPermits, options: PermitOptions & { permits: number }, users: number) {
    this.remaining = users;
    permits
      .withPermit(options, async () => {
        this.granted.resolve();
        await this.allDone;
      })
      // A wait that timed out or was cancelled ends every analysis waiting on it the same way.
      .catch((err: unknown) => this.granted.reject(err));
  }

  /** Runs `body` once the permit is held; the last analysis to finish releases it. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    try {
      await this.granted;
      return await body();
    } finally {
      this.remaining -= 1;
      if (this.remaining === 0) this.allDone.resolve();
    }
  }
}
