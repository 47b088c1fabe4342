import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import type { InfraConfig } from './infra-config';
import { METRICS_COLLECTOR_IMAGE, WORKER_METRICS_ADDRESS, activitySlotsUsed, metricsCollectorConfig } from './worker-metrics';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const HEALTH_PORT = 8080;

export interface WorkerServiceProps {
  vpc: ec2.IVpc;
  worker: InfraConfig['worker'];
  /** Everything the worker reads from REELSCOPE_* and TEMPORAL_* (no secret values). */
  environment: Record<string, string>;
  /** The Temporal frontend's port (Cloud and self-hosted alike): the only egress besides HTTPS. */
  temporalPort: number;
}

/**
 * The Temporal workers: one Fargate service polling one task queue, plus one per draining
 * build while versioned builds roll over (docs/DEPLOYING.md, "Worker versioning"). It has no inbound
 * traffic, so no load balancer: ECS judges health by the worker's /healthz (200 only while
 * the worker is RUNNING), and a task stopped by a deployment or scale-in gets SIGTERM, drains
 * for the configured grace time, and has until the stop timeout before SIGKILL. Activities
 * still running at that point are retried elsewhere and resume from their heartbeats.
 */
export class WorkerService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, private readonly props: WorkerServiceProps) {
    super(scope, id);
    const { worker } = props;
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });

    this.taskRole = new iam.Role(this, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    const metricsLogs = new logs.LogGroup(this, 'MetricsLogs', { retention: logs.RetentionDays.ONE_WEEK });
    metricsLogs.grantWrite(this.taskRole);

    // Egress only where the worker talks: HTTPS for the AWS APIs (S3 and DynamoDB through the
    // gateway endpoints, the rest through the NAT) and gRPC to Temporal. Media is hostile input:
    // were a demuxer ever talked into fetching a URL, no other port of any host is reachable.
    // (Security groups never filter the VPC's DNS resolver or the ECS credentials endpoint.)
    const securityGroup = new ec2.SecurityGroup(this, 'Egress', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: 'reelscope workers: HTTPS to AWS APIs and gRPC to Temporal, nothing inbound',
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs (and Temporal Cloud on 443)');
    if (props.temporalPort !== 443) securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(props.temporalPort), 'Temporal frontend');

    const shared = { cluster, securityGroup, metricsLogs, environment: props.environment };
    const currentBuild = worker.buildId ?? worker.image?.tag;
    this.service = this.addBuild(this, shared, workerImage(this, worker.image), currentBuild);
    // A draining build keeps the scaling of a current one: until the new build is made current,
    // it still takes every new run, and after that its pinned runs' activities.
    for (const draining of worker.drainingBuilds) {
      const scope = new Construct(this, `Build-${draining.buildId.replace(/[^A-Za-z0-9]/g, '-')}`);
      const repository = ecr.Repository.fromRepositoryName(scope, 'Repository', (worker.image as { repository: string }).repository);
      this.addBuild(scope, shared, ecs.ContainerImage.fromEcrRepository(repository, draining.tag), draining.buildId);
    }
  }

  /**
   * One build's task definition and service. With a build id its workers poll as that Worker
   * Deployment version, so several builds share the task queue and each gets only its own runs.
   */
  private addBuild(
    scope: Construct,
    shared: { cluster: ecs.Cluster; securityGroup: ec2.SecurityGroup; metricsLogs: logs.LogGroup; environment: Record<string, string> },
    image: ecs.ContainerImage,
    buildId: string | undefined,
  ): ecs.FargateService {
    const { worker } = this.props;
    const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task', {
      cpu: worker.cpu,
      memoryLimitMiB: worker.memoryMiB,
      taskRole: this.taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });

    // V8's heap gets half the task: ffmpeg and ffprobe children, the wasm classifier and the
    // SDK's Rust core all live outside it, and an OOM-killed task loses its running activities.
    const heapMiB = Math.floor(worker.memoryMiB / 2);
    const stopTimeout = Math.min(worker.shutdownGraceSeconds + 10, 120);
    const container = taskDefinition.addContainer('worker', {
      image,
      essential: true,
      stopTimeout: Duration.seconds(stopTimeout),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'worker', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      environment: {
        ...shared.environment,
        ...(buildId ? { REELSCOPE_DEPLOYMENT_NAME: worker.deploymentName, REELSCOPE_BUILD_ID: buildId } : {}),
        REELSCOPE_MAX_CONCURRENT_ACTIVITIES: String(worker.maxConcurrentActivities),
        ...(worker.maxConcurrentWorkflowTasks ? { REELSCOPE_MAX_CONCURRENT_WORKFLOW_TASKS: String(worker.maxConcurrentWorkflowTasks) } : {}),
        ...(worker.maxCachedWorkflows !== undefined ? { REELSCOPE_MAX_CACHED_WORKFLOWS: String(worker.maxCachedWorkflows) } : {}),
        REELSCOPE_SHUTDOWN_GRACE_SECONDS: String(worker.shutdownGraceSeconds),
        REELSCOPE_HEALTH_PORT: String(HEALTH_PORT),
        REELSCOPE_METRICS_BIND_ADDRESS: WORKER_METRICS_ADDRESS,
        // A 16 MiB semi-space: V8's default young generation took 128 MiB per isolate at 500 in flight (BENCHMARKS §4).
        NODE_OPTIONS: `--max-old-space-size=${heapMiB} --max-semi-space-size=16 --enable-source-maps`,
      },
      healthCheck: {
        command: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${HEALTH_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });

    const collector = taskDefinition.addContainer('metrics', {
      image: ecs.ContainerImage.fromRegistry(METRICS_COLLECTOR_IMAGE),
      // Losing metrics must never stop the worker.
      essential: false,
      memoryReservationMiB: 128,
      environment: { AOT_CONFIG_CONTENT: metricsCollectorConfig(shared.metricsLogs.logGroupName) },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'metrics', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
    });
    collector.addContainerDependencies({ container, condition: ecs.ContainerDependencyCondition.START });

    const service = new ecs.FargateService(scope, 'Service', {
      cluster: shared.cluster,
      taskDefinition,
      securityGroups: [shared.securityGroup],
      desiredCount: worker.minTasks,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
    });

    const scaling = service.autoScaleTaskCount({ minCapacity: worker.minTasks, maxCapacity: worker.maxTasks });
    // Slots track work in hand even when the work is idle polling of Rekognition jobs, which
    // CPU does not show; CPU catches the ffmpeg-heavy phases (probe, thumbnails, audio tracks).
    scaling.scaleToTrackCustomMetric('ActivitySlots', {
      metric: activitySlotsUsed(),
      targetValue: Math.max(1, Math.round(worker.maxConcurrentActivities * 0.7)),
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(10),
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 65, scaleOutCooldown: Duration.minutes(1), scaleInCooldown: Duration.minutes(10) });

    acknowledge(
      taskDefinition,
      {
        id: 'AwsSolutions-ECS2',
        reason: 'The environment holds non-secret settings only (names, sizes, addresses); credentials are read from Secrets Manager by the secret ids it carries.',
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'The execution role pulls the worker image: ecr:GetAuthorizationToken has no resource-level permission.',
        findings: ['Resource::*'],
      },
    );
    return service;
  }
}

/** A prebuilt image from ECR when configured, else ./Dockerfile built and pushed by `cdk deploy`. */
function workerImage(scope: Construct, image: InfraConfig['worker']['image']): ecs.ContainerImage {
  if (image) return ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(scope, 'Repository', image.repository), image.tag);
  return ecs.ContainerImage.fromAsset(REPO_ROOT, { file: 'Dockerfile', platform: Platform.LINUX_AMD64 });
}
