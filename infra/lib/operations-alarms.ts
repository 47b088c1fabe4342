import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FAILURE_LOG_MESSAGE } from '../../notifications/failure-notifier';
import { scheduleToStartLatency } from './worker-metrics';

export interface OperationsAlarmsProps {
  workerLogs: logs.ILogGroup;
  starterDeadLetters: sqs.IQueue;
  /** The completion relay: its dead-letter queue, its function, and the rule that feeds it Transcribe's events. */
  relay: { deadLetters: sqs.IQueue; function: lambda.IFunction; transcribeRule: events.IRule };
  taskQueue: string;
  email?: string;
}

/** The line the worker's failure notifier writes once per failed media (pino puts the message in `msg`). */
export const FAILURE_LOG_PATTERN = `{ $.msg = "${FAILURE_LOG_MESSAGE}" }`;

/**
 * What wakes someone up, all on one encrypted SNS topic: media that failed after retries,
 * uploads the starter could not start, job completions the relay could not deliver, and
 * workers that fall behind (tasks waiting for a slot or for an event loop). Each alarm names the first place to look in its description.
 */
export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'reelscope operations notifications' });
    // CloudWatch publishes alarm state changes to the encrypted topic with this key.
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Notifications', { masterKey: key, enforceSSL: true, displayName: 'reelscope operations' });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const failures = new logs.MetricFilter(this, 'FailedAnalysesFilter', {
      logGroup: props.workerLogs,
      filterPattern: logs.FilterPattern.literal(FAILURE_LOG_PATTERN),
      metricNamespace: 'Reelscope',
      metricName: 'FailedAnalyses',
      metricValue: '1',
      defaultValue: 0,
    });

    this.alarm('FailedAnalyses', {
      metric: failures.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'A media analysis failed after its retries. The failures table and the worker log line "media analysis failed" name the media, the step and the reason; the Web UI shows the run.',
    });
    this.alarm('StarterDeadLetters', {
      metric: props.starterDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'Uploads the starter could not turn into workflows (Temporal unreachable, bad credential). Fix the cause, then redrive the queue into the starter function: starts are idempotent.',
    });
    // The relay is a fast path: the worker's safety-net check still ends every wait, minutes later.
    // These say the fast path is broken, so analyses have slowed down, not failed.
    this.alarm('RelayDeadLetters', {
      metric: props.relay.deadLetters.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'Job completions the relay could not hand to Temporal after 5 tries (Temporal unreachable, bad credential); the waits end by the worker\'s safety-net check instead. Fix the cause (the relay function\'s log), then redrive the queue into the relay queue: completions are idempotent.',
    });
    this.alarm('RelayErrors', {
      metric: props.relay.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'Relay invocations failed as a whole (no Temporal connection, or a crash), so whole batches return to the queue. Check the relay function\'s log.',
    });
    this.alarm('TranscribeRuleFailedDeliveries', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: props.relay.transcribeRule.ruleName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'EventBridge could not put Transcribe job events on the relay queue (queue policy or KMS key policy); those never reach the dead-letter queue. Check the rule target and the key policy.',
    });
    this.alarm('ActivityBacklog', {
      metric: scheduleToStartLatency('activity', props.taskQueue, Duration.minutes(5)),
      threshold: 30_000,
      evaluationPeriods: 3,
      alarmDescription: 'Activity tasks wait over 30 s for a worker slot for 15 minutes: the service is at its maximum task count or the tasks are unhealthy. Check the ECS service events and the slots metrics.',
    });
    this.alarm('WorkflowTaskLatency', {
      metric: scheduleToStartLatency('workflow_task', props.taskQueue, Duration.minutes(1)),
      threshold: 2_000,
      evaluationPeriods: 5,
      alarmDescription: 'Workflow tasks wait over 2 s for 5 minutes: worker event loops are saturated (CPU) or too few workers poll. Check task CPU and the workflow cache size.',
    });
  }

  private alarm(id: string, props: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'>): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no failures and no backlog, not an unknown state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
