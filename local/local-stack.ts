import { join } from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { startCodecServer } from '../codec/codec-server';
import { createAwsClients } from '../common/aws-clients';
import { freePort } from './free-port';
import { startMetadataStoreServer } from './metadata-store-server';
import { startObjectStoreServer } from './object-store-server';
import { ensureRecordTables } from './record-tables';
import { startTemporalDevServer } from './temporal-dev-server';

export interface LocalStackOptions {
  /** Root of everything the stack keeps: objects, tables, Temporal's SQLite file. */
  dataDir: string;
  bucket: string;
  /** `uploads` (the API's upload sessions) defaults to `reelscope-uploads`. */
  tables: { records: string; failures: string; uploads?: string };
  /** Keep Temporal history on disk and serve the Web UI (demo), or run in memory headless (tests). */
  persistent: boolean;
  ports?: { temporal?: number; ui?: number; s3?: number; dynamoDb?: number };
  /** With the Web UI on: serve this codec to it, so encrypted payloads show decrypted. */
  uiCodec?: PayloadCodec;
  /** Origins of the portal pages that use the bucket through presigned URLs; none, no CORS. */
  browserOrigins?: string[];
}

export interface LocalStack {
  temporalAddress: string;
  uiUrl?: string;
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  /** Environment a worker or starter needs to reach this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The embedded default: the Temporal dev server, s3rver and dynalite on loopback, with the
 * bucket and tables created. Stopping it stops all three.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ports = {
    temporal: options.ports?.temporal ?? (await freePort()),
    ui: options.persistent ? (options.ports?.ui ?? (await freePort())) : undefined,
    s3: options.ports?.s3 ?? (await freePort()),
    dynamoDb: options.ports?.dynamoDb ?? (await freePort()),
  };
  const tables = { ...options.tables, uploads: options.tables.uploads ?? 'reelscope-uploads' };
  const started: { stop(): Promise<void> }[] = [];
  try {
    const objects = await startObjectStoreServer({
      directory: join(options.dataDir, 's3'),
      port: ports.s3,
      buckets: [options.bucket],
      ...(options.browserOrigins ? { corsOrigins: options.browserOrigins } : {}),
    });
    started.push(objects);
    const metadata = await startMetadataStoreServer({ directory: join(options.dataDir, 'dynamodb'), port: ports.dynamoDb });
    started.push(metadata);
    const { dynamoDb } = createAwsClients({ region: 'us-east-1', dynamoDbEndpoint: metadata.endpoint });
    await ensureRecordTables(dynamoDb, tables);
    dynamoDb.destroy();
    const codecServer =
      ports.ui && options.uiCodec
        ? await startCodecServer({
            codec: options.uiCodec,
            port: await freePort(),
            allowedOrigins: [`http://localhost:${ports.ui}`, `http://127.0.0.1:${ports.ui}`],
            // No token: `temporal server start-dev` takes only --ui-codec-endpoint, and its UI has
            // no login whose access token it could pass on. Loopback, local names and the UI's
            // origin are what keep other machines and other pages out.
            loopbackDevelopment: true,
          })
        : undefined;
    if (codecServer) started.push({ stop: () => codecServer.close() });
    const temporal = await startTemporalDevServer({
      port: ports.temporal,
      uiPort: ports.ui,
      uiCodecEndpoint: codecServer?.url,
      dbFile: options.persistent ? join(options.dataDir, 'temporal.sqlite') : undefined,
    });
    started.push(temporal);
    return {
      temporalAddress: temporal.address,
      uiUrl: temporal.uiUrl,
      s3Endpoint: objects.endpoint,
      dynamoDbEndpoint: metadata.endpoint,
      env: {
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: 'default',
        REELSCOPE_BUCKET: options.bucket,
        REELSCOPE_RECORDS_TABLE: options.tables.records,
        REELSCOPE_FAILURES_TABLE: options.tables.failures,
        REELSCOPE_UPLOADS_TABLE: tables.uploads,
        REELSCOPE_S3_ENDPOINT: objects.endpoint,
        REELSCOPE_DYNAMODB_ENDPOINT: metadata.endpoint,
        AWS_REGION: 'us-east-1',
      },
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function stopAll(servers: { stop(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled([...servers].reverse().map((s) => s.stop()));
}
