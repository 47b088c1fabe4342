import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { keepApiKeyFresh, loadTemporalSettings } from '../common/temporal-connection';
import { createActivityDeps } from './activity-deps';
import { createAwsClients } from '../common/aws-clients';
import { loadWorkerConfig } from './config';
import { createReelscopeWorker } from './create-worker';
import { startHealthServer } from './health-server';
import { createLogger, installTemporalRuntime } from './logger';

/**
 * The prebuilt workflow bundle (`npm run build:bundle`, done in the image build, which sets
 * this). Unset, the worker bundles workflows/ with webpack at start: right in development,
 * where a leftover bundle would run stale workflow code, too slow for a production launch.
 */
const PRODUCTION_BUNDLE = process.env['REELSCOPE_WORKFLOW_BUNDLE'];

/** Worker entry point: runs until SIGINT/SIGTERM, then drains within the grace time. */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger('reelscope-worker', config.logLevel);
  installTemporalRuntime(logger, { metricsBindAddress: config.metricsBindAddress });
  const readSecret = secretsManagerReader();
  const settings = await loadTemporalSettings(process.env, readSecret);
  const { connectionOptions, namespace, dataConverter } = settings;
  const connection = await NativeConnection.connect(connectionOptions);
  // Activities ask the job-quota semaphores for permits through an ordinary client. Only the
  // aws backend's jobs count against account quotas; a local worker opens no second connection.
  const clientConnection = config.backend === 'aws' ? await Connection.connect(connectionOptions) : undefined;
  const client = clientConnection && new Client({ connection: clientConnection, namespace, dataConverter });
  // A key rotated in its secret reaches both connections without a restart.
  const apiKeys = keepApiKeyFresh(settings, readSecret, [connection, ...(clientConnection ? [clientConnection] : [])], {
    onError: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Temporal API key refresh failed; the current key stays'),
    onRotated: (secretId) => logger.info({ secretId }, 'Temporal API key rotated'),
  });
  const clients = createAwsClients(config.aws);
  let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
  try {
    if (PRODUCTION_BUNDLE && !existsSync(PRODUCTION_BUNDLE)) throw new Error(`REELSCOPE_WORKFLOW_BUNDLE=${PRODUCTION_BUNDLE} does not exist`);
    const worker = await createReelscopeWorker({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      deps: createActivityDeps(config, clients, logger, client),
      tuning: config.tuning,
      workflowBundle: PRODUCTION_BUNDLE ? { codePath: PRODUCTION_BUNDLE } : undefined,
      dataConverter,
      deployment: config.deployment,
    });
    if (config.healthPort) health = await startHealthServer(config.healthPort, () => worker.getState());
    logger.info(
      {
        taskQueue: config.taskQueue,
        namespace,
        backend: config.backend,
        deployment: config.deployment ?? 'unversioned',
        workflowBundle: PRODUCTION_BUNDLE ?? 'bundled at start',
        tuning: config.tuning,
        metrics: config.metricsBindAddress ?? 'off',
      },
      'worker started',
    );
    await worker.run();
    logger.info('worker stopped');
  } finally {
    apiKeys.stop();
    await health?.close();
    await connection.close();
    await clientConnection?.close();
    clients.destroy();
  }
}

main().catch((err: unknown) => {
  console.error('worker failed:', err);
  process.exit(1);
});
