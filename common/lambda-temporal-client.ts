import type { Logger } from '@aws-lambda-powertools/logger';
import { Client, Connection } from '@temporalio/client';
import { secretsManagerReader } from './secrets-manager-reader';
import { keepApiKeyFresh, loadTemporalSettings, type ApiKeyRefresh } from './temporal-connection';

export interface LambdaTemporal {
  client: Client;
  apiKeys: ApiKeyRefresh;
}

/**
 * A Temporal client for a Lambda function, made on first use and kept for the container's
 * life: the connection is reused by warm invocations, its API key re-read on schedule (a warm
 * container outlives a key rotation), and a failed connect is retried by the next invocation
 * instead of being reused.
 */
export function lambdaTemporalClient(logger: Logger): () => Promise<LambdaTemporal> {
  let client: Promise<LambdaTemporal> | undefined;
  return () => {
    client ??= (async () => {
      const readSecret = secretsManagerReader();
      const settings = await loadTemporalSettings(process.env, readSecret);
      const { connectionOptions, namespace, dataConverter } = settings;
      const connection = await Connection.connect(connectionOptions);
      logger.info('connected to Temporal', { address: connectionOptions.address, namespace });
      const apiKeys = keepApiKeyFresh(settings, readSecret, [connection], {
        onError: (err) => logger.warn('Temporal API key refresh failed; the current key stays', { error: err instanceof Error ? err.message : String(err) }),
      });
      return { client: new Client({ connection, namespace, dataConverter }), apiKeys };
    })().catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    return client;
  };
}
