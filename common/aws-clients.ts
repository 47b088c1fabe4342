import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { TranscribeClient } from '@aws-sdk/client-transcribe';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClientSettings {
  region: string;
  s3Endpoint?: string;
  dynamoDbEndpoint?: string;
  rekognitionEndpoint?: string;
  transcribeEndpoint?: string;
  bedrockEndpoint?: string;
  bedrockRegion?: string;
  eventBridgeEndpoint?: string;
}

/**
 * The SDK clients, created once per process. With endpoint overrides they speak to local
 * servers (s3rver, dynalite, the tests' fake AWS) over HTTP exactly as to AWS.
 *
 * Who retries what: Temporal retries whole activities. The SDK retries single calls only
 * where a call is cheap to repeat and a whole-activity retry would waste work: storage calls
 * get 2 attempts, Rekognition and Transcribe calls 4 (throttling is routine there; Start*
 * calls are idempotent by token or job name, and a failed poll is skipped, not fatal).
 * Bedrock gets 1: the report writer backs off on throttling itself, with jitter. EventBridge
 * gets 3: PutEvents may then publish an event twice, which its id lets consumers drop.
 */
export function createAwsClients(settings: AwsClientSettings) {
  const local = [settings.s3Endpoint, settings.dynamoDbEndpoint, settings.rekognitionEndpoint, settings.transcribeEndpoint, settings.bedrockEndpoint, settings.eventBridgeEndpoint].some(Boolean);
  // Local servers accept any key; AWS credentials come from the default provider chain.
  const credentials = local ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } : undefined;
  const common = (endpoint: string | undefined, maxAttempts: number) => ({
    region: settings.region,
    maxAttempts,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const s3 = new S3Client({
    ...common(settings.s3Endpoint, 2),
    // s3rver predates flexible checksums: streamed aws-chunked bodies with checksum trailers
    // would be stored with their framing, so checksums are sent only where S3 requires them.
    ...(settings.s3Endpoint
      ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
  // Presigned upload URLs must carry no flexible checksum: the signer sees no body, so the SDK's
  // default (WHEN_SUPPORTED) signs the CRC32 of an empty one and S3 refuses every real body
  // (aws-sdk-js-v3#6994). The worker's own uploads keep the default on `s3`.
  const s3Presigner = new S3Client({
    ...common(settings.s3Endpoint, 2),
    ...(settings.s3Endpoint ? { forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamoDb = new DynamoDBClient(common(settings.dynamoDbEndpoint, 2));
  const doc = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const rekognition = new RekognitionClient(common(settings.rekognitionEndpoint, 4));
  const transcribe = new TranscribeClient(common(settings.transcribeEndpoint, 4));
  const bedrock = new BedrockRuntimeClient({
    ...common(settings.bedrockEndpoint, 1),
    region: settings.bedrockRegion ?? settings.region,
  });
  const eventBridge = new EventBridgeClient(common(settings.eventBridgeEndpoint, 3));
  return {
    s3,
    s3Presigner,
    dynamoDb,
    doc,
    rekognition,
    transcribe,
    bedrock,
    eventBridge,
    destroy() {
      for (const client of [s3, s3Presigner, dynamoDb, rekognition, transcribe, bedrock, eventBridge]) client.destroy();
    },
  };
}

export type AwsClients = ReturnType<typeof createAwsClients>;
