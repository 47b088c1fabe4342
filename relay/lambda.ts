import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaTemporalClient } from '../common/lambda-temporal-client';
import { relayNotification, temporalWaitCompleter } from './completion-relay';

const logger = new Logger({ serviceName: 'reelscope-completion-relay' });
const temporalClient = lambdaTemporalClient(logger);

/**
 * Lambda entry: an SQS batch of job notifications (Rekognition's SNS messages, Transcribe's
 * EventBridge events). Each message is relayed on its own; those that failed (Temporal
 * unreachable) are reported back, so only they are redelivered and, after the queue's
 * receive limit, end in its dead-letter queue.
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  if (context) logger.addContext(context);
  try {
    const temporal = await temporalClient();
    const complete = temporalWaitCompleter(temporal.client);
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const outcome = await temporal.apiKeys.retryUnauthenticated(() => relayNotification(record.body, complete));
        // Addresses are workflow and activity ids, never the media's location.
        logger.info('notification relayed', { messageId: record.messageId, ...outcome });
      } catch (err) {
        logger.warn('notification not relayed; the queue delivers it again', { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  } finally {
    logger.resetKeys();
  }
}
