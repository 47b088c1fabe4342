/**
 * Token buckets, one per tenant, in this process's memory: the limit is per API process, so N
 * processes (Lambda instances, tasks) admit up to N times the rate in total. That bounds one
 * tenant's burst against a process; a limit shared across processes needs a shared store (or
 * API Gateway's usage plans) and is not this.
 */
export class TenantRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when admitted, otherwise the seconds until a token is due. */
  take(tenant: string): number {
    const now = this.now();
    const bucket = this.buckets.get(tenant) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(tenant, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}
