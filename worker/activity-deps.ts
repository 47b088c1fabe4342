import type { ActivityDeps } from '../activities/create-activities';
import { logFailureNotifier } from '../activities/failure-notifier';
import { DEFAULT_PRICES } from '../activities/cost/price-table';
import { createLocalBackend } from '../activities/local/local-backend';
import { extractiveReportWriter } from '../activities/report/report-writer';
import { MediaRecords } from '../activities/storage/media-records';
import { ObjectStore } from '../activities/storage/object-store';
import type { AwsClients } from './aws-clients';
import type { WorkerConfig } from './config';

/** Wires the activities' dependencies from configuration and the process' shared clients. */
export function createActivityDeps(
  config: WorkerConfig,
  clients: AwsClients,
  log: { error(message: string, meta?: Record<string, unknown>): void },
): ActivityDeps {
  return {
    store: new ObjectStore(clients.s3, config.bucket),
    records: new MediaRecords(clients.doc, config.tables),
    backend: createLocalBackend(config.analysis),
    settings: config.analysis,
    notifier: logFailureNotifier(log),
    reportWriter: extractiveReportWriter,
    prices: DEFAULT_PRICES,
  };
}
