import { rateFor, type FakeAwsConfig } from './config';
import type { FakeAwsCounters } from './counters';
import { SERVER_ERROR_CODE, THROTTLING_CODE, wireError, type AwsWireError } from './errors';
import { seededRandom } from './random';
import type { FakeService } from './services';

/**
 * Decides, before a request reaches its service, whether the fake answers with a fault:
 * scripted errors first (deterministic), then seeded random throttling and 5xx.
 */
export class FaultInjector {
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = seededRandom(seed);
  }

  /** The fault to answer this request with, if any; counted on the way. */
  pick(config: FakeAwsConfig, counters: FakeAwsCounters, service: FakeService, operation: string): AwsWireError | undefined {
    const scripted = config.nextErrors[operation]?.length ? config.nextErrors[operation] : config.nextErrors[service];
    const code = scripted?.shift();
    if (code) {
      counters.recordError('scripted', operation);
      return wireError(service, code);
    }
    const throttle = rateFor(config.throttleRate, service);
    const roll = this.random();
    if (roll < throttle) {
      counters.recordError('throttling', operation);
      return wireError(service, THROTTLING_CODE[service]);
    }
    if (roll < throttle + rateFor(config.serverErrorRate, service)) {
      counters.recordError('server', operation);
      return wireError(service, SERVER_ERROR_CODE[service]);
    }
    return undefined;
  }

  reset(): void {
    this.random = seededRandom(this.seed);
  }
}
