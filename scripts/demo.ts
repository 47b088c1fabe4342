/**
 * The main job: analyses one media file end to end on the embedded default.
 *   npm run demo                 # a generated ~21 s sample clip (LibriVox speech)
 *   npm run demo -- my-video.mp4 # your own file
 * Starts the Temporal dev server (Web UI on), s3rver, dynalite and a worker, then runs the
 * CLI's `analyze` (upload under incoming/<tenant>/, the starter's handler, live progress)
 * and `report`, and prints the record, the report and the Web UI link. It serves the media API
 * beside them, with a dev token for the tenant. With --keep-running the stack and the API stay
 * up and the demo records how to reach them for the CLI (local/stack-connection.ts).
 */
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Command } from 'commander';
import pino from 'pino';
import { openCliContext, type CliOutput } from '../cli/cli-context';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { analyze } from '../cli/commands/analyze';
import { report } from '../cli/commands/report';
import { dataConverterFor } from '../codec/codec-config';
import { errorText } from '../common/error-text';
import { printable } from '../common/printable-text';
import { PortInUseError, startLocalApi, type LocalApi } from '../local/local-api';
import { ensureSampleClip } from '../local/sample-clip';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { demoDataDir, removeStackConnection, writeStackConnection } from '../local/stack-connection';
import { buildPortal } from '../portal/build';
import { createActivityDeps } from '../worker/activity-deps';
import { createAwsClients, type AwsClients } from '../common/aws-clients';
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
    temporal: demoPort('REELSCOPE_DEMO_TEMPORAL_PORT', 7233),
    ui: demoPort('REELSCOPE_DEMO_UI_PORT', 8233),
  };
  // Fixed ports: a kept stack's API URL and issuer stay what the demo printed.
  const apiPorts = { api: demoPort('REELSCOPE_DEMO_API_PORT', 8080), issuer: demoPort('REELSCOPE_DEMO_ISSUER_PORT', 8081) };
  step(`starting Temporal dev server (:${ports.temporal}, UI :${ports.ui}), s3rver and dynalite under ${dataDir}`);
  const stack = await startLocalStack({
    dataDir,
    bucket: 'reelscope-media',
    tables: { records: 'reelscope-media', failures: 'reelscope-failures' },
    persistent: true,
    ports,
    // The portal, served by the demo's API, PUTs and GETs the bucket from its page.
    browserOrigins: [`http://127.0.0.1:${apiPorts.api}`, `http://localhost:${apiPorts.api}`],
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
  let api: LocalApi | undefined;
  try {
    const config = loadWorkerConfig();
    await mkdir(dataDir, { recursive: true });
    // Worker, SDK and API logs go to a file so the terminal shows only the progress.
    const logFile = pino.destination(join(dataDir, 'worker.log'));
    const logger = pino({ level: config.logLevel, base: { service: 'reelscope-worker' } }, logFile);
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
    api = await startDemoApi(cli.client, pino({ level: config.logLevel, base: { service: 'reelscope-api' } }, logFile), apiPorts);
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
    step(await apiHelp(api, options.tenant, options.keepRunning === true));
    if (options.keepRunning) {
      writeStackConnection(dataDir, { pid: process.pid, env: stackEnv, api: { url: api.url, docsUrl: `${api.url}/docs`, issuer: api.issuer.issuer } });
      step(keptStackHelp(stack, options.tenant));
      await stopped;
    }
  } finally {
    removeStackConnection(dataDir);
    await api?.stop();
    // The worker may not have started, or a failed run may have stopped it already.
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch((err: unknown) => step(`worker stopped with an error: ${errorText(err)}`));
    await workerConnection?.close();
    await cli?.close();
    clients?.destroy();
    await stack.stop();
    if (options.keepRunning) step('stopped: API, dev issuer, worker, Temporal dev server and stores');
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

/** The media API and its dev issuer for the demo, over the stack's stores and Temporal. */
async function startDemoApi(temporal: Client, logger: Logger, ports: { api: number; issuer: number }): Promise<LocalApi> {
  const assetsDir = join(__dirname, '..', 'portal', 'dist');
  await buildPortal(assetsDir);
  try {
    return await startLocalApi({ env: process.env, temporal, logger, apiPort: ports.api, issuerPort: ports.issuer, portal: { assetsDir } });
  } catch (err) {
    if (!(err instanceof PortInUseError)) throw err;
    const variable = err.port === ports.api ? 'REELSCOPE_DEMO_API_PORT' : 'REELSCOPE_DEMO_ISSUER_PORT';
    throw new Error(`${err.message}: stop what holds it, or set ${variable} to another port`, { cause: err });
  }
}

/** The API's address, its docs and a token for the tenant, with a curl line that lists its media. */
async function apiHelp(api: LocalApi, tenant: string, kept: boolean): Promise<string> {
  const token = await api.issuer.mint({ subject: `${tenant}-demo`, tenant, roles: ['uploader', 'reviewer', 'viewer'] });
  return [
    `media API: ${api.url} (docs ${api.url}/docs)${kept ? '' : '; it stops with the demo, --keep-running keeps it up'}`,
    `  web portal: ${api.url}/ (sign in with any user name, tenant ${tenant}; docs/PORTAL.md)`,
    `  dev token for tenant ${tenant} (uploader, reviewer, viewer; valid 12 h, verified by the dev issuer on ${api.issuer.issuer}):`,
    `    curl -H "authorization: Bearer ${token}" ${api.url}/v1/media`,
  ].join('\n');
}

/** A port from the environment, or the default; anything but a port number stops the demo with the variable's name. */
function demoPort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port < 1 || port > 65535) throw new Error(`${name} must be a port number (1-65535), got "${printable(value)}"`);
  return port;
}

function step(message: string): void {
  console.log(`» ${printable(message)}`);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${printable(errorText(err))}`);
  process.exit(1);
});
