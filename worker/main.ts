import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { loadTemporalSettings } from '../common/temporal-connection';
import { createActivityDeps } from './activity-deps';
import { createAwsClients } from './aws-clients';
import { loadWorkerConfig } from './config';
import { createReelscopeWorker } from './create-worker';
import { createLogger, routeTemporalLogs } from './logger';

/** Where the production bundle is built; REELSCOPE_WORKFLOW_BUNDLE points elsewhere (tests). */
const PRODUCTION_BUNDLE = process.env['REELSCOPE_WORKFLOW_BUNDLE'] ?? join(__dirname, '..', 'dist', 'workflow-bundle.js');

/** Worker entry point: runs until SIGINT/SIGTERM, then drains within the grace time. */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger('reelscope-worker', config.logLevel);
  routeTemporalLogs(logger);
  const { connectionOptions, namespace, dataConverter } = await loadTemporalSettings(
    process.env,
    process.env['REELSCOPE_TEMPORAL_SECRET_ID'] ? secretsManagerReader() : undefined,
  );
  const connection = await NativeConnection.connect(connectionOptions);
  // Activities ask the job-quota semaphores for permits through an ordinary client.
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({ connection: clientConnection, namespace, dataConverter });
  const clients = createAwsClients(config.aws);
  try {
    const worker = await createReelscopeWorker({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      deps: createActivityDeps(config, clients, logger, client),
      maxConcurrentActivities: config.maxConcurrentActivities,
      shutdownGraceSeconds: config.shutdownGraceSeconds,
      workflowBundle: existsSync(PRODUCTION_BUNDLE) ? { codePath: PRODUCTION_BUNDLE } : undefined,
      dataConverter,
    });
    logger.info({ taskQueue: config.taskQueue, namespace, backend: config.backend }, 'worker started');
    await worker.run();
  } finally {
    await connection.close();
    await clientConnection.close();
    clients.destroy();
  }
}

main().catch((err: unknown) => {
  console.error('worker failed:', err);
  process.exit(1);
});
