import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { Context } from 'aws-lambda';
import { handle, type APIGatewayProxyResult, type LambdaEvent } from 'hono/aws-lambda';
import pino from 'pino';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { keepApiKeyFresh, loadTemporalSettings, type ApiKeyRefresh } from '../common/temporal-connection';
import { loadIntakeConfig } from '../intake/config';
import { buildApiDeps } from './api-deps';
import { createApp } from './app';
import { loadApiConfig } from './config';
import { deferredTemporalClient } from './deferred-temporal-client';

// Module scope lives as long as the Lambda container: a bad variable fails the cold start with
// a message naming it, and the app, its AWS clients and its Temporal connection are reused.
const config = loadApiConfig();
const starter = loadIntakeConfig();
// Lambda captures stdout line by line into the function's log group; pino writes JSON lines.
const logger = pino({ level: config.logLevel, base: { service: 'reelscope-api' } });

/** Where the CDK bundle puts the built portal (infra/lib/api-function.ts); absent when run from source. */
const PORTAL_DIR = join(__dirname, 'portal');
const portal = existsSync(join(PORTAL_DIR, 'index.html')) ? { assetsDir: PORTAL_DIR } : undefined;

const readSecret = secretsManagerReader();

/** API Gateway HTTP API payload format 2.0, as the adapter types it. */
export type HttpApiEvent = Extract<LambdaEvent, { routeKey: string }>;

/**
 * The Temporal client, made on the first Temporal call: its settings come from secrets that a
 * fresh deployment has not filled yet, and health, docs, the portal and record reads must work
 * meanwhile. A failed attempt answers that call 503 and the next call tries again.
 */
async function connectTemporal(): Promise<Client> {
  try {
    const settings = await loadTemporalSettings(process.env, readSecret);
    // The connection itself is lazy too: it is opened by the first call that uses it, then
    // lives as long as the container.
    const connection = Connection.lazy(settings.connectionOptions);
    // A warm container outlives a key rotation: re-read on schedule, and at once on Unauthenticated.
    const apiKeys = keepApiKeyFresh(settings, readSecret, [connection], {
      onRotated: (secretId) => logger.info({ secretId }, 'Temporal API key rotated'),
      onError: (err) => logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'Temporal API key refresh failed; the current key stays'),
    });
    logger.info({ address: settings.connectionOptions.address, namespace: settings.namespace }, 'Temporal settings loaded');
    return new Client({
      connection,
      namespace: settings.namespace,
      dataConverter: settings.dataConverter,
      interceptors: { workflow: [retryOnceWithFreshKey(apiKeys)] },
    });
  } catch (err) {
    logger.error({ err }, 'Temporal settings could not be loaded; Temporal routes answer 503 until they can');
    throw err;
  }
}

/**
 * The workflow client's own calls, each retried once with a re-read key when Temporal answers
 * Unauthenticated. Per call rather than per request: an HTTP request cannot be replayed (its
 * body is read), and an Unauthenticated call was refused before it did anything, so repeating
 * it is safe. Calls the handle makes on its own (fetchHistory, the polls for an update's
 * result) go through no interceptor: they fail on a revoked key, and the refresh on schedule
 * and the next intercepted call pick up the new one.
 */
function retryOnceWithFreshKey(apiKeys: ApiKeyRefresh): WorkflowClientInterceptor {
  return {
    start: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    startWithDetails: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    signal: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    signalWithStart: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    startUpdate: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    query: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    describe: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    cancel: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
    terminate: (input, next) => apiKeys.retryUnauthenticated(() => next(input)),
  };
}

const { deps } = buildApiDeps({ config, starter, logger, temporal: deferredTemporalClient(connectTemporal) });
const serve = handle(createApp({ ...deps, ...(portal ? { portal } : {}) }));

/**
 * Lambda entry behind the API Gateway HTTP API (payload format 2.0). API Gateway's JWT
 * authorizer already refused bad tokens on /v1; the app verifies every token again itself, so
 * no route depends on the gateway being configured right.
 */
export async function handler(event: HttpApiEvent, context: Context): Promise<APIGatewayProxyResult> {
  return serve(event, context);
}
