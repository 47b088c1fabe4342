import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { Context } from 'aws-lambda';
import { handle, type APIGatewayProxyResult, type LambdaEvent } from 'hono/aws-lambda';
import pino from 'pino';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { keepApiKeyFresh, loadTemporalSettings, type ApiKeyRefresh } from '../common/temporal-connection';
import { loadStarterConfig } from '../starter/config';
import { buildApiDeps } from './api-deps';
import { createApp } from './app';
import { loadApiConfig } from './config';

// Module scope lives as long as the Lambda container: a bad variable fails the cold start with
// a message naming it, and the app, its AWS clients and its Temporal connection are reused.
const config = loadApiConfig();
const starter = loadStarterConfig();
// Lambda captures stdout line by line into the function's log group; pino writes JSON lines.
const logger = pino({ level: config.logLevel, base: { service: 'reelscope-api' } });

/** Where the CDK bundle puts the built portal (infra/lib/api-function.ts); absent when run from source. */
const PORTAL_DIR = join(__dirname, 'portal');
const portal = existsSync(join(PORTAL_DIR, 'index.html')) ? { assetsDir: PORTAL_DIR } : undefined;

type ServeRequest = ReturnType<typeof handle>;
/** API Gateway HTTP API payload format 2.0, as the adapter types it. */
export type HttpApiEvent = Extract<LambdaEvent, { routeKey: string }>;
let served: Promise<ServeRequest> | undefined;

function servedApp(): Promise<ServeRequest> {
  served ??= (async () => {
    const readSecret = secretsManagerReader();
    const settings = await loadTemporalSettings(process.env, readSecret);
    // Lazy: health, docs and refused tokens never wait on Temporal; the first route that needs
    // it connects, and the connection then lives as long as the container.
    const connection = Connection.lazy(settings.connectionOptions);
    // A warm container outlives a key rotation: re-read on schedule, and at once on Unauthenticated.
    const apiKeys = keepApiKeyFresh(settings, readSecret, [connection], {
      onRotated: (secretId) => logger.info({ secretId }, 'Temporal API key rotated'),
      onError: (err) => logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'Temporal API key refresh failed; the current key stays'),
    });
    const temporal = new Client({
      connection,
      namespace: settings.namespace,
      dataConverter: settings.dataConverter,
      interceptors: { workflow: [retryOnceWithFreshKey(apiKeys)] },
    });
    const { deps } = buildApiDeps({ config, starter, logger, temporal });
    logger.info({ address: settings.connectionOptions.address, namespace: settings.namespace }, 'api ready');
    return handle(createApp({ ...deps, ...(portal ? { portal } : {}) }));
  })().catch((err: unknown) => {
    // The next invocation tries again instead of keeping a failed start for the container's life.
    served = undefined;
    throw err;
  });
  return served;
}

/**
 * Each Temporal call, retried once with a re-read key when Temporal answers Unauthenticated.
 * Per call rather than per request: an HTTP request cannot be replayed (its body is read), and
 * an Unauthenticated call was refused before it did anything, so repeating it is safe.
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

/**
 * Lambda entry behind the API Gateway HTTP API (payload format 2.0). API Gateway's JWT
 * authorizer already refused bad tokens on /v1; the app verifies every token again itself, so
 * no route depends on the gateway being configured right.
 */
export async function handler(event: HttpApiEvent, context: Context): Promise<APIGatewayProxyResult> {
  const serve = await servedApp();
  return serve(event, context);
}
