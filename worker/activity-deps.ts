import type { Client } from '@temporalio/client';
import { createAwsBackend } from '../backends/aws/aws-backend';
import { createAwsFaceEnroller } from '../backends/aws/face-collection';
import { KnownPeople } from '../backends/known-people';
import type { ActivityDeps } from '../activities/create-activities';
import { logFailureNotifier, type FailureLog } from '../notifications/failure-notifier';
import { eventBridgePublisher, logOutcomePublisher, type OutcomeLog } from '../notifications/outcome-publisher';
import { secretWebhookRegistry, staticWebhookRegistry, type WebhookRegistry } from '../notifications/webhook-registry';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { createLocalBackend } from '../backends/local/local-backend';
import { createLocalFaceEnroller } from '../backends/local/local-faces';
import { createBedrockReportWriter } from '../report/bedrock/bedrock-report-writer';
import { extractiveReportWriter, withExtractiveFallback } from '../report/report-writer';
import { MediaRecords } from '../storage/media-records';
import { ObjectStore } from '../storage/object-store';
import type { AwsClients } from '../common/aws-clients';
import type { WorkerConfig } from './config';

/** Wires the activities' dependencies from configuration and the process' shared clients. */
export function createActivityDeps(
  config: WorkerConfig,
  clients: AwsClients,
  log: FailureLog & OutcomeLog,
  /** Reaches the job-quota semaphores; without it a backend with quotas cannot run its jobs. */
  temporal?: Client,
): ActivityDeps {
  const store = new ObjectStore(clients.s3, config.bucket, { kmsKeyId: config.aws.kmsKeyId });
  const local = createLocalBackend(config.analysis, new KnownPeople(store, createLocalFaceEnroller()));
  const backend =
    config.backend === 'aws'
      ? createAwsBackend({
          rekognition: clients.rekognition,
          transcribe: clients.transcribe,
          settings: config.awsBackend,
          prices: config.prices,
          // The worker image has ffmpeg: keyframes and transcript moderation stay on it.
          onWorker: { thumbnails: local.runners.thumbnails, audioModeration: local.runners.audioModeration },
          knownPeople: new KnownPeople(store, createAwsFaceEnroller(clients.rekognition)),
        })
      : local;
  return {
    store,
    records: new MediaRecords(clients.doc, config.tables),
    backend,
    settings: config.analysis,
    notifier: logFailureNotifier(log),
    reportWriter:
      config.backend === 'aws' ? withExtractiveFallback(createBedrockReportWriter(clients.bedrock, config.bedrock)) : extractiveReportWriter,
    prices: config.prices,
    archive: config.archive,
    announce: {
      publisher: config.announce.eventBus ? eventBridgePublisher(clients.eventBridge, config.announce.eventBus) : logOutcomePublisher(log),
      webhooks: webhookRegistry(config),
      delivery: config.announce.delivery,
    },
    ...(temporal ? { quota: { client: temporal, limits: config.quotas, scope: config.quotaScope } } : {}),
  };
}

function webhookRegistry({ announce }: WorkerConfig): WebhookRegistry {
  const source = announce.webhooks;
  if (!source) return staticWebhookRegistry(new Map());
  return 'table' in source ? staticWebhookRegistry(source.table) : secretWebhookRegistry(secretsManagerReader(), source.secretId);
}
