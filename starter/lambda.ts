import { Logger } from '@aws-lambda-powertools/logger';
import { Client, Connection } from '@temporalio/client';
import type { Context } from 'aws-lambda';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { loadTemporalSettings } from '../common/temporal-connection';
import { loadStarterConfig } from './config';
import { handleLambdaEvent, type StarterResult } from './lambda-event';
import { powertoolsStarterLog } from './starter-log';

// Module scope lives as long as the Lambda container: config is validated once (a bad
// variable fails the cold start with a readable error) and the connection is reused.
const logger = new Logger({ serviceName: 'reelscope-starter' });
const config = loadStarterConfig();
let client: Promise<Client> | undefined;

function temporalClient(): Promise<Client> {
  client ??= (async () => {
    const { connectionOptions, namespace, dataConverter } = await loadTemporalSettings(process.env, secretsManagerReader());
    const connection = await Connection.connect(connectionOptions);
    logger.info('connected to Temporal', { address: connectionOptions.address, namespace });
    return new Client({ connection, namespace, dataConverter });
  })().catch((err: unknown) => {
    // The next invocation tries again instead of reusing a failed connection for the container's life.
    client = undefined;
    throw err;
  });
  return client;
}

/** Lambda entry: EventBridge "Object Created", S3 notifications, or SQS batches of either. */
export async function handler(event: unknown, context?: Context): Promise<StarterResult> {
  if (context) logger.addContext(context);
  try {
    return await handleLambdaEvent(event, await temporalClient(), config, powertoolsStarterLog(logger));
  } finally {
    logger.resetKeys();
  }
}
