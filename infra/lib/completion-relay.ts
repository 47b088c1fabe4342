import { Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WORKFLOW_ID_PREFIX } from '../../common/constants';
import { acknowledge } from './acknowledge';
import { grantFunctionBasics, repoFunction } from './repo-function';
import type { TemporalSecrets } from './temporal-secrets';

/** Connecting to Temporal Cloud on a cold start takes a second or two; completing a wait is ms. */
const FUNCTION_TIMEOUT = Duration.seconds(30);
/** Lambda's advice for an SQS source: six times the timeout, so a slow batch is not handed out twice. */
const VISIBILITY_TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6);
/** Receives before a message is dead-lettered: five tries span several minutes of a Temporal outage. */
const MAX_RECEIVE_COUNT = 5;
/** The data-key calls a service makes to put a message on a KMS-encrypted queue. */
const QUEUE_WRITER_KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

export interface CompletionRelayProps {
  temporalEnvironment: Record<string, string>;
  secrets: TemporalSecrets;
  /** Set for a self-hosted cluster reachable only from inside the VPC. */
  vpc?: ec2.IVpc;
}

/**
 * How a service job's end reaches the analysis waiting for it (issue 16), instead of the worker
 * polling every job: Rekognition Video publishes to an SNS topic (the worker names it and the
 * publishing role in each Start* call), Transcribe's job state changes arrive on the default
 * EventBridge bus, and both land in one queue. The relay Lambda reads the waiting activity's
 * address from the job tag or name and completes it on Temporal. A message it could not relay
 * (Temporal unreachable) is received again, and after five tries waits in the dead-letter queue;
 * redriving that into the relay queue is safe, as a wait completes once and a late completion is
 * ignored. Nothing depends on the relay for correctness: the worker still checks each job after
 * its safety-net time.
 */
export class CompletionRelay extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly publishingRole: iam.Role;
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly transcribeRule: events.Rule;
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: CompletionRelayProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'reelscope job completion notifications (topic and relay queues)' });
    // Named, so the key policy can name the topic's ARN: the topic's own reference would make the key depend on the topic it encrypts.
    const topicName = `${stack.stackName}-job-completions`;
    const topicArn = stack.formatArn({ service: 'sns', resource: topicName });
    this.topic = new sns.Topic(this, 'Topic', { topicName, masterKey: this.key, enforceSSL: true, displayName: 'reelscope job completions' });

    this.publishingRole = new iam.Role(this, 'RekognitionPublishing', {
      description: 'Rekognition Video publishes job completions to the reelscope topic',
      // Only Rekognition acting for this account: another account's job cannot be pointed at this role.
      assumedBy: new iam.ServicePrincipal('rekognition.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    // The role grants sns:Publish itself, so the topic needs no AmazonRekognition* name (that prefix is for the AmazonRekognitionServiceRole managed policy).
    this.publishingRole.addToPolicy(new iam.PolicyStatement({ sid: 'PublishCompletions', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    // Publishing to an encrypted topic takes a data key from the topic's key.
    this.publishingRole.addToPolicy(new iam.PolicyStatement({ sid: 'EncryptCompletions', actions: QUEUE_WRITER_KMS_ACTIONS, resources: [this.key.keyArn] }));

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetters, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the relay queue; a DLQ of a DLQ would only defer the alarm that watches it.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      visibilityTimeout: VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    new sns.Subscription(this, 'TopicToQueue', { topic: this.topic, endpoint: this.queue.queueArn, protocol: sns.SubscriptionProtocol.SQS });
    this.queue.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CompletionsTopicSends',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [this.queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': this.topic.topicArn } },
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CompletionsTopicWritesRelayQueue',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: QUEUE_WRITER_KMS_ACTIONS,
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:SourceArn': topicArn } },
    }));

    this.transcribeRule = new events.Rule(this, 'TranscribeJobEnded', {
      description: 'Transcribe jobs of reelscope analyses that ended, into the completion relay queue',
      eventPattern: {
        source: ['aws.transcribe'],
        detailType: ['Transcribe Job State Change'],
        detail: {
          TranscriptionJobStatus: ['COMPLETED', 'FAILED'],
          // Job names are wait tags, which start with the workflow id: other applications' jobs never reach the relay.
          TranscriptionJobName: events.Match.prefix(WORKFLOW_ID_PREFIX),
        },
      },
    });
    // The queue policy is written here rather than by targets.SqsQueue, which (without its feature
    // flags) lets any rule of any account send to an encrypted queue and gives EventBridge Encrypt
    // and ReEncrypt besides.
    this.transcribeRule.addTarget({ bind: () => ({ arn: this.queue.queueArn, targetResource: this.queue }) });
    this.queue.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'TranscribeRuleSends',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [this.queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': this.transcribeRule.ruleArn } },
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'TranscribeRuleWritesRelayQueue',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: QUEUE_WRITER_KMS_ACTIONS,
      resources: ['*'],
      // The account, not the rule: the rule's ARN would make the key depend on the rule that
      // targets the queue it encrypts. The queue policy above admits this one rule only.
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // Beyond the basics, only the queue it reads (granted by the event source).
    grantFunctionBasics(role, logGroup, props.secrets, props.vpc);

    this.function = repoFunction(this, {
      entry: 'relay/lambda.ts',
      role,
      logGroup,
      memorySize: 512,
      timeout: FUNCTION_TIMEOUT,
      environment: {
        ...props.temporalEnvironment,
        ...props.secrets.environment(),
        POWERTOOLS_SERVICE_NAME: 'reelscope-completion-relay',
      },
      vpc: props.vpc,
    });
    // No batching window: a notification is relayed as soon as it is polled (lag target p95 <= 2 s).
    // Failed messages are reported one by one, so a batch's relayed messages are not received again.
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));

    if (props.vpc) {
      acknowledge(role, {
        id: 'AwsSolutions-IAM4',
        reason: 'AWSLambdaVPCAccessExecutionRole: the network-interface permissions a VPC function needs (self-hosted Temporal is reachable only inside the VPC).',
        findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
      });
    }
  }

  /** The worker's settings for starting jobs that notify: Rekognition's channel, and Transcribe's rule being in place. */
  workerEnvironment(): Record<string, string> {
    return {
      REELSCOPE_REKOGNITION_NOTIFICATION_TOPIC_ARN: this.topic.topicArn,
      REELSCOPE_REKOGNITION_NOTIFICATION_ROLE_ARN: this.publishingRole.roleArn,
      REELSCOPE_TRANSCRIBE_NOTIFICATIONS: 'true',
    };
  }
}
