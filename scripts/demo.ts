/**
 * The main job: analyses one media file end to end on the embedded default.
 *   npm run demo                 # a generated ~21 s sample clip (LibriVox speech)
 *   npm run demo -- my-video.mp4 # your own file
 * Starts the Temporal dev server (Web UI on), s3rver, dynalite and a worker, then runs the
 * CLI's `analyze` (upload under incoming/<tenant>/, the starter's handler, live progress)
 * and `report`, and prints the record, the report and the Web UI link. With --keep-running the
 * stack stays up and records how to reach it for the CLI (local/stack-connection.ts).
 */
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Command } from 'commander';
import pino from 'pino';
import { openCliContext, type CliOutput } from '../cli/cli-context';
import { analyze } from '../cli/commands/analyze';
import { report } from '../cli/commands/report';
import { dataConverterFor } from '../codec/codec-config';
import { errorText } from '../common/error-text';
import { printable } from '../common/printable-text';
import { ensureSampleClip } from '../local/sample-clip';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { demoDataDir, removeStackConnection, writeStackConnection } from '../local/stack-connection';
import { createActivityDeps } from '../worker/activity-deps';
import { createAwsClients, type AwsClients } from '../worker/aws-clients';
import { loadWorkerConfig } from '../worker/config';
import { createReelscopeWorker } from '../worker/create-worker';
import { installTemporalRuntime } from '../worker/logger';

const root = resolve(__dirname, '..');

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run demo --')
    .argument('[file]', 'media file to analyse (default: a generated sample clip)')
    .option('--tenant <tenant>', 'tenant the upload belongs to', 'demo')
    .option('--keep-running', 'keep the servers up after the run, for the Web UI and the CLI')
    .parse();
  const [file] = program.args;
  const options = program.opts<{ tenant: string; keepRunning?: boolean }>();
  const mediaPath = file ? resolve(file) : await ensureSampleClip(join(root, '.data', 'samples', 'sample.mp4'));
  statSync(mediaPath); // fail early, with the path, when the file does not exist

  const dataDir = demoDataDir();
  const ports = {
    temporal: Number(process.env['REELSCOPE_DEMO_TEMPORAL_PORT'] ?? 7233),
    ui: Number(process.env['REELSCOPE_DEMO_UI_PORT'] ?? 8233),
  };
  step(`starting Temporal dev server (:${ports.temporal}, UI :${ports.ui}), s3rver and dynalite under ${dataDir}`);
  const stack = await startLocalStack({
    dataDir,
    bucket: 'reelscope-media',
    tables: { records: 'reelscope-media', failures: 'reelscope-failures' },
    persistent: true,
    ports,
    // REELSCOPE_CODEC_KEYS set: history is encrypted, and the Web UI decrypts through a local codec server.
    uiCodec: dataConverterFor(process.env).payloadCodecs?.[0],
  });
  // From here on, one shutdown path for Ctrl-C and SIGTERM: the worker, the clients, then every server.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
  const stackEnv: Record<string, string> = { ...stack.env, ...(stack.uiUrl ? { REELSCOPE_WEB_UI_URL: stack.uiUrl } : {}) };
  Object.assign(process.env, stackEnv);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;
  let cli: Awaited<ReturnType<typeof openCliContext>> | undefined;
  let clients: AwsClients | undefined;
  try {
    const config = loadWorkerConfig();
    await mkdir(dataDir, { recursive: true });
    // Worker and SDK logs go to a file so the terminal shows only the progress.
    const logger = pino({ level: config.logLevel, base: { service: 'reelscope-worker' } }, pino.destination(join(dataDir, 'worker.log')));
    installTemporalRuntime(logger, { shutdownSignals: [] });
    clients = createAwsClients(config.aws);
    workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
    worker = await createReelscopeWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: config.taskQueue,
      deps: createActivityDeps(config, clients, logger),
      tuning: config.tuning,
      dataConverter: dataConverterFor(process.env),
    });
    running = worker.run();
    cli = await openCliContext(process.env);
    const out: CliOutput = { json: false, interactive: process.stdout.isTTY === true, print: (text) => console.log(printable(text).replace(/^/gm, '   ')) };
    step(`analysing ${mediaPath} as tenant ${options.tenant} (the CLI's analyze: upload, starter, progress)`);
    const analysed = analyze(cli, mediaPath, { tenant: options.tenant, wait: true }, out).catch((err: unknown) => {
      step(`failed: ${errorText(err)}`);
      process.exitCode = 1;
      return undefined;
    });
    const outcome = await Promise.race([analysed, stopped.then(() => 'interrupted' as const)]);
    if (outcome === 'interrupted') {
      step('interrupted: the analysis is durable and goes on when the demo (or a worker) runs again');
      process.exitCode = 130;
      return;
    }
    if (outcome?.result?.status === 'COMPLETED' && outcome.result.report) {
      const outDir = join(dataDir, 'reports', outcome.mediaId);
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, 'report.json'), await cli.store.getBytes(outcome.result.report.jsonRef));
      step('report (the CLI\'s report):');
      await report(cli, outcome.mediaId, { html: join(outDir, 'report.html'), open: false }, out);
      step(`report.json: ${join(outDir, 'report.json')}`);
    }
    const record = outcome ? await cli.records.get(outcome.mediaId) : undefined;
    if (outcome) step(`record ${outcome.mediaId}: status ${String(record?.['status'])}`);
    if (outcome && stack.uiUrl) step(`Web UI: ${stack.uiUrl}/namespaces/default/workflows/${outcome.workflowId}`);
    if (options.keepRunning) {
      writeStackConnection(dataDir, { pid: process.pid, env: stackEnv });
      step(keptStackHelp(stack, options.tenant));
      await stopped;
    }
  } finally {
    removeStackConnection(dataDir);
    // The worker may not have started, or a failed run may have stopped it already.
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch((err: unknown) => step(`worker stopped with an error: ${errorText(err)}`));
    await workerConnection?.close();
    await cli?.close();
    clients?.destroy();
    await stack.stop();
    if (options.keepRunning) step('stopped: worker, Temporal dev server and stores');
  }
}

function keptStackHelp(stack: LocalStack, tenant: string): string {
  return [
    'servers keep running; Ctrl-C (or SIGTERM) stops them all.',
    '  In another terminal (the CLI finds this stack by itself, no variables needed):',
    `    npm run cli -- analyze path/to/other.mp4 --tenant ${tenant}`,
    `    npm run cli -- list --tenant ${tenant}`,
    `  Temporal ${stack.temporalAddress}${stack.uiUrl ? `, Web UI ${stack.uiUrl}` : ''}, S3 ${stack.s3Endpoint}, DynamoDB ${stack.dynamoDbEndpoint}`,
  ].join('\n');
}

function step(message: string): void {
  console.log(`» ${printable(message)}`);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${printable(errorText(err))}`);
  process.exit(1);
});
