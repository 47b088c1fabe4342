import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { jobWaitTag } from '../../common/job-wait-tag';
import { parseInfraConfig } from '../../infra/lib/infra-config';
import { ReelscopeStack } from '../../infra/lib/reelscope-stack';
import { parseJobNotification } from '../../relay/job-notification';
import { matchesPattern } from '../support/event-pattern';
import { transcribeEventBody } from '../support/fake-aws/notification-messages';

const ENV = { account: '111122223333', region: 'eu-west-1' };
// The assertions read templates; cdk-synth.test.ts builds the real bundles.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synth(context: unknown) {
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'reelscope-cdk-')), context: SKIP_BUNDLING });
  const stack = new ReelscopeStack(app, 'Reelscope', parseInfraConfig(context), { env: ENV });
  const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return { template: Template.fromStack(stack), nag };
}

const cloud = synth({ temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' } });
const selfHosted = synth({
  temporal: { mode: 'self-hosted', address: 'temporal.internal:7233' },
  payloadEncryption: false,
  workerEnvironment: { REELSCOPE_JOB_SAFETY_NET_SECONDS: '300' },
});

type Resource = { logicalId: string; properties: Record<string, any> };

function resourceOf(template: Template, type: string, idPart: string): Resource {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => id.includes(idPart));
  if (matches.length !== 1) throw new Error(`${matches.length} resources of ${type} with "${idPart}" in their logical id`);
  const [[logicalId, resource]] = matches as [[string, { Properties: Record<string, any> }]];
  return { logicalId, properties: resource.Properties };
}

const ref = (resource: Resource) => ({ Ref: resource.logicalId });
const arnOf = (resource: Resource) => ({ 'Fn::GetAtt': [resource.logicalId, 'Arn'] });

function workerEnvironment(template: Template): Record<string, unknown> {
  const task = resourceOf(template, 'AWS::ECS::TaskDefinition', 'WorkersTask').properties;
  const worker = task['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'worker');
  return Object.fromEntries(worker.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
}

const relay = (template: Template) => ({
  key: resourceOf(template, 'AWS::KMS::Key', 'CompletionRelayKey'),
  topic: resourceOf(template, 'AWS::SNS::Topic', 'CompletionRelayTopic'),
  publishingRole: resourceOf(template, 'AWS::IAM::Role', 'CompletionRelayRekognitionPublishing'),
  queue: resourceOf(template, 'AWS::SQS::Queue', 'CompletionRelayQueue'),
  deadLetters: resourceOf(template, 'AWS::SQS::Queue', 'CompletionRelayDeadLetters'),
  rule: resourceOf(template, 'AWS::Events::Rule', 'CompletionRelayTranscribeJobEnded'),
  function: resourceOf(template, 'AWS::Lambda::Function', 'CompletionRelayFunction'),
});

describe('completion relay', () => {
  const parts = relay(cloud.template);

  it.each([
    ['Temporal Cloud', cloud],
    ['self-hosted Temporal', selfHosted],
  ])('passes cdk-nag AwsSolutions with no unacknowledged finding for %s', (_name, { nag }) => {
    expect(nag.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('publishes to a TLS-only topic encrypted with its own rotating customer-managed key', () => {
    expect(parts.key.properties).toMatchObject({ EnableKeyRotation: true });
    expect(parts.topic.properties).toMatchObject({ TopicName: 'Reelscope-job-completions', KmsMasterKeyId: arnOf(parts.key) });
    cloud.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(parts.topic)],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets Rekognition, acting for this account only, publish to this topic with this key, and do nothing else', () => {
    expect(parts.publishingRole.properties['AssumeRolePolicyDocument']['Statement']).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'rekognition.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      },
    ]);
    expect(parts.publishingRole.properties['ManagedPolicyArns']).toBeUndefined();
    const policy = resourceOf(cloud.template, 'AWS::IAM::Policy', 'CompletionRelayRekognitionPublishingDefaultPolicy').properties;
    expect(policy['PolicyDocument']['Statement']).toEqual([
      { Sid: 'PublishCompletions', Effect: 'Allow', Action: 'sns:Publish', Resource: ref(parts.topic) },
      { Sid: 'EncryptCompletions', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: arnOf(parts.key) },
    ]);
  });

  it('queues with the same key, a visibility timeout of six function timeouts, and a 14-day dead-letter queue after 5 receives', () => {
    expect(parts.queue.properties).toMatchObject({
      KmsMasterKeyId: arnOf(parts.key),
      RedrivePolicy: { deadLetterTargetArn: arnOf(parts.deadLetters), maxReceiveCount: 5 },
    });
    expect(parts.queue.properties['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * parts.function.properties['Timeout']);
    expect(parts.deadLetters.properties).toMatchObject({ KmsMasterKeyId: arnOf(parts.key), MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const queue of [parts.queue, parts.deadLetters]) {
      cloud.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(queue)],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('is fed by the topic and by the Transcribe rule, each admitted to the queue by its own ARN', () => {
    cloud.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs', TopicArn: ref(parts.topic), Endpoint: arnOf(parts.queue) });
    expect(parts.rule.properties['Targets']).toEqual([expect.objectContaining({ Arn: arnOf(parts.queue) })]);
    const queuePolicy = Object.values(cloud.template.findResources('AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p['Properties']['Queues']) === JSON.stringify([ref(parts.queue)]));
    const senders = queuePolicy!['Properties']['PolicyDocument']['Statement'].filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(senders).toEqual([
      expect.objectContaining({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: arnOf(parts.queue), Condition: { ArnEquals: { 'aws:SourceArn': ref(parts.topic) } } }),
      expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: arnOf(parts.queue), Condition: { ArnEquals: { 'aws:SourceArn': arnOf(parts.rule) } } }),
    ]);
  });

  it('lets SNS (for this topic) and EventBridge (for this account) use the key to write the queue, and no other service', () => {
    const services = parts.key.properties['KeyPolicy']['Statement'].filter((s: { Principal: Record<string, unknown> }) => 'Service' in s.Principal);
    expect(services).toEqual([
      expect.objectContaining({
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:eu-west-1:111122223333:Reelscope-job-completions']] } } },
      }),
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      }),
    ]);
  });

  describe('Transcribe rule', () => {
    const pattern = parts.rule.properties['EventPattern'];
    const waitTag = jobWaitTag({ workflowId: 'media-eee2be7b5bf6ae9c657ccc71', runId: '0192f3a4-7b1c-7d2e-9f00-1a2b3c4d5e6f', activityId: '7' })!;
    const eventFor = (jobName: string, status: string) =>
      JSON.parse(transcribeEventBody({ jobName, status: status as 'COMPLETED', endedAt: Date.UTC(2026, 11, 2, 9, 30) }, 'e0c1a2b3', { account: '111122223333', region: 'eu-west-1' }));

    it('listens on the default bus for ended Transcribe jobs named like a wait tag', () => {
      expect(parts.rule.properties['EventBusName']).toBeUndefined();
      expect(pattern).toEqual({
        source: ['aws.transcribe'],
        'detail-type': ['Transcribe Job State Change'],
        detail: { TranscriptionJobStatus: ['COMPLETED', 'FAILED'], TranscriptionJobName: [{ prefix: 'media-' }] },
      });
    });

    it.each([
      [waitTag, 'COMPLETED', true],
      [waitTag, 'FAILED', true],
      [waitTag, 'IN_PROGRESS', false],
      [waitTag, 'QUEUED', false],
      ['subtitles-for-another-app', 'COMPLETED', false],
    ])('on the EventBridge event, job %s in state %s matches: %s', (jobName, status, expected) => {
      expect(matchesPattern(pattern, eventFor(jobName, status))).toBe(expected);
    });

    it('forwards events the relay reads as the end of the waiting job', () => {
      const event = eventFor(waitTag, 'FAILED');
      expect(matchesPattern(pattern, event)).toBe(true);
      expect(parseJobNotification(JSON.stringify(event))).toEqual({ service: 'transcribe', tag: waitTag, jobId: waitTag, status: 'failed' });
    });
  });

  it('runs the relay from SQS batches of 10 with no batching window, reporting failed messages one by one', () => {
    cloud.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(parts.queue),
      FunctionName: ref(parts.function),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
  });

  it('runs the bundled relay with the Temporal settings and secret ids the starter has, never a secret value', () => {
    const starter = resourceOf(cloud.template, 'AWS::Lambda::Function', 'StarterFunction').properties;
    expect(parts.function.properties).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', Architectures: ['arm64'] });
    const variables = parts.function.properties['Environment']['Variables'];
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'REELSCOPE_TEMPORAL_SECRET_ID', 'REELSCOPE_CODEC_SECRET_ID']) {
      expect({ name, value: variables[name] }).toEqual({ name, value: starter['Environment']['Variables'][name] });
    }
    expect(JSON.stringify(variables)).not.toMatch(/apiKey|BEGIN|TEMPORAL_API_KEY/);
    expect(parts.function.properties['LoggingConfig']).toMatchObject({ LogGroup: ref(resourceOf(cloud.template, 'AWS::Logs::LogGroup', 'CompletionRelayLogs')) });
    expect(parts.function.properties['VpcConfig']).toBeUndefined();
    expect(relay(selfHosted.template).function.properties['VpcConfig']).toMatchObject({ SubnetIds: expect.any(Array), SecurityGroupIds: expect.any(Array) });
  });

  it('may write its own logs, read the secrets, and consume its queue: nothing else', () => {
    const role = resourceOf(cloud.template, 'AWS::IAM::Role', 'CompletionRelayRole').properties;
    expect(role['ManagedPolicyArns']).toBeUndefined();
    const statements = resourceOf(cloud.template, 'AWS::IAM::Policy', 'CompletionRelayRoleDefaultPolicy').properties['PolicyDocument']['Statement'];
    const byAction = Object.fromEntries(statements.flatMap((s: { Action: string | string[]; Resource: unknown }) => [s.Action].flat().map((action) => [action, s.Resource])));

    expect(Object.keys(byAction).sort()).toEqual(
      [
        'kms:Decrypt',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    expect(byAction['sqs:ReceiveMessage']).toEqual(arnOf(parts.queue));
    expect(byAction['kms:Decrypt']).toEqual(arnOf(parts.key));
  });

  it('alarms on the operations topic for dead-lettered completions, failed invocations and undeliverable Transcribe events', () => {
    const alarms = Object.values(cloud.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties']);
    const onRelay = (metricName: string, dimension: Record<string, unknown>) =>
      alarms.filter((a) => a.MetricName === metricName && JSON.stringify(a.Dimensions) === JSON.stringify([dimension]));

    const deadLettered = onRelay('ApproximateNumberOfMessagesVisible', { Name: 'QueueName', Value: { 'Fn::GetAtt': [parts.deadLetters.logicalId, 'QueueName'] } });
    const errors = onRelay('Errors', { Name: 'FunctionName', Value: ref(parts.function) });
    const undelivered = onRelay('FailedInvocations', { Name: 'RuleName', Value: ref(parts.rule) });
    for (const [alarm] of [deadLettered, errors, undelivered]) {
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringContaining('AlarmsNotifications') }],
      });
    }
    expect(deadLettered[0]).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum' });
    expect(undelivered[0]).toMatchObject({ Namespace: 'AWS/Events', Statistic: 'Sum' });
  });

  it('points the worker at the topic, the publishing role and the Transcribe rule, leaving the safety net to config', () => {
    expect(workerEnvironment(cloud.template)).toMatchObject({
      REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN: ref(parts.topic),
      REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN: arnOf(parts.publishingRole),
      REELSCOPE_TRANSCRIBE_NOTIFICATIONS: 'true',
    });
    expect(workerEnvironment(cloud.template)).not.toHaveProperty('REELSCOPE_JOB_SAFETY_NET_SECONDS');
    expect(workerEnvironment(selfHosted.template)).toMatchObject({ REELSCOPE_JOB_SAFETY_NET_SECONDS: '300', REELSCOPE_TRANSCRIBE_NOTIFICATIONS: 'true' });
  });

  it('lets the worker pass the publishing role, to Rekognition only, and no other role', () => {
    const statements = resourceOf(cloud.template, 'AWS::IAM::Policy', 'WorkersTaskRoleDefaultPolicy').properties['PolicyDocument']['Statement'];
    const passing = statements.filter((s: { Action: string | string[] }) => [s.Action].flat().some((action) => action.startsWith('iam:')));

    expect(passing).toEqual([
      {
        Sid: 'PassNotificationRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: arnOf(parts.publishingRole),
        Condition: { StringEquals: { 'iam:PassedToService': 'rekognition.amazonaws.com' } },
      },
    ]);
  });
});
