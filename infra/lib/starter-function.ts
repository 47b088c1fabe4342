import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import { grantFunctionBasics, repoFunction } from './repo-function';
import type { TemporalSecrets } from './temporal-secrets';

export interface StarterFunctionProps {
  bucket: s3.IBucket;
  incomingPrefix: string;
  suffixes: string[];
  minSizeBytes: number;
  taskQueue: string;
  temporalEnvironment: Record<string, string>;
  secrets: TemporalSecrets;
  extraEnvironment: Record<string, string>;
  /** Set for a self-hosted cluster reachable only from inside the VPC. */
  vpc?: ec2.IVpc;
}

/**
 * The starter Lambda (starter/lambda.ts, bundled by esbuild) behind an EventBridge rule.
 * Two failure paths both end in one dead-letter queue, so nothing is lost silently: events
 * EventBridge could not deliver (after its retries) and invocations that failed (after
 * Lambda's async retries), e.g. while Temporal was unreachable. Redriving the queue into the
 * function is safe: starts are idempotent by workflow id.
 */
export class StarterFunction extends Construct {
  readonly function: NodejsFunction;
  readonly deadLetters: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: StarterFunctionProps) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetters, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the rule target and of the function; a DLQ of a DLQ would only defer the alarm that watches it.',
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // The basics and nothing else: the starter never touches S3 or DynamoDB.
    grantFunctionBasics(role, logGroup, props.secrets, props.vpc);

    this.function = repoFunction(this, {
      entry: 'starter/lambda.ts',
      role,
      logGroup,
      memorySize: 512,
      // Connecting to Temporal Cloud on a cold start takes a second or two; a start call is ms.
      timeout: Duration.seconds(30),
      environment: {
        ...props.temporalEnvironment,
        ...props.secrets.environment(),
        REELSCOPE_TASK_QUEUE: props.taskQueue,
        REELSCOPE_INCOMING_PREFIX: props.incomingPrefix,
        REELSCOPE_SUFFIXES: props.suffixes.join(','),
        REELSCOPE_MIN_SIZE_BYTES: String(props.minSizeBytes),
        POWERTOOLS_SERVICE_NAME: 'reelscope-starter',
        ...props.extraEnvironment,
      },
      vpc: props.vpc,
    });
    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetters),
    });

    this.rule = new events.Rule(this, 'ObjectCreated', {
      description: `Starts an analysis for media created under ${props.incomingPrefix}`,
      eventPattern: objectCreatedPattern(props),
      targets: [
        new targets.LambdaFunction(this.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: this.deadLetters,
        }),
      ],
    });

    if (props.vpc) {
      acknowledge(role, {
        id: 'AwsSolutions-IAM4',
        reason: 'AWSLambdaVPCAccessExecutionRole: the network-interface permissions a VPC function needs (self-hosted Temporal is reachable only inside the VPC).',
        findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
      });
    }
  }
}

/**
 * S3 "Object Created" events for this bucket, under the incoming prefix, of at least the
 * minimum size. File endings are the starter's to check (case-insensitively, from the same
 * list): EventBridge wildcards are case-sensitive, and every accepted ending in both cases
 * would pass the 2,048-character limit of an event pattern. A non-media upload under the
 * prefix costs one short invocation that logs why it was refused.
 */
function objectCreatedPattern(props: Pick<StarterFunctionProps, 'bucket' | 'incomingPrefix' | 'minSizeBytes'>): events.EventPattern {
  return {
    source: ['aws.s3'],
    detailType: ['Object Created'],
    detail: {
      bucket: { name: [props.bucket.bucketName] },
      object: {
        key: events.Match.prefix(props.incomingPrefix),
        size: events.Match.greaterThanOrEqual(props.minSizeBytes),
      },
    },
  };
}
