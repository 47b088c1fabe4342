import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { lambdaTemporalClient } from '../common/lambda-temporal-client';
import { loadIntakeConfig } from '../intake/config';
import { handleLambdaEvent, type StarterResult } from './lambda-event';
import { powertoolsStarterLog } from './starter-log';

// Module scope lives as long as the Lambda container: config is validated once (a bad
// variable fails the cold start with a readable error) and the connection is reused.
const logger = new Logger({ serviceName: 'reelscope-starter' });
const config = loadIntakeConfig();
const temporalClient = lambdaTemporalClient(logger);

/** Lambda entry: EventBridge "Object Created", S3 notifications, or SQS batches of either. */
export async function handler(event: unknown, context?: Context): Promise<StarterResult> {
  if (context) logger.addContext(context);
  try {
    const temporal = await temporalClient();
    // Starts are idempotent (workflow id from the media), so a retried batch starts nothing twice.
    return await temporal.apiKeys.retryUnauthenticated(() => handleLambdaEvent(event, temporal.client, config, powertoolsStarterLog(logger)));
  } finally {
    logger.resetKeys();
  }
}
