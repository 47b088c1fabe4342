#!/usr/bin/env node
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createJwtVerifier } from '../auth/jwt-verifier';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { loadTemporalSettings } from '../common/temporal-connection';
import { loadStarterConfig } from '../starter/config';
import { MediaRecords } from '../storage/media-records';
import { ObjectStore } from '../storage/object-store';
import { UploadSessions } from '../storage/upload-sessions';
import { UploadUrls } from '../storage/upload-urls';
// The one place the s3rver/dynalite client quirks live; shared with the CLI in the same way.
import { createAwsClients } from '../worker/aws-clients';
import { createApp } from './app';
import { loadApiConfig } from './config';

/** Serves the API locally (and in a container) with @hono/node-server. */
async function main(): Promise<void> {
  const config = loadApiConfig();
  const starter = loadStarterConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'reelscope-api' } });
  const { connectionOptions, namespace, dataConverter } = await loadTemporalSettings(process.env, secretsManagerReader());
  const connection = await Connection.connect(connectionOptions);
  const clients = createAwsClients(config.aws);
  const app = createApp({
    config,
    starter,
    verify: createJwtVerifier(config.auth),
    temporal: new Client({ connection, namespace, dataConverter }),
    sessions: new UploadSessions(clients.doc, config.tables.uploads),
    urls: new UploadUrls(clients.s3),
    records: new MediaRecords(clients.doc, config.tables),
    store: new ObjectStore(clients.s3, config.bucket),
    logger,
  });
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info({ url: `http://${config.host}:${info.port}`, docs: `http://${config.host}:${info.port}/docs` }, 'api listening');
  });
  const stop = () => {
    logger.info('api stopping');
    server.close(() => {
      void connection.close().finally(() => {
        clients.destroy();
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
