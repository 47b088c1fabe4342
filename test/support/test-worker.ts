import { randomUUID } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/create-activities';
import type { AnalysisSettings } from '../../backends/analysis-settings';
import type { AnalyzeMediaInput, MediaSource } from '../../common/types';
import { dataConverterFor, FAILURE_CONVERTER_PATH } from '../../codec/codec-config';
import { mediaIdFor } from '../../intake/media-identity';
import { createActivityDeps } from '../../worker/activity-deps';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config';
import { createReelscopeWorker } from '../../worker/create-worker';

/** Builds the workflow bundle once per test file (webpack takes seconds). */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  // As the production bundle (scripts/build-workflow-bundle.ts): workflow failures encoded.
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger });
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export interface TestWorker {
  taskQueue: string;
  client: Client;
  config: WorkerConfig;
  clients: AwsClients;
  deps: ActivityDeps;
  worker: Worker;
  /** Uploads a local file under incoming/<tenant>/ and returns the workflow input for it. */
  upload(path: string, options?: { tenant?: string; tier?: string; name?: string }): Promise<AnalyzeMediaInput>;
  stop(): Promise<void>;
}

/** Test uploads up to this size go as buffers, which the SDK retries; larger ones stream. */
const RETRYABLE_UPLOAD_BYTES = 64 * 1024 * 1024;

/** A real worker on its own task queue against the suite's dev server and local stores. */
export async function startTestWorker(
  bundle: WorkflowBundle,
  settings: Partial<AnalysisSettings> = {},
  overrideDeps: (deps: ActivityDeps) => ActivityDeps = (d) => d,
  /** Worker environment on top of the suite's (e.g. REELSCOPE_BACKEND=aws and fake AWS endpoints). */
  env: Record<string, string> = {},
): Promise<TestWorker> {
  const taskQueue = env['REELSCOPE_TASK_QUEUE'] ?? `test-${randomUUID()}`;
  const base = loadWorkerConfig({ ...process.env, ...env });
  const config: WorkerConfig = { ...base, taskQueue, analysis: { ...base.analysis, ...settings } };
  const clients = createAwsClients(config.aws);
  const address = process.env['TEMPORAL_ADDRESS'] as string;
  const workerConnection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  // With REELSCOPE_CODEC_KEYS in env, worker and client encrypt payloads like production.
  const dataConverter = dataConverterFor({ ...process.env, ...env });
  const client = new Client({ connection: clientConnection, dataConverter });
  const deps = overrideDeps(createActivityDeps(config, clients, { error() {}, info() {} }, client));
  const worker = await createReelscopeWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    deps,
    tuning: { ...config.tuning, shutdownGraceSeconds: 1 },
    workflowBundle: bundle,
    dataConverter,
  });
  const running = worker.run();
  return {
    taskQueue,
    client,
    config,
    clients,
    deps,
    worker,
    async upload(path, options = {}) {
      const tenant = options.tenant ?? 'acme';
      const key = `incoming/${tenant}/${randomUUID().slice(0, 8)}-${options.name ?? path.split('/').pop()}`;
      const size = statSync(path).size;
      const put = await clients.s3.send(
        // A buffer the SDK can send again: a stream cannot be retried, and the local bucket
        // sometimes closes a kept-alive socket just as a request reuses it (socket hang up).
        new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: size === 0 ? '' : size <= RETRYABLE_UPLOAD_BYTES ? readFileSync(path) : createReadStream(path), ContentLength: size }),
      );
      const source: MediaSource = { bucket: config.bucket, key, sizeBytes: size, ...(put.ETag ? { etag: put.ETag.replace(/"/g, '') } : {}) };
      return { mediaId: mediaIdFor(source), tenant, tier: options.tier ?? 'standard', source };
    },
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
      clients.destroy();
    },
  };
}
