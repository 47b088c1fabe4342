import { z } from 'zod';
import { commaList, parseEnv } from '../common/env-schema';
import { createAwsClients } from '../common/aws-clients';
import { startMetadataStoreServer } from './metadata-store-server';
import { startObjectStoreServer } from './object-store-server';
import { ensureRecordTables } from './record-tables';

/**
 * s3rver and dynalite as one long-running service, with the bucket and tables created: the
 * `stores` service of docker-compose.yml, standing in for S3 and DynamoDB on a self-hosted box.
 * Loopback unless told otherwise: docker-compose.yml sets a container-wide host itself.
 */
const storesEnv = z.object({
  REELSCOPE_STORES_DIR: z.string().min(1).default('/data'),
  REELSCOPE_STORES_HOST: z.string().min(1).max(253).default('127.0.0.1'),
  /** Comma-separated origins of portal pages allowed to use the bucket from a browser; unset, none. */
  REELSCOPE_STORES_CORS_ORIGINS: z.string().max(2048).pipe(commaList).optional(),
  REELSCOPE_S3_PORT: z.coerce.number().int().min(1).max(65535).default(4569),
  REELSCOPE_DYNAMODB_PORT: z.coerce.number().int().min(1).max(65535).default(4567),
  REELSCOPE_BUCKET: z.string().min(3).default('reelscope-media'),
  REELSCOPE_RECORDS_TABLE: z.string().min(3).default('reelscope-media'),
  REELSCOPE_FAILURES_TABLE: z.string().min(3).default('reelscope-failures'),
});

async function main(): Promise<void> {
  const env = parseEnv(storesEnv, process.env, 'stores');
  const host = env.REELSCOPE_STORES_HOST;
  const objects = await startObjectStoreServer({ directory: `${env.REELSCOPE_STORES_DIR}/s3`, port: env.REELSCOPE_S3_PORT, buckets: [env.REELSCOPE_BUCKET], host, corsOrigins: env.REELSCOPE_STORES_CORS_ORIGINS ?? [] });
  const metadata = await startMetadataStoreServer({ directory: `${env.REELSCOPE_STORES_DIR}/dynamodb`, port: env.REELSCOPE_DYNAMODB_PORT, host });
  const { dynamoDb } = createAwsClients({ region: process.env['AWS_REGION'] ?? 'us-east-1', dynamoDbEndpoint: `http://127.0.0.1:${env.REELSCOPE_DYNAMODB_PORT}` });
  await ensureRecordTables(dynamoDb, { records: env.REELSCOPE_RECORDS_TABLE, failures: env.REELSCOPE_FAILURES_TABLE });
  dynamoDb.destroy();
  console.log(JSON.stringify({ msg: 'stores ready', s3: objects.endpoint, dynamoDb: metadata.endpoint, bucket: env.REELSCOPE_BUCKET }));
  const stop = async () => {
    await objects.stop();
    await metadata.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error('stores failed:', err);
  process.exit(1);
});
