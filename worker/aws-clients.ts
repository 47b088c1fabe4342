import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClientSettings {
  region: string;
  s3Endpoint?: string;
  dynamoDbEndpoint?: string;
}

/**
 * The SDK clients, created once per process. With endpoint overrides they speak to the
 * local S3 and DynamoDB servers over HTTP exactly as to AWS. Temporal owns retries of whole
 * activities, so the SDK's own retries are kept to 2 attempts to avoid multiplying them.
 */
export function createAwsClients(settings: AwsClientSettings) {
  const local = !!(settings.s3Endpoint || settings.dynamoDbEndpoint);
  // Local servers accept any key; AWS credentials come from the default provider chain.
  const credentials = local ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } : undefined;
  const s3 = new S3Client({
    region: settings.region,
    maxAttempts: 2,
    // s3rver predates flexible checksums: streamed aws-chunked bodies with checksum trailers
    // would be stored with their framing, so checksums are sent only where S3 requires them.
    ...(settings.s3Endpoint
      ? { endpoint: settings.s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    ...(credentials ? { credentials } : {}),
  });
  const dynamoDb = new DynamoDBClient({
    region: settings.region,
    maxAttempts: 2,
    ...(settings.dynamoDbEndpoint ? { endpoint: settings.dynamoDbEndpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const doc = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  return { s3, dynamoDb, doc };
}

export type AwsClients = ReturnType<typeof createAwsClients>;
