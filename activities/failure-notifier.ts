import type { FailureInfo } from '../common/types';

/** Tells people a media failed: SNS on AWS, a structured error log line locally. */
export interface FailureNotifier {
  notify(mediaId: string, tenant: string, failure: FailureInfo): Promise<void>;
}

/** Local notifier: the failure as one error log line with every field, for log-based alerting. */
export function logFailureNotifier(log: { error(message: string, meta?: Record<string, unknown>): void }): FailureNotifier {
  return {
    async notify(mediaId, tenant, failure) {
      log.error('media analysis failed', { mediaId, tenant, ...failure });
    },
  };
}
