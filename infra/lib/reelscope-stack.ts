import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { z } from 'zod';
import { RESULTS_PREFIX } from '../../common/s3-uri';
import { storeEnvShape } from '../../common/store-env';
import { ApiFunction } from './api-function';
import { TENANT_CLAIM } from '../functions/pre-token-generation';
import { ApiUsers, PORTAL_SCOPES } from './api-users';
import { CompletionEvents } from './completion-events';
import { CompletionRelay } from './completion-relay';
import type { InfraConfig } from './infra-config';
import { MediaBucket } from './media-bucket';
import { MediaHttpApi } from './media-http-api';
import { Network } from './network';
import { OperationsAlarms } from './operations-alarms';
import { RecordTables } from './record-tables';
import { StarterFunction } from './starter-function';
import { TemporalSecrets } from './temporal-secrets';
import { UploadSessionsTable } from './upload-sessions-table';
import { grantWorkerAccess } from './worker-permissions';
import { WorkerService } from './worker-service';

/** Where the worker archives originals by default: the prefix the media bucket's archive-processed lifecycle rule moves to infrequent access. */
const ARCHIVE_PREFIX = 'processed/';

/**
 * reelscope on AWS: uploads to incoming/ trigger the starter through EventBridge, the
 * starter starts one workflow per object on Temporal (Cloud or self-hosted), and Fargate
 * workers run it against S3, DynamoDB, Rekognition, Transcribe and Bedrock.
 *
 * One task queue and one worker service. The Step Functions seeds sized probe at 1 vCPU/2 GB,
 * reduce at 2 vCPU/4 GB and report at 1 vCPU/2 GB because each state was its own container.
 * Here those steps are seconds of CPU between minutes of polling: probe reads headers over a
 * presigned URL, the analyses wait on Rekognition and Transcribe, and the report waits on
 * Bedrock, so one task size (2 vCPU/4 GB by default) runs them all, and queues per resource
 * class would add a second service to scale, deploy and watch for no saving. Split a queue
 * out when one class of activity starves the others (e.g. local ffmpeg analyses at volume).
 *
 * The media API is one Lambda behind an HTTP API: Cognito signs users in (hosted UI), the
 * gateway checks their JWT on /v1 and the app checks it again; uploads go from the browser
 * straight to presigned S3 URLs. When a media is done the worker publishes to the stack's
 * EventBridge bus and calls the tenant's webhook.
 */
export class ReelscopeStack extends Stack {
  constructor(scope: Construct, id: string, config: InfraConfig, props: StackProps = {}) {
    super(scope, id, { description: 'reelscope: durable media analysis on Temporal', ...props });
    const { temporal } = config;

    const network = new Network(this, 'Network', { cidr: config.vpcCidr });
    const media = new MediaBucket(this, 'MediaBucket');
    const tables = new RecordTables(this, 'Tables');
    const secrets = new TemporalSecrets(this, 'Secrets', {
      cloudCredential: temporal.mode === 'cloud',
      payloadEncryption: config.payloadEncryption,
      existing: { credentialArn: temporal.mode === 'cloud' ? temporal.credentialSecretArn : undefined, payloadKeysArn: config.payloadKeysSecretArn },
    });
    const temporalEnvironment = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace };
    const completions = new CompletionEvents(this, 'Completions', { busName: config.eventBusName });
    // The API refuses up front what the worker's probe would reject: both read one setting.
    const acceptedKinds = config.workerEnvironment['REELSCOPE_ACCEPTED_KINDS'] ?? storeEnvShape.REELSCOPE_ACCEPTED_KINDS.parse(undefined).join(',');
    // The worker archives originals after COMPLETED unless told not to; its grant follows the same settings.
    const archiving = z.stringbool().parse(config.workerEnvironment['REELSCOPE_ARCHIVE_ORIGINALS'] ?? 'true');
    const archivePrefix = config.workerEnvironment['REELSCOPE_ARCHIVE_PREFIX'] ?? ARCHIVE_PREFIX;

    const starter = new StarterFunction(this, 'Starter', {
      bucket: media.bucket,
      incomingPrefix: config.incomingPrefix,
      suffixes: config.suffixes,
      minSizeBytes: config.minSizeBytes,
      taskQueue: config.taskQueue,
      temporalEnvironment,
      secrets,
      extraEnvironment: config.starterEnvironment,
      ...(temporal.mode === 'self-hosted' ? { vpc: network.vpc } : {}),
    });

    // Rekognition and Transcribe say when a job ends; the relay wakes the analysis waiting for it.
    const relay = new CompletionRelay(this, 'CompletionRelay', {
      temporalEnvironment,
      secrets,
      ...(temporal.mode === 'self-hosted' ? { vpc: network.vpc } : {}),
    });

    const workers = new WorkerService(this, 'Workers', {
      vpc: network.vpc,
      worker: config.worker,
      temporalPort: Number(temporal.address.split(':').pop()),
      environment: {
        ...temporalEnvironment,
        ...secrets.environment(),
        REELSCOPE_BACKEND: 'aws',
        REELSCOPE_TASK_QUEUE: config.taskQueue,
        REELSCOPE_BUCKET: media.bucket.bucketName,
        REELSCOPE_RECORDS_TABLE: tables.records.tableName,
        REELSCOPE_FAILURES_TABLE: tables.failures.tableName,
        REELSCOPE_BEDROCK_MODEL_ID: config.bedrockModelId,
        REELSCOPE_ACCEPTED_KINDS: acceptedKinds,
        // The worker archives only what the starter takes in, to where the bucket's lifecycle expects it.
        REELSCOPE_INCOMING_PREFIX: config.incomingPrefix,
        REELSCOPE_ARCHIVE_PREFIX: archivePrefix,
        ...completions.environment(),
        ...relay.workerEnvironment(),
        ...config.workerEnvironment,
      },
    });
    completions.grantPublish(workers.taskRole);
    grantWorkerAccess(workers.taskRole, {
      bucket: media.bucket,
      incomingPrefix: config.incomingPrefix,
      resultsPrefix: RESULTS_PREFIX,
      ...(archiving ? { archivePrefix } : {}),
      records: tables.records,
      failures: tables.failures,
      bedrockModelId: config.bedrockModelId,
      secrets,
      keyframeSampling: config.workerEnvironment['REELSCOPE_KEYFRAME_SAMPLING_SECONDS'] !== undefined,
      notificationRole: relay.publishingRole,
    });

    const api = new MediaHttpApi(this, 'Api', { throttle: { ratePerSecond: config.api.throttleRatePerSecond, burst: config.api.throttleBurst } });
    const users = new ApiUsers(this, 'Users', {
      portalOrigin: api.url,
      domainPrefix: config.api.authDomainPrefix ?? `${config.stackName.toLowerCase()}-${Aws.ACCOUNT_ID}`,
    });
    const uploads = new UploadSessionsTable(this, 'UploadSessions');
    media.allowBrowserAccess(api.url);
    const apiFunction = new ApiFunction(this, 'ApiFunction', {
      bucket: media.bucket,
      incomingPrefix: config.incomingPrefix,
      resultsPrefix: RESULTS_PREFIX,
      // Read even with archiving off: media archived before it was switched off stay there.
      archivePrefix,
      records: tables.records,
      uploads: uploads.table,
      secrets,
      memoryMiB: config.api.memoryMiB,
      environment: {
        ...temporalEnvironment,
        ...secrets.environment(),
        REELSCOPE_AUTH_ISSUER: users.issuer,
        REELSCOPE_AUTH_CLIENT_ID: users.client.userPoolClientId,
        REELSCOPE_AUTH_DOMAIN: users.domain.baseUrl(),
        REELSCOPE_AUTH_TENANT_CLAIM: TENANT_CLAIM,
        REELSCOPE_AUTH_SCOPES: PORTAL_SCOPES.join(' '),
        REELSCOPE_BUCKET: media.bucket.bucketName,
        REELSCOPE_RECORDS_TABLE: tables.records.tableName,
        REELSCOPE_FAILURES_TABLE: tables.failures.tableName,
        REELSCOPE_UPLOADS_TABLE: uploads.table.tableName,
        // Known people are enrolled into the tenant's Rekognition collection, as the aws worker searches them.
        REELSCOPE_BACKEND: 'aws',
        REELSCOPE_ACCEPTED_KINDS: acceptedKinds,
        // The API starts media (upload complete, retry) with the starter's own settings.
        REELSCOPE_TASK_QUEUE: config.taskQueue,
        REELSCOPE_INCOMING_PREFIX: config.incomingPrefix,
        REELSCOPE_SUFFIXES: config.suffixes.join(','),
        REELSCOPE_MIN_SIZE_BYTES: String(config.minSizeBytes),
        ...config.starterEnvironment,
        ...config.apiEnvironment,
      },
      ...(temporal.mode === 'self-hosted' ? { vpc: network.vpc } : {}),
    });
    api.serve(apiFunction.function, users);

    const alarms = new OperationsAlarms(this, 'Alarms', {
      workerLogs: workers.logGroup,
      starterDeadLetters: starter.deadLetters,
      relay: { deadLetters: relay.deadLetters, function: relay.function, transcribeRule: relay.transcribeRule },
      taskQueue: config.taskQueue,
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'MediaBucketName', { value: media.bucket.bucketName, description: `Upload media under ${config.incomingPrefix}<tenant>/` });
    new CfnOutput(this, 'RecordsTableName', { value: tables.records.tableName });
    new CfnOutput(this, 'ApiUrl', { value: `${api.url}/v1`, description: 'The media API (bearer JWT from the user pool); contract at /openapi.json' });
    new CfnOutput(this, 'PortalUrl', { value: `${api.url}/`, description: 'Sign in through the hosted UI and upload from the browser' });
    new CfnOutput(this, 'UserPoolId', { value: users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: users.client.userPoolClientId });
    new CfnOutput(this, 'HostedUiDomain', { value: users.domain.baseUrl() });
    new CfnOutput(this, 'EventBusName', { value: completions.bus.eventBusName, description: 'Completion events: source "reelscope"' });
    new CfnOutput(this, 'CompletedQueueUrl', { value: completions.completedQueue.queueUrl, description: 'Example subscriber: every Media Analysis Completed event' });
    new CfnOutput(this, 'WebhooksSecretArn', { value: completions.webhooks.secretArn, description: 'Put {"<tenant>": {"url": "https://...", "secret": "..."}} here' });
    new CfnOutput(this, 'NotificationsTopicArn', { value: alarms.topic.topicArn });
    if (secrets.credential) new CfnOutput(this, 'TemporalCredentialSecretArn', { value: secrets.credential.secretArn, description: 'Put {"apiKey": ...} or {"tlsCert": ..., "tlsKey": ...} here' });
    if (secrets.payloadKeys) new CfnOutput(this, 'PayloadKeysSecretArn', { value: secrets.payloadKeys.secretArn, description: 'Put {"keys": "k1:<base64 32 bytes>", "activeKey": "k1"} here' });
  }
}
