import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_MEDIA_SUFFIXES } from '../../common/media-suffixes';
import { parseInfraConfig } from '../../infra/lib/infra-config';
import { ReelscopeStack } from '../../infra/lib/reelscope-stack';
import { recordTableDefinitions } from '../../local/record-tables';
import { eventFixture } from '../support/event-fixtures';
import { matchesPattern } from '../support/event-pattern';

const ENV = { account: '111122223333', region: 'eu-west-1' };
// The assertions read templates; cdk-synth.test.ts and api-lambda.test.ts build the real bundles.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synth(context: unknown) {
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'reelscope-cdk-')), context: SKIP_BUNDLING });
  const stack = new ReelscopeStack(app, 'Reelscope', parseInfraConfig(context), { env: ENV });
  const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return { stack, template: Template.fromStack(stack), nag };
}

const cloud = synth({
  temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' },
  alarmEmail: 'oncall@example.com',
});
const selfHosted = synth({
  temporal: { mode: 'self-hosted', address: 'temporal.internal:7233' },
  payloadEncryption: false,
  workerEnvironment: { REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '5' },
});

function resourceOf(template: Template, type: string, idPart: string): { logicalId: string; properties: Record<string, any> } {
  const [entry] = Object.entries(template.findResources(type)).filter(([id]) => id.includes(idPart));
  if (!entry) throw new Error(`no ${type} with "${idPart}" in its logical id`);
  return { logicalId: entry[0], properties: entry[1]['Properties'] };
}

function statementsOf(template: Template, policyIdPart: string): Array<{ Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  return resourceOf(template, 'AWS::IAM::Policy', policyIdPart).properties['PolicyDocument']['Statement'];
}

/** Secrets the stack creates for Temporal (credential, payload keys): the webhook table is not one. */
const temporalSecretsOf = (template: Template) => Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) => !id.startsWith('CompletionsWebhooks'));
const webhooksSecretRef = (template: Template) => ({ Ref: resourceOf(template, 'AWS::SecretsManager::Secret', 'CompletionsWebhooks').logicalId });

const actionsOf = (statements: Array<{ Action: string | string[] }>) => statements.flatMap((s) => [s.Action].flat()).sort();

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['Temporal Cloud', cloud],
    ['self-hosted Temporal', selfHosted],
  ])('reports no unacknowledged finding for %s', (_name, { nag }) => {
    expect(nag.violations.map((v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(nag.success).toBe(true);
  });
});

describe('media bucket', () => {
  it('is encrypted, versioned, private, TLS-only, logs access, and aborts incomplete multipart uploads', () => {
    const bucket = resourceOf(cloud.template, 'AWS::S3::Bucket', 'MediaBucketMedia').properties;

    expect(bucket['BucketEncryption']).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket['LoggingConfiguration']).toMatchObject({ LogFilePrefix: 'media/' });
    expect(bucket['LifecycleConfiguration']['Rules']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'processed/', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }),
      ]),
    );
    cloud.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('sends its events to EventBridge', () => {
    cloud.template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });
});

describe('object-created rule', () => {
  const rule = resourceOf(cloud.template, 'AWS::Events::Rule', 'StarterObjectCreated').properties;
  const bucketName = { Ref: resourceOf(cloud.template, 'AWS::S3::Bucket', 'MediaBucketMedia').logicalId };
  // What CloudFormation deploys: the pattern with the bucket's Ref replaced by its name.
  const deployedPattern = JSON.parse(JSON.stringify(rule['EventPattern']).replace(JSON.stringify(bucketName), '"reelscope-media-1a2b3c"'));
  // An EventBridge payload in the shape S3 sends, moved to this stack's bucket and given a key and size.
  const eventFor = (key: string, size: number, name = 'eventbridge-object-created.json') => {
    const event = eventFixture<any>(name);
    return { ...event, detail: { ...event.detail, bucket: { name: 'reelscope-media-1a2b3c' }, object: { ...event.detail.object, key, size } } };
  };

  it('matches Object Created for the bucket under incoming/ with a size of at least 1 byte, within EventBridge\'s pattern size limit', () => {
    expect(rule['EventPattern']).toMatchObject({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [bucketName] },
        object: { key: [{ prefix: 'incoming/' }], size: [{ numeric: ['>=', 1] }] },
      },
    });
    expect(JSON.stringify(deployedPattern).length).toBeLessThanOrEqual(2048);
  });

  it('leaves file endings to the starter, which checks them case-insensitively from the same list', () => {
    const starter = resourceOf(cloud.template, 'AWS::Lambda::Function', 'StarterFunction').properties;
    expect(starter['Environment'].Variables.REELSCOPE_SUFFIXES).toBe(DEFAULT_MEDIA_SUFFIXES.join(','));
  });

  it.each([
    ['incoming/acme/clip.mp4', 1024, true],
    ['incoming/acme/CLIP.MOV', 1024, true],
    ['incoming/acme/deep/folder/talk.flac', 5, true],
    // Endings are the starter's to refuse (see intake/upload-filter.ts): the rule lets them through.
    ['incoming/acme/notes.txt', 1024, true],
    ['incoming/acme/clip.mp4', 0, false],
    ['results/acme/clip.mp4', 1024, false],
    ['results/acme/0123/thumbnails/key-0001.jpg', 1024, false],
    // The worker's archived copy of an analysed original: never a new upload.
    ['processed/acme/clip.mp4', 1024, false],
    // The fixture's own object sits at the bucket root, outside incoming/.
    ['lecture-intro.mp4', 2_457_600, false],
  ])('on the EventBridge payload, key %s of %d bytes matches: %s', (key, size, expected) => {
    expect(matchesPattern(deployedPattern, eventFor(key, size))).toBe(expected);
  });

  it('does not match the other S3 event types of the same bucket', () => {
    expect(matchesPattern(deployedPattern, eventFor('incoming/a/b.mp4', 10))).toBe(true);
    for (const other of [
      'eventbridge-object-deleted.json',
      'eventbridge-object-deleted-lifecycle-expiration.json',
      'eventbridge-object-restore-initiated.json',
      'eventbridge-object-restore-completed.json',
      'eventbridge-object-restore-expired.json',
    ]) {
      expect(matchesPattern(deployedPattern, eventFor('incoming/a/b.mp4', 10, other))).toBe(false);
    }
    const otherBucket = eventFor('incoming/a/b.mp4', 10);
    expect(matchesPattern(deployedPattern, { ...otherBucket, detail: { ...otherBucket.detail, bucket: { name: 'someone-elses-bucket' } } })).toBe(false);
  });

  it('targets the starter with retries and a dead-letter queue, which also receives failed async invocations', () => {
    const [target] = rule['Targets'];
    const deadLetters = resourceOf(cloud.template, 'AWS::SQS::Queue', 'StarterDeadLetters').logicalId;
    const starter = resourceOf(cloud.template, 'AWS::Lambda::Function', 'StarterFunction').logicalId;

    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [starter, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
    });
    cloud.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [deadLetters, 'Arn'] } } },
    });
    cloud.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });
});

describe('starter function', () => {
  it('runs the bundled starter on the latest Node.js runtime with its settings and secret ids, never a secret value', () => {
    const fn = resourceOf(cloud.template, 'AWS::Lambda::Function', 'StarterFunction').properties;

    expect(fn['Runtime']).toBe('nodejs24.x');
    expect(fn['Handler']).toBe('index.handler');
    expect(fn['Environment']['Variables']).toMatchObject({
      TEMPORAL_ADDRESS: 'media.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'media.a1b2c',
      REELSCOPE_TEMPORAL_SECRET_ID: { Ref: expect.stringContaining('SecretsCloudCredential') },
      REELSCOPE_CODEC_SECRET_ID: { Ref: expect.stringContaining('SecretsPayloadKeys') },
      REELSCOPE_INCOMING_PREFIX: 'incoming/',
      REELSCOPE_MIN_SIZE_BYTES: '1',
    });
    expect(JSON.stringify(fn['Environment'])).not.toMatch(/apiKey|BEGIN|TEMPORAL_API_KEY/);
    expect(fn['VpcConfig']).toBeUndefined();
  });

  it('runs inside the VPC only when Temporal is self-hosted there, and then reads no Temporal Cloud secret', () => {
    const fn = resourceOf(selfHosted.template, 'AWS::Lambda::Function', 'StarterFunction').properties;

    expect(fn['VpcConfig']).toMatchObject({ SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) });
    expect(fn['Environment']['Variables']).toMatchObject({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'default' });
    expect(fn['Environment']['Variables']).not.toHaveProperty('REELSCOPE_TEMPORAL_SECRET_ID');
    expect(fn['Environment']['Variables']).not.toHaveProperty('REELSCOPE_CODEC_SECRET_ID');
    expect(temporalSecretsOf(selfHosted.template)).toEqual([]);
  });

  it('may write its own logs, read the two secrets and dead-letter failed events: nothing else', () => {
    const statements = statementsOf(cloud.template, 'StarterRoleDefaultPolicy');

    expect(actionsOf(statements)).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
    const role = resourceOf(cloud.template, 'AWS::IAM::Role', 'StarterRole').properties;
    expect(role['ManagedPolicyArns']).toBeUndefined();
  });
});

describe('secrets created before the stack', () => {
  const credentialArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:reelscope/temporal-AbC123';
  const payloadKeysArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:reelscope/payload-keys-XyZ789';
  const { template, nag } = synth({
    temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c', credentialSecretArn: credentialArn },
    payloadKeysSecretArn: payloadKeysArn,
    vpcCidr: '10.77.0.0/16',
  });

  it('are used by ARN, so the first deployment\'s workers start with their credential; the stack creates none', () => {
    expect(temporalSecretsOf(template)).toEqual([]);
    const fn = resourceOf(template, 'AWS::Lambda::Function', 'StarterFunction').properties;
    expect(fn['Environment']['Variables']).toMatchObject({ REELSCOPE_TEMPORAL_SECRET_ID: credentialArn, REELSCOPE_CODEC_SECRET_ID: payloadKeysArn });
    const webhooks = webhooksSecretRef(template);
    const workerReads = statementsOf(template, 'WorkersTaskRoleDefaultPolicy')
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
      .filter((s) => JSON.stringify(s.Resource) !== JSON.stringify(webhooks));
    expect(workerReads.map((s) => s.Resource).sort()).toEqual([credentialArn, payloadKeysArn].sort());
    expect(nag.violations).toEqual([]);
  });

  it('puts the VPC in the configured range', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.77.0.0/16' });
  });
});

describe('record tables', () => {
  const [records, failures] = recordTableDefinitions({ records: 'r', failures: 'f' });

  it('have the keys and indexes the code queries, from the same definitions as the local tables', () => {
    const table = resourceOf(cloud.template, 'AWS::DynamoDB::Table', 'TablesRecords').properties;

    expect(table['KeySchema']).toEqual(records!.KeySchema);
    expect(table['GlobalSecondaryIndexes']).toEqual(
      records!.GlobalSecondaryIndexes!.map((index) => expect.objectContaining({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })),
    );
    expect(resourceOf(cloud.template, 'AWS::DynamoDB::Table', 'TablesFailures').properties['KeySchema']).toEqual(failures!.KeySchema);
  });

  it('keep point-in-time recovery, deletion protection and the data on stack deletion', () => {
    for (const id of ['TablesRecords', 'TablesFailures']) {
      const properties = resourceOf(cloud.template, 'AWS::DynamoDB::Table', id).properties;
      expect(properties).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true, BillingMode: 'PAY_PER_REQUEST' });
    }
    cloud.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });
});

describe('worker service', () => {
  it('may open connections only to HTTPS and the Temporal port, and accepts none', () => {
    const groups = cloud.template.findResources('AWS::EC2::SecurityGroup');
    const workerGroup = Object.entries(groups).find(([id]) => id.startsWith('WorkersEgress'))?.[1] as { Properties: Record<string, unknown> } | undefined;
    expect(workerGroup?.Properties['SecurityGroupEgress']).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 7233, ToPort: 7233, CidrIp: '0.0.0.0/0' }),
    ]);
    expect(workerGroup?.Properties['SecurityGroupIngress']).toBeUndefined();
    const service = resourceOf(cloud.template, 'AWS::ECS::Service', 'WorkersService').properties;
    expect(JSON.stringify(service['NetworkConfiguration'])).toContain(Object.keys(groups).find((id) => id.startsWith('WorkersEgress')));
  });

  const task = resourceOf(cloud.template, 'AWS::ECS::TaskDefinition', 'WorkersTask').properties;
  const worker = task['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'worker');
  const collector = task['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'metrics');
  const env = Object.fromEntries(worker.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));

  it('sizes the Fargate task from config and gives V8 half of its memory', () => {
    expect(task).toMatchObject({ Cpu: '2048', Memory: '4096', RequiresCompatibilities: ['FARGATE'], NetworkMode: 'awsvpc' });
    expect(env['NODE_OPTIONS']).toBe('--max-old-space-size=2048 --max-semi-space-size=16 --enable-source-maps');
    expect(env).toMatchObject({ REELSCOPE_BACKEND: 'aws', REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '50', REELSCOPE_HEALTH_PORT: '8080', REELSCOPE_METRICS_BIND_ADDRESS: '127.0.0.1:9464' });
  });

  it('stops gracefully: ECS waits longer than the worker drains before it sends SIGKILL', () => {
    expect(Number(env['REELSCOPE_SHUTDOWN_GRACE_SECONDS'])).toBe(25);
    expect(worker.StopTimeout).toBe(35);
    expect(worker.StopTimeout).toBeGreaterThan(Number(env['REELSCOPE_SHUTDOWN_GRACE_SECONDS']));
    expect(worker.StopTimeout).toBeLessThanOrEqual(120);
  });

  it('judges health by /healthz, logs to CloudWatch, and ships SDK metrics through a non-essential collector', () => {
    expect(worker.HealthCheck.Command.join(' ')).toContain('http://127.0.0.1:8080/healthz');
    expect(worker.LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: expect.objectContaining({ mode: 'non-blocking' }) });
    expect(collector.Essential).toBe(false);
    const collectorConfig = collector.Environment.find((e: { Name: string }) => e.Name === 'AOT_CONFIG_CONTENT').Value;
    expect(JSON.stringify(collectorConfig)).toContain('127.0.0.1:9464');
    expect(JSON.stringify(collectorConfig)).toContain('temporal_worker_task_slots_');
  });

  it('runs in private subnets with container insights, rolls back failed deployments, and scales on slots and CPU', () => {
    cloud.template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }] });
    cloud.template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 },
    });
    cloud.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 10 });
    cloud.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        CustomizedMetricSpecification: Match.objectLike({ MetricName: 'temporal_worker_task_slots_used', Namespace: 'Reelscope/Worker' }),
        TargetValue: 35,
      }),
    });
    cloud.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 65 }),
    });
  });

  it('may read incoming/, read and write results/ and processed/, delete only under incoming/, run only its Rekognition, Transcribe and Bedrock calls, and touch only its tables', () => {
    const statements = statementsOf(cloud.template, 'WorkersTaskRoleDefaultPolicy');
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map((s) => [s.Sid, s]));
    const bucketArn = { 'Fn::GetAtt': [resourceOf(cloud.template, 'AWS::S3::Bucket', 'MediaBucketMedia').logicalId, 'Arn'] };
    const under = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });

    expect(bySid['ReadMediaAndResults']).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [under('incoming/'), under('results/')] });
    expect(bySid['WriteResults']).toMatchObject({ Action: 's3:PutObject', Resource: under('results/') });
    expect(bySid['ListOwnPrefixes']).toMatchObject({ Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['incoming/*', 'results/*', 'processed/*'] } } });
    // Archiving: the copy lands in processed/, and only the original under incoming/ is removed.
    expect(bySid['ArchiveOriginals']).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: under('processed/') });
    expect(bySid['RemoveArchivedOriginals']).toMatchObject({ Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: under('incoming/') });
    expect(env).toMatchObject({ REELSCOPE_INCOMING_PREFIX: 'incoming/', REELSCOPE_ARCHIVE_PREFIX: 'processed/' });
    expect([bySid['RekognitionVideoJobs']!.Action].flat().sort()).toEqual(
      [
        ...['CelebrityRecognition', 'ContentModeration', 'FaceDetection', 'LabelDetection', 'SegmentDetection', 'TextDetection'].flatMap((f) => [`rekognition:Get${f}`, `rekognition:Start${f}`]),
        // Starting a face search names the tenant's collection: SearchKnownPeople grants it.
        'rekognition:GetFaceSearch',
      ].sort(),
    );
    expect(bySid['TranscriptionJobs']!.Action).toEqual(['transcribe:StartTranscriptionJob', 'transcribe:GetTranscriptionJob']);
    expect(bySid['ReportModel']).toMatchObject({ Action: 'bedrock:InvokeModel' });
    expect(JSON.stringify(bySid['ReportModel']!.Resource)).toContain(':bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(bySid['FailureRecords']).toMatchObject({ Action: 'dynamodb:PutItem' });

    const actions = actionsOf(statements);
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
    // The one role the worker passes is the relay's Rekognition publishing role (completion-relay.test.ts checks its scope).
    expect(statements.filter((s) => [s.Action].flat().includes('iam:PassRole')).map((s) => s.Sid)).toEqual(['PassNotificationRole']);
    expect([...new Set(actions.filter((a) => a.startsWith('s3:')))]).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject']);
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:Delete')))).toEqual([bySid['RemoveArchivedOriginals']]);
    expect(actions.some((a) => /^s3:(PutBucket|PutObjectAcl)/.test(a))).toBe(false);
    expect(bySid['RekognitionImageCalls']).toBeUndefined();
  });

  it('with archiving switched off, may neither write processed/ nor delete anything', () => {
    const { template, nag } = synth({
      temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' },
      workerEnvironment: { REELSCOPE_ARCHIVE_ORIGINALS: 'false' },
    });
    const statements = statementsOf(template, 'WorkersTaskRoleDefaultPolicy');

    expect(statements.map((s) => s.Sid)).not.toEqual(expect.arrayContaining(['ArchiveOriginals']));
    expect(statements.map((s) => s.Sid)).not.toEqual(expect.arrayContaining(['RemoveArchivedOriginals']));
    expect(actionsOf(statements).filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain('processed/');
    expect(nag.violations).toEqual([]);
  });

  it('may call the Rekognition image APIs only when keyframe sampling is configured', () => {
    const statements = statementsOf(selfHosted.template, 'WorkersTaskRoleDefaultPolicy');
    expect(statements.find((s) => s.Sid === 'RekognitionImageCalls')).toMatchObject({
      Action: ['rekognition:DetectLabels', 'rekognition:DetectModerationLabels', 'rekognition:RecognizeCelebrities', 'rekognition:DetectText', 'rekognition:DetectFaces'],
      Resource: '*',
    });
  });
});

describe('operations alarms', () => {
  it('publish to one KMS-encrypted topic with the on-call subscription', () => {
    cloud.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    cloud.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    cloud.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('count the worker\'s failure log line and alarm on failed media, dead-lettered uploads and worker backlog', () => {
    cloud.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.msg = "media analysis failed" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'FailedAnalyses', MetricValue: '1' })],
    });
    const alarms = Object.values(cloud.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties']);
    const metricNames = alarms.map((a) => a.MetricName).sort();

    // Dead letters of the starter and of the completion relay; the relay's errors and its Transcribe rule's failed deliveries.
    expect(metricNames).toEqual(['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible', 'Errors', 'FailedAnalyses', 'FailedInvocations', 'temporal_activity_schedule_to_start_latency', 'temporal_workflow_task_schedule_to_start_latency']);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringContaining('AlarmsNotifications') }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });
});

describe('infra config', () => {
  it('takes the context as an object or as the JSON string `cdk -c` passes', () => {
    const json = parseInfraConfig(JSON.stringify({ temporal: { mode: 'self-hosted', address: 'temporal:7233' }, worker: { cpu: 1024, memoryMiB: 2048 } }));

    expect(json.temporal).toEqual({ mode: 'self-hosted', address: 'temporal:7233', namespace: 'default' });
    expect(json.worker).toMatchObject({ cpu: 1024, memoryMiB: 2048, maxConcurrentActivities: 50, shutdownGraceSeconds: 25 });
  });

  it('names every bad setting', () => {
    expect(() => parseInfraConfig({ worker: { cpu: 1024, memoryMiB: 16384 }, suffixes: ['mp4'], temporal: { mode: 'cloud', address: 'no-port' } })).toThrow(
      /reelscope\.temporal\.address[\s\S]*reelscope\.suffixes\.0[\s\S]*reelscope\.worker: memoryMiB must be a Fargate size/,
    );
  });
});

describe('Bedrock model, region and grant', () => {
  // Loaded here rather than imported at the top, so this block stays an append to the file.
  const { DEFAULT_BEDROCK_MODEL_ID } = jest.requireActual<typeof import('../../common/constants')>('../../common/constants');
  const { loadWorkerConfig } = jest.requireActual<typeof import('../../worker/config')>('../../worker/config');
  const temporal = { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' };

  /** A stack in `region` (undefined: env-agnostic), its worker's policy and environment. */
  function synthIn(region: string | undefined, context: Record<string, unknown> = {}) {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'reelscope-cdk-')), context: SKIP_BUNDLING });
    const stack = new ReelscopeStack(app, 'Reelscope', parseInfraConfig({ temporal, ...context }), region ? { env: { account: '111122223333', region } } : {});
    const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    const template = Template.fromStack(stack);
    const model = statementsOf(template, 'WorkersTaskRoleDefaultPolicy').find((s) => s.Sid === 'ReportModel');
    const task = resourceOf(template, 'AWS::ECS::TaskDefinition', 'WorkersTask').properties;
    const worker = task['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'worker');
    const env = Object.fromEntries(worker.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    return { model, env, nag, template };
  }

  /** The id the worker would invoke, by its own start-up rule, in the stack's region. */
  const workerModel = (region: string, env: Record<string, unknown>) =>
    loadWorkerConfig({ REELSCOPE_BACKEND: 'aws', AWS_REGION: region, REELSCOPE_BEDROCK_MODEL_ID: String(env['REELSCOPE_BEDROCK_MODEL_ID']) }).bedrock.modelId;

  it.each([
    ['eu-west-1', 'eu'],
    ['us-east-1', 'us'],
    ['ap-northeast-1', 'jp'],
    ['ap-southeast-2', 'au'],
    ['sa-east-1', 'global'],
  ])('in %s grants the default model through the %s. profile, the one the worker invokes there', (region, geography) => {
    // Act
    const { model, env, nag } = synthIn(region);

    // Assert
    const profile = `${geography}.${DEFAULT_BEDROCK_MODEL_ID}`;
    expect(workerModel(region, env)).toBe(profile);
    expect(model).toMatchObject({ Action: 'bedrock:InvokeModel' });
    expect(JSON.stringify(model?.Resource)).toContain(`:bedrock:${region}:111122223333:inference-profile/${profile}`);
    expect(JSON.stringify(model?.Resource)).toContain(`:bedrock:*::foundation-model/${DEFAULT_BEDROCK_MODEL_ID}`);
    expect(JSON.stringify(model?.Resource).match(/inference-profile\/[a-z-]+\./g)).toEqual([`inference-profile/${geography}.`]);
    expect(nag.success).toBe(true);
  });

  it('grants an explicit id as given when the region can call it: a profile of its geography, or a foundation model in the region', () => {
    // Act
    const global = synthIn('eu-west-1', { bedrockModelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' });
    const plain = synthIn('us-east-1', { bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' });

    // Assert
    expect(JSON.stringify(global.model?.Resource)).toContain(':bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(JSON.stringify(global.model?.Resource)).toContain(':bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(workerModel('eu-west-1', global.env)).toBe('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(JSON.stringify(plain.model?.Resource)).toContain(':bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0');
    expect(JSON.stringify(plain.model?.Resource)).not.toContain('inference-profile');
  });

  it('refuses at synth an inference profile the stack region cannot call, a malformed id and an ARN, naming the setting', () => {
    // Act
    const synth = (region: string, bedrockModelId: string) => () => synthIn(region, { bedrockModelId });

    // Assert
    expect(synth('eu-west-1', `us.${DEFAULT_BEDROCK_MODEL_ID}`)).toThrow(
      /reelscope\.bedrockModelId: "us\.anthropic\.claude-haiku-4-5-20251001-v1:0" is a us\. inference profile, which Bedrock serves only to callers in the US .*; from eu-west-1 use eu\.anthropic\.claude-haiku-4-5-20251001-v1:0 \(the stack deploys to eu-west-1\)/,
    );
    expect(synth('us-east-1', `eu.${DEFAULT_BEDROCK_MODEL_ID}`)).toThrow(/reelscope\.bedrockModelId: .* is a eu\. inference profile/);
    expect(synth('us-east-1', 'claude haiku')).toThrow(/reelscope\.bedrockModelId: "claude haiku" is not a Bedrock model id/);
    expect(synth('us-east-1', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123')).toThrow(/reelscope\.bedrockModelId: .* is an ARN/);
  });

  it('without a region at synth, grants only the default model\'s profiles in the region and account the worker runs in', () => {
    // Act
    const { model, nag } = synthIn(undefined);

    // Assert
    expect(model?.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:inference-profile/*.${DEFAULT_BEDROCK_MODEL_ID}`]] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:*::foundation-model/${DEFAULT_BEDROCK_MODEL_ID}`]] },
    ]);
    expect(nag.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('worker deployment versioning', () => {
  const versioned = synth({
    temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' },
    worker: { image: { repository: 'reelscope-worker', tag: '2026.12.02-b' }, drainingBuilds: [{ buildId: '2026.11.20-a', tag: '2026.11.20-a' }] },
  });
  const workerContainers = (template: Template) =>
    Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((task) => {
      const container = task['Properties']['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'worker');
      const env = Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
      return { image: JSON.stringify(container.Image), deploymentName: env['REELSCOPE_DEPLOYMENT_NAME'], buildId: env['REELSCOPE_BUILD_ID'], queue: env['REELSCOPE_TASK_QUEUE'] };
    });

  it('runs each build as a service of its own on one task queue, polling as its version of one deployment', () => {
    const containers = workerContainers(versioned.template);

    expect(Object.keys(versioned.template.findResources('AWS::ECS::Service'))).toHaveLength(2);
    expect(containers.map(({ deploymentName, buildId }) => ({ deploymentName, buildId })).sort((a, b) => String(a.buildId).localeCompare(String(b.buildId)))).toEqual([
      { deploymentName: 'reelscope', buildId: '2026.11.20-a' },
      { deploymentName: 'reelscope', buildId: '2026.12.02-b' },
    ]);
    for (const { image, buildId } of containers) expect(image).toContain(`:${buildId}`);
    expect(new Set(containers.map((c) => c.queue)).size).toBe(1);
    // Both builds scale: the draining one takes every new run until the new one is made current.
    versioned.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 2);
    expect(versioned.nag.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('leaves a worker built at deploy time, with no build id, unversioned', () => {
    expect(workerContainers(cloud.template)).toEqual([expect.objectContaining({ deploymentName: undefined, buildId: undefined })]);
  });

  it('refuses draining builds without an image repository, and a build id named twice', () => {
    expect(() => parseInfraConfig({ worker: { buildId: 'b', drainingBuilds: [{ buildId: 'a', tag: 'a' }] } })).toThrow(/reelscope\.worker\.drainingBuilds: needs worker\.image/);
    expect(() => parseInfraConfig({ worker: { image: { repository: 'reelscope-worker', tag: 'a' }, drainingBuilds: [{ buildId: 'a', tag: 'old' }] } })).toThrow(/every build id appears once/);
    expect(() => parseInfraConfig({ worker: { deploymentName: 'media.prod' } })).toThrow(/reelscope\.worker\.deploymentName/);
  });
});
