#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { loadTemporalSettings } from '../common/temporal-connection';
import { loadIntakeConfig } from '../intake/config';
import { buildApiDeps } from './api-deps';
import { createApp } from './app';
import { loadApiConfig } from './config';

/** Where `npm run build:portal` writes; `npm run api` builds it first. */
const PORTAL_DIR = join(__dirname, '..', 'portal', 'dist');

/** Serves the API locally (and in a container) with @hono/node-server. */
async function main(): Promise<void> {
  const config = loadApiConfig();
  const starter = loadIntakeConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'reelscope-api' } });
  const { connectionOptions, namespace, dataConverter } = await loadTemporalSettings(process.env, secretsManagerReader());
  const connection = await Connection.connect(connectionOptions);
  const { deps, destroy } = buildApiDeps({ config, starter, logger, temporal: new Client({ connection, namespace, dataConverter }) });
  const portal = existsSync(join(PORTAL_DIR, 'index.html')) ? { assetsDir: PORTAL_DIR } : undefined;
  if (!portal) logger.warn('no built portal: the API serves no web pages (npm run build:portal builds it)');
  const app = createApp({ ...deps, ...(portal ? { portal } : {}) });
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info({ url: `http://${config.host}:${info.port}`, docs: `http://${config.host}:${info.port}/docs`, portal: !!portal }, 'api listening');
  });
  const stop = () => {
    logger.info('api stopping');
    server.close(() => {
      void connection.close().finally(() => {
        destroy();
        process.exit(0);
      });
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`reelscope-api: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
