import type { FailureInfo } from '../common/types';

/**
 * Tells people a media failed. The line it writes is the signal everywhere: on AWS a
 * CloudWatch metric filter turns it into an alarm on the operations SNS topic.
 */
export interface FailureNotifier {
  notify(mediaId: string, tenant: string, failure: FailureInfo): Promise<void>;
}

/**
 * The message of the failure line. The CDK app's alarm matches it in the worker's JSON logs
 * (`$.msg`), so it is a contract: change both or neither.
 */
export const FAILURE_LOG_MESSAGE = 'media analysis failed';

/** pino's calling convention (fields first), so the fields become JSON keys, not format args. */
export interface FailureLog {
  error(fields: Record<string, unknown>, message: string): void;
}

/** Local notifier: the failure as one error log line with every field, for log-based alerting. */
export function logFailureNotifier(log: FailureLog): FailureNotifier {
  return {
    async notify(mediaId, tenant, failure) {
      log.error({ mediaId, tenant, ...failure }, FAILURE_LOG_MESSAGE);
    },
  };
}
