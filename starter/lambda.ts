import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import pino from 'pino';
import { loadStarterConfig } from './config';
import { handleS3Event, type HandledEvent } from './handle-s3-event';

const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'info', base: { service: 'reelscope-starter' } });
const config = loadStarterConfig();
let client: Promise<Client> | undefined;

/** One Temporal connection per Lambda container, reused across invocations. */
function temporalClient(): Promise<Client> {
  client ??= (async () => {
    const { connectionOptions, namespace } = loadClientConnectConfig();
    const connection = await Connection.connect(connectionOptions);
    return new Client({ connection, namespace });
  })().catch((err: unknown) => {
    client = undefined;
    throw err;
  });
  return client;
}

/** Lambda entry: EventBridge "Object Created" or S3 notification events. */
export async function handler(event: unknown): Promise<HandledEvent> {
  return handleS3Event(event, await temporalClient(), config, {
    info: (meta, message) => logger.info(meta, message),
    warn: (meta, message) => logger.warn(meta, message),
  });
}
