import { Logger } from '@aws-lambda-powertools/logger';
import { Client, Connection } from '@temporalio/client';
import type { Context } from 'aws-lambda';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { keepApiKeyFresh, loadTemporalSettings, type ApiKeyRefresh } from '../common/temporal-connection';
import { loadIntakeConfig } from '../intake/config';
import { handleLambdaEvent, type StarterResult } from './lambda-event';
import { powertoolsStarterLog } from './starter-log';

// Module scope lives as long as the Lambda container: config is validated once (a bad
// variable fails the cold start with a readable error) and the connection is reused.
const logger = new Logger({ serviceName: 'reelscope-starter' });
const config = loadIntakeConfig();
let client: Promise<{ client: Client; apiKeys: ApiKeyRefresh }> | undefined;

function temporalClient(): Promise<{ client: Client; apiKeys: ApiKeyRefresh }> {
  client ??= (async () => {
    const readSecret = secretsManagerReader();
    const settings = await loadTemporalSettings(process.env, readSecret);
    const { connectionOptions, namespace, dataConverter } = settings;
    const connection = await Connection.connect(connectionOptions);
    logger.info('connected to Temporal', { address: connectionOptions.address, namespace });
    // A warm container outlives a key rotation: re-read on schedule, and at once on Unauthenticated.
    const apiKeys = keepApiKeyFresh(settings, readSecret, [connection], {
      onError: (err) => logger.warn('Temporal API key refresh failed; the current key stays', { error: err instanceof Error ? err.message : String(err) }),
    });
    return { client: new Client({ connection, namespace, dataConverter }), apiKeys };
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
    const temporal = await temporalClient();
    // Starts are idempotent (workflow id from the media), so a retried batch starts nothing twice.
    return await temporal.apiKeys.retryUnauthenticated(() => handleLambdaEvent(event, temporal.client, config, powertoolsStarterLog(logger)));
  } finally {
    logger.resetKeys();
  }
}
