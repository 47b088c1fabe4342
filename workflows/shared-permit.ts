import { Trigger } from '@temporalio/workflow';
import type { PermitOptions, QuotaPermits } from './quota-permits';

/**
 * One quota request for all of a media's jobs under that quota, instead of one per job: one
 * request, one grant and one release per media and quota, whatever the number of analyses.
 * The permit holds a slot per job, or the quota's whole limit when the media has more jobs
 * than that, and then its analyses take turns within it. It is released when the last of them
 * is done, so a media's finished jobs keep their slots until its slowest one ends: the price
 * of a fraction of the signals.
 */
export class SharedPermit {
  private readonly granted = new Trigger<void>();
  private readonly allDone = new Trigger<void>();
  private remaining: number;
  private slots = 0;
  private running = 0;
  /** Analyses waiting for a slot, first come first served: each is handed the slot of one that ends. */
  private readonly turns: Trigger<void>[] = [];

  /** `users`: the analyses that will each run once under it; it is released after the last. */
  constructor(permits: QuotaPermits, options: PermitOptions & { permits: number }, users: number) {
    this.remaining = users;
    permits
      .withPermit(options, async (slots) => {
        this.slots = slots;
        this.granted.resolve();
        await this.allDone;
      })
      // A wait that timed out or was cancelled ends every analysis waiting on it the same way.
      .catch((err: unknown) => this.granted.reject(err));
  }

  /** Runs `body` once the permit is held and one of its slots is free; the last analysis to finish releases it. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    try {
      await this.granted;
      await this.takeSlot();
      try {
        return await body();
      } finally {
        this.passSlot();
      }
    } finally {
      this.remaining -= 1;
      if (this.remaining === 0) this.allDone.resolve();
    }
  }

  private async takeSlot(): Promise<void> {
    if (this.running < this.slots) {
      this.running += 1;
      return;
    }
    // Handed over, not re-checked: several waiters woken by one free slot would all take it.
    const turn = new Trigger<void>();
    this.turns.push(turn);
    await turn;
  }

  private passSlot(): void {
    const next = this.turns.shift();
    if (next) next.resolve();
    else this.running -= 1;
  }
}
