/**
 * The main job: analyses one media file end to end on the embedded default.
 *   npm run demo                 # a generated ~21 s sample clip (LibriVox speech)
 *   npm run demo -- my-video.mp4 # your own file
 * Starts the Temporal dev server (Web UI on), s3rver, dynalite and a worker, then runs the
 * CLI's `analyze` (upload under incoming/<tenant>/, the starter's handler, live progress)
 * and `report`, and prints the record, the report and the Web UI link.
 */
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { Command } from 'commander';
import pino from 'pino';
import { openCliContext, type CliOutput } from '../cli/cli-context';
import { analyze } from '../cli/commands/analyze';
import { report } from '../cli/commands/report';
import { dataConverterFor } from '../codec/codec-config';
import { ensureSampleClip } from '../local/sample-clip';
import { startLocalStack } from '../local/local-stack';
import { createActivityDeps } from '../worker/activity-deps';
import { createAwsClients } from '../worker/aws-clients';
import { loadWorkerConfig } from '../worker/config';
import { createReelscopeWorker } from '../worker/create-worker';
import { installTemporalRuntime } from '../worker/logger';

const root = resolve(__dirname, '..');
const dataDir = join(root, '.data', 'demo');

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run demo --')
    .argument('[file]', 'media file to analyse (default: a generated sample clip)')
    .option('--tenant <tenant>', 'tenant the upload belongs to', 'demo')
    .option('--keep-running', 'keep the servers up after the run, for the Web UI')
    .parse();
  const [file] = program.args;
  const options = program.opts<{ tenant: string; keepRunning?: boolean }>();
  const mediaPath = file ? resolve(file) : await ensureSampleClip(join(root, '.data', 'samples', 'sample.mp4'));
  statSync(mediaPath); // fail early, with the path, when the file does not exist

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
  Object.assign(process.env, stack.env, stack.uiUrl ? { REELSCOPE_WEB_UI_URL: stack.uiUrl } : {});
  const config = loadWorkerConfig();
  await mkdir(dataDir, { recursive: true });
  // Worker and SDK logs go to a file so the terminal shows only the progress.
  const logger = pino({ level: config.logLevel, base: { service: 'reelscope-worker' } }, pino.destination(join(dataDir, 'worker.log')));
  installTemporalRuntime(logger);
  const clients = createAwsClients(config.aws);
  const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const worker = await createReelscopeWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue: config.taskQueue,
    deps: createActivityDeps(config, clients, logger),
    tuning: config.tuning,
    dataConverter: dataConverterFor(process.env),
  });
  const running = worker.run();
  const cli = await openCliContext(process.env);
  const out: CliOutput = { json: false, interactive: process.stdout.isTTY === true, print: (text) => console.log(text.replace(/^/gm, '   ')) };
  try {
    step(`analysing ${mediaPath} as tenant ${options.tenant} (the CLI's analyze: upload, starter, progress)`);
    const outcome = await analyze(cli, mediaPath, { tenant: options.tenant, wait: true }, out).catch((err: unknown) => {
      step(`failed: ${err instanceof Error ? `${err.message}; cause: ${String(err.cause)}` : String(err)}`);
      process.exitCode = 1;
      return undefined;
    });
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
      step('servers keep running; Ctrl-C to stop');
      await new Promise((r) => process.once('SIGINT', r));
    }
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await cli.close();
    clients.destroy();
    await stack.stop();
  }
}

function step(message: string): void {
  console.log(`» ${message}`);
}

main().catch((err: unknown) => {
  console.error('demo failed:', err);
  process.exit(1);
});
