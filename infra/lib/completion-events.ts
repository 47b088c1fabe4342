import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTCOME_DETAIL_TYPES, OUTCOME_EVENT_SOURCE } from '../../common/outcome-event';
import { acknowledge } from './acknowledge';

export interface CompletionEventsProps {
  /** The custom bus's name. */
  busName: string;
}

/**
 * Where the worker says a media is done: a custom EventBridge bus (other teams' rules in this
 * account subscribe there, away from the account's AWS events; another account's rules need
 * a bus policy that grants it, which this construct does not add), an example subscriber (a
 * rule for completed analyses into a queue), and the per-tenant webhook table the worker
 * reads from Secrets Manager, `{"<tenant>": {"url": "https://...", "secret": "..."}}`. The
 * secret is created as `{}` (no webhooks) and filled by operators: URLs and signing secrets
 * never pass through a template.
 */
export class CompletionEvents extends Construct {
  readonly bus: events.EventBus;
  readonly completedRule: events.Rule;
  readonly completedQueue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly webhooks: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CompletionEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.busName, description: 'reelscope: how each media analysis ended' });

    this.deadLetters = new sqs.Queue(this, 'CompletedDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetters, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the example subscriber queue and of the rule target; a DLQ of a DLQ would only defer the message.',
    });
    this.completedQueue = new sqs.Queue(this, 'Completed', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });

    this.completedRule = new events.Rule(this, 'CompletedToQueue', {
      eventBus: this.bus,
      description: 'Example subscriber: completed analyses into an SQS queue',
      // The names the worker publishes with (common/outcome-event.ts), so the rule cannot drift from them.
      eventPattern: { source: [OUTCOME_EVENT_SOURCE], detailType: [OUTCOME_DETAIL_TYPES.completed] },
      // The target adds the queue policy: events.amazonaws.com may send, for this rule's ARN only.
      targets: [new targets.SqsQueue(this.completedQueue, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.deadLetters })],
    });

    this.webhooks = new secretsmanager.Secret(this, 'Webhooks', {
      description: 'reelscope completion webhooks per tenant: {"<tenant>": {"url": "https://...", "secret": "<signing secret>"}}',
      // An empty table, not a credential: the real entries are put out of band.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.webhooks, {
      id: 'AwsSolutions-SMG4',
      reason: 'Rotated out of band: a webhook signing secret is shared with the receiving tenant, so a new one is agreed with them and put here; a rotation Lambda cannot do that.',
    });
  }

  /** Lets a worker publish to this bus (and no other) and read the webhook table. */
  grantPublish(role: iam.IGrantable): void {
    this.bus.grantPutEventsTo(role);
    this.webhooks.grantRead(role);
  }

  /** The environment that points the worker at the bus and the webhook table. */
  environment(): Record<string, string> {
    return { REELSCOPE_EVENT_BUS: this.bus.eventBusName, REELSCOPE_WEBHOOKS_SECRET_ID: this.webhooks.secretArn };
  }
}
