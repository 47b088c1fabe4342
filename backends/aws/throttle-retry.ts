import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Bedrock's "try again shortly" answers: the account's tokens/requests per minute are spent
 * (ThrottlingException, 429), the service sheds load (ServiceUnavailableException, 503), or
 * an on-demand model is still warming up (ModelNotReadyException, 429). Every other error
 * (ValidationException, AccessDeniedException, ResourceNotFoundException, a 500, ...) is left
 * to the activity layer, which maps it once for Temporal.
 */
const RETRIED_HERE = new Set(['ThrottlingException', 'ServiceUnavailableException', 'ModelNotReadyException']);

export interface ThrottleRetryOptions {
  /** Retries after the first attempt; 0 means the first throttle propagates. */
  maxRetries: number;
  baseMs: number;
  capMs: number;
  signal?: AbortSignal;
  /** Injected by tests that need a fixed delay; Math.random otherwise. */
  random?: () => number;
  /** Which errors are worth waiting out; Bedrock's throttling answers (`isThrottling`) unless given. */
  isRetryable?: (err: unknown) => boolean;
}

/** True for the errors that clear up by waiting a little (see RETRIED_HERE). */
export function isThrottling(err: unknown): boolean {
  return err instanceof Error && RETRIED_HERE.has(err.name);
}

/**
 * Runs `call`, retrying throttling answers with full-jitter capped exponential backoff:
 * the wait before retry n is uniform in [0, min(cap, base * 2^n)), so reports that were
 * throttled together do not come back together. Sleeps end early when `signal` aborts.
 * Past `maxRetries` the error propagates and Temporal's activity retry takes over, with
 * its own (longer) backoff: the layers split the work instead of multiplying it.
 */
export async function retryThrottled<T>(call: () => Promise<T>, options: ThrottleRetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const isRetryable = options.isRetryable ?? isThrottling;
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await call();
    } catch (err) {
      if (attempt >= options.maxRetries || !isRetryable(err) || options.signal?.aborted) throw err;
      const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
      await sleep(Math.floor(random() * ceiling), undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}
