import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RESULTS_PREFIX } from '../../common/s3-uri';
import type { InfraConfig } from './infra-config';
import { MediaBucket } from './media-bucket';
import { Network } from './network';
import { OperationsAlarms } from './operations-alarms';
import { RecordTables } from './record-tables';
import { StarterFunction } from './starter-function';
import { TemporalSecrets } from './temporal-secrets';
import { grantWorkerAccess } from './worker-permissions';
import { WorkerService } from './worker-service';

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
        ...config.workerEnvironment,
      },
    });
    grantWorkerAccess(workers.taskRole, {
      bucket: media.bucket,
      incomingPrefix: config.incomingPrefix,
      resultsPrefix: RESULTS_PREFIX,
      records: tables.records,
      failures: tables.failures,
      bedrockModelId: config.bedrockModelId,
      secrets,
      keyframeSampling: config.workerEnvironment['REELSCOPE_KEYFRAME_SAMPLING_SECONDS'] !== undefined,
    });

    const alarms = new OperationsAlarms(this, 'Alarms', {
      workerLogs: workers.logGroup,
      starterDeadLetters: starter.deadLetters,
      taskQueue: config.taskQueue,
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'MediaBucketName', { value: media.bucket.bucketName, description: `Upload media under ${config.incomingPrefix}<tenant>/` });
    new CfnOutput(this, 'RecordsTableName', { value: tables.records.tableName });
    new CfnOutput(this, 'NotificationsTopicArn', { value: alarms.topic.topicArn });
    if (secrets.credential) new CfnOutput(this, 'TemporalCredentialSecretArn', { value: secrets.credential.secretArn, description: 'Put {"apiKey": ...} or {"tlsCert": ..., "tlsKey": ...} here' });
    if (secrets.payloadKeys) new CfnOutput(this, 'PayloadKeysSecretArn', { value: secrets.payloadKeys.secretArn, description: 'Put {"keys": "k1:<base64 32 bytes>", "activeKey": "k1"} here' });
  }
}
