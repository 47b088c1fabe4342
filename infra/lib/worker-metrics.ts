import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Duration } from 'aws-cdk-lib';

/** Where the worker's SDK metrics land in CloudWatch. */
export const WORKER_METRICS_NAMESPACE = 'Reelscope/Worker';

/** The worker serves Prometheus here; only the collector in the same task scrapes it. */
export const WORKER_METRICS_ADDRESS = '127.0.0.1:9464';

/** The AWS Distro for OpenTelemetry collector; bump deliberately, like any other dependency. */
export const METRICS_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0';

/**
 * The collector's configuration: scrape the worker's Prometheus endpoint and write the few
 * series that matter for scaling and alarms as CloudWatch embedded-metric logs. Slots are
 * gauges, dimensioned by worker type; schedule-to-start latencies (milliseconds, the SDK's
 * default unit) are histograms, which CloudWatch receives as statistic sets (average, count).
 */
export function metricsCollectorConfig(logGroupName: string): string {
  return `receivers:
  prometheus:
    config:
      global:
        scrape_interval: 30s
      scrape_configs:
        - job_name: reelscope-worker
          static_configs:
            - targets: ['${WORKER_METRICS_ADDRESS}']
exporters:
  awsemf:
    namespace: ${WORKER_METRICS_NAMESPACE}
    log_group_name: ${logGroupName}
    log_stream_name: '{TaskId}'
    dimension_rollup_option: NoDimensionRollup
    metric_declarations:
      - dimensions: [[worker_type]]
        metric_name_selectors:
          - '^temporal_worker_task_slots_(used|available)$'
      - dimensions: [[task_queue]]
        metric_name_selectors:
          - '^temporal_(activity|workflow_task)_schedule_to_start_latency$'
service:
  pipelines:
    metrics:
      receivers: [prometheus]
      exporters: [awsemf]
`;
}

/** Activity slots in use, averaged over the running tasks: the autoscaling signal. */
export function activitySlotsUsed(period = Duration.minutes(1)): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: WORKER_METRICS_NAMESPACE,
    metricName: 'temporal_worker_task_slots_used',
    dimensionsMap: { worker_type: 'ActivityWorker' },
    statistic: cloudwatch.Stats.AVERAGE,
    period,
  });
}

/**
 * How long tasks wait for a worker, in milliseconds: backlog made visible. Activity tasks
 * waiting means every slot is busy; workflow tasks waiting means the event loops are saturated.
 * No unit filter: embedded-metric data arrives without one, and an alarm with a unit would
 * match nothing.
 */
export function scheduleToStartLatency(task: 'activity' | 'workflow_task', taskQueue: string, period = Duration.minutes(1)): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: WORKER_METRICS_NAMESPACE,
    metricName: `temporal_${task}_schedule_to_start_latency`,
    dimensionsMap: { task_queue: taskQueue },
    statistic: cloudwatch.Stats.AVERAGE,
    period,
  });
}
