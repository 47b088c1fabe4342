import { createHash } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { matchesJob, type FakeAwsConfig } from './config';
import type { FakeJob } from './jobs';
import { seededRandom } from './random';
import type { JobFamily, JobService } from './services';

/** What became of a publication: handed over, dropped by a fault, given up on, or not (yet) handed over anywhere. */
export type NotificationFate = 'delivered' | 'lost' | 'dead-lettered' | 'undelivered';

/** One job-end notification the fake published, for tests and benches. */
export interface PublishedNotification {
  jobId: string;
  family: JobFamily;
  service: JobService;
  /** Rekognition publishes to the job's SNS topic; Transcribe emits an EventBridge event. */
  channel: 'sns' | 'eventbridge';
  /** Epoch ms when the service published it (the job's end), not when it was delivered. */
  publishedAt: number;
  /**
   * 'undelivered' while on its way or being redelivered, and for good when no notificationUrl
   * is set; 'dead-lettered' when any copy ran out of tries.
   */
  fate: NotificationFate;
  /** Copies the endpoint accepted (2xx): 2 for a duplicated one. */
  deliveries: number;
  /** POSTs tried, refused ones included. */
  attempts: number;
}

/** Builds the message body once the id is known. */
export type ComposeBody = (messageId: string) => string;

interface DeliveryPlan {
  lost: boolean;
  copies: number;
  delayMs: number;
}

// A reordered message is held this much longer, enough for one published a little later to overtake it.
const REORDER_HOLD_MS = { min: 250, max: 1000 };
const POST_TIMEOUT_MS = 5_000;

/**
 * Publishes each job's end notification from a timer set when the job starts, and delivers it
 * the way SQS hands messages to a Lambda: one POST per message body, redelivered with backoff
 * when refused, dead-lettered after the last try. Faults are decided when the job starts, from
 * the config of that moment and a generator of their own, so adding notifications does not
 * shift the sequence of request faults. Every timer is unref'd (the listening server keeps the
 * process alive while the fake is open) and cleared on reset and close.
 */
export class NotificationOutbox {
  private random: () => number;
  private sequence = 0;
  private log: PublishedNotification[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly jobTimers = new Map<FakeJob, NodeJS.Timeout>();
  private readonly requests = new Set<ClientRequest>();
  private outstanding = 0;
  private waiters: (() => void)[] = [];
  /** Bumped on reset and close: work of an earlier generation stops where it is. */
  private generation = 0;

  constructor(
    private readonly seed: number,
    private readonly config: () => FakeAwsConfig,
  ) {
    this.random = seededRandom(this.notificationSeed());
  }

  /** Schedules the notification of a job that will end; a stuck job never does, so it publishes nothing. */
  schedule(job: FakeJob, channel: PublishedNotification['channel'], compose: ComposeBody): void {
    if (job.outcome === 'stuck') return;
    const plan = this.plan(job);
    this.outstanding += 1;
    const timer = this.after(job.startedAt + job.durationMs - Date.now(), () => {
      this.jobTimers.delete(job);
      this.publish(job, channel, compose, plan);
    });
    this.jobTimers.set(job, timer);
  }

  /** A job deleted before its end publishes nothing. */
  cancel(job: FakeJob): void {
    const timer = this.jobTimers.get(job);
    if (!timer) return;
    this.forget(timer);
    this.jobTimers.delete(job);
    this.settle();
  }

  published(): PublishedNotification[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /** Resolves once every notification scheduled so far is published and done with (delivered, lost or dead-lettered). */
  settled(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops every timer and open POST and forgets the log; the fault sequence starts over. */
  reset(): void {
    this.stop();
    this.log = [];
    this.sequence = 0;
    this.random = seededRandom(this.notificationSeed());
  }

  close(): void {
    this.stop();
  }

  private plan(job: FakeJob): DeliveryPlan {
    const config = this.config();
    const rates = config.notificationFaultRates;
    // Every job draws the same number of rolls, so one job's rates never shift another's faults.
    const lose = this.random();
    const duplicate = this.random();
    const reorder = this.random();
    const hold = this.random();
    const held = reorder < (rates.reorder ?? 0) ? REORDER_HOLD_MS.min + hold * (REORDER_HOLD_MS.max - REORDER_HOLD_MS.min) : 0;
    return {
      lost: matchesJob(config.lostNotifications, job) || lose < (rates.lose ?? 0),
      copies: matchesJob(config.duplicatedNotifications, job) || duplicate < (rates.duplicate ?? 0) ? 2 : 1,
      delayMs: Math.max(0, config.notificationDelayMs(job)) + held,
    };
  }

  private publish(job: FakeJob, channel: PublishedNotification['channel'], compose: ComposeBody, plan: DeliveryPlan): void {
    this.sequence += 1;
    const body = compose(this.messageId());
    const entry: PublishedNotification = {
      jobId: job.id,
      family: job.family,
      service: job.service,
      channel,
      publishedAt: Date.now(),
      fate: plan.lost ? 'lost' : 'undelivered',
      deliveries: 0,
      attempts: 0,
    };
    this.log.push(entry);
    if (plan.lost) {
      this.settle();
      return;
    }
    const generation = this.generation;
    this.after(plan.delayMs, () => {
      void this.deliverCopies(entry, body, plan.copies, generation).finally(() => {
        if (generation === this.generation) this.settle();
      });
    });
  }

  /** Copies go one after the other, so a duplicate arrives after the original, as a redelivered SQS message does. */
  private async deliverCopies(entry: PublishedNotification, body: string, copies: number, generation: number): Promise<void> {
    const outcomes: NotificationFate[] = [];
    for (let copy = 0; copy < copies; copy++) outcomes.push(await this.deliver(entry, body, generation));
    if (generation !== this.generation) return;
    if (outcomes.includes('dead-lettered')) entry.fate = 'dead-lettered';
    else if (outcomes.includes('delivered')) entry.fate = 'delivered';
  }

  private async deliver(entry: PublishedNotification, body: string, generation: number): Promise<NotificationFate> {
    for (let attempt = 0; ; attempt++) {
      const url = this.config().notificationUrl;
      if (generation !== this.generation || !url) return 'undelivered';
      entry.attempts += 1;
      const accepted = await this.post(url, body);
      if (generation !== this.generation) return 'undelivered';
      if (accepted) {
        entry.deliveries += 1;
        return 'delivered';
      }
      const { retries, backoffMs } = this.config().notificationRedelivery;
      if (attempt >= retries) return 'dead-lettered';
      await new Promise<void>((resolve) => this.after(backoffMs * 2 ** attempt, resolve));
    }
  }

  /** True when the endpoint answered 2xx; false for any other status, a connection error or a timeout. */
  private post(url: string, body: string): Promise<boolean> {
    return new Promise((resolve) => {
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      let req: ClientRequest;
      try {
        // No keep-alive agent: an idle pooled socket would outlive the fake.
        req = send(url, {
          method: 'POST',
          agent: false,
          timeout: POST_TIMEOUT_MS,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        });
      } catch {
        resolve(false);
        return;
      }
      this.requests.add(req);
      const done = (ok: boolean) => {
        this.requests.delete(req);
        resolve(ok);
      };
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300));
        res.on('error', () => done(false));
      });
      req.on('timeout', () => req.destroy(new Error('notification POST timed out')));
      req.on('error', () => done(false));
      req.end(body);
    });
  }

  private after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, Math.max(0, ms));
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private forget(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private settle(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding === 0) this.releaseWaiters();
  }

  private stop(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.jobTimers.clear();
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.outstanding = 0;
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** A UUID-shaped id from the seed, so SNS MessageIds and event ids repeat run to run. */
  private messageId(): string {
    const hex = createHash('sha256').update(`${this.seed}:notification:${this.sequence}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  // Its own generator, apart from the request faults', derived from the same seed.
  private notificationSeed(): number {
    return (this.seed ^ 0x9e3779b9) >>> 0;
  }
}
