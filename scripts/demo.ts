/**
 * The main job: analyses one media file end to end on the embedded default.
 *   npm run demo                 # a generated ~21 s sample clip (LibriVox speech)
 *   npm run demo -- my-video.mp4 # your own file
 * Starts the Temporal dev server (Web UI on), s3rver, dynalite and a worker; uploads the file
 * under incoming/<tenant>/; feeds the upload event through the starter's handler; shows
 * live progress; prints the record, the report and the Web UI link.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Command } from 'commander';
import { createReadStream, statSync } from 'node:fs';
import type { AnalyzeMediaResult, Progress } from '../common/types';
import { ensureSampleClip } from '../local/sample-clip';
import { startLocalStack } from '../local/local-stack';
import { MediaRecords } from '../activities/storage/media-records';
import { ObjectStore } from '../activities/storage/object-store';
import { loadStarterConfig } from '../starter/config';
import { handleS3Event } from '../starter/handle-s3-event';
import { createActivityDeps } from '../worker/activity-deps';
import { createAwsClients } from '../worker/aws-clients';
import { loadWorkerConfig } from '../worker/config';
import { createReelscopeWorker } from '../worker/create-worker';
import { routeTemporalLogs } from '../worker/logger';
import { progressQuery } from '../workflows/messages';
import pino from 'pino';

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
  });
  Object.assign(process.env, stack.env);
  const config = loadWorkerConfig();
  await mkdir(dataDir, { recursive: true });
  // Worker and SDK logs go to a file so the terminal shows only the progress.
  const logger = pino({ level: config.logLevel, base: { service: 'reelscope-worker' } }, pino.destination(join(dataDir, 'worker.log')));
  routeTemporalLogs(logger);
  const clients = createAwsClients(config.aws);
  const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const clientConnection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection: clientConnection });
  const worker = await createReelscopeWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue: config.taskQueue,
    deps: createActivityDeps(config, clients, logger),
    maxConcurrentActivities: config.maxConcurrentActivities,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
  });
  const running = worker.run();
  try {
    const key = `incoming/${options.tenant}/${basename(mediaPath)}`;
    step(`uploading ${mediaPath} to s3://${config.bucket}/${key}`);
    await clients.s3.send(
      new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: createReadStream(mediaPath), ContentLength: statSync(mediaPath).size }),
    );
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }));
    // s3rver emits no events: build the EventBridge event S3 sends for this upload.
    const event = {
      version: '0',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      time: new Date().toISOString(),
      region: config.aws.region,
      detail: {
        bucket: { name: config.bucket },
        object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: head.ContentLength, etag: head.ETag?.replace(/"/g, '') },
        reason: 'PutObject',
      },
    };
    const handled = await handleS3Event(event, client, loadStarterConfig(), {
      info: (meta, message) => logger.debug(meta, message),
      warn: (meta, message) => logger.warn(meta, message),
    });
    const started = handled.started[0];
    if (!started) throw new Error(`the starter did not start an analysis: ${JSON.stringify(handled)}`);
    step(`workflow ${started.workflowId} started (media id ${started.mediaId})`);
    const uiLink = `${stack.uiUrl}/namespaces/default/workflows/${started.workflowId}`;
    step(`Web UI: ${uiLink}`);

    const handle = client.workflow.getHandle(started.workflowId);
    const watcher = watchProgress(() => handle.query(progressQuery));
    let result: AnalyzeMediaResult | undefined;
    let failure: unknown;
    try {
      result = (await handle.result()) as AnalyzeMediaResult;
    } catch (err) {
      failure = err;
    } finally {
      await watcher.stop();
    }

    const record = await new MediaRecords(clients.doc, config.tables).get(started.mediaId);
    console.log('');
    step(`record ${started.mediaId}: status ${String(record?.['status'])}`);
    if (result?.status === 'COMPLETED' && result.report) {
      const store = new ObjectStore(clients.s3, config.bucket);
      const outDir = join(dataDir, 'reports', started.mediaId);
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, 'report.json'), await store.getBytes(result.report.jsonRef));
      await writeFile(join(outDir, 'report.html'), await store.getBytes(result.report.htmlRef));
      for (const outcome of result.outcomes) console.log(`   ${outcome.kind.padEnd(17)} ${outcome.status.padEnd(9)} ${outcome.summary}`);
      const report = JSON.parse((await store.getBytes(result.report.jsonRef)).toString()) as { summary: string; topics: { name: string }[] };
      console.log(`\n   summary: ${report.summary}`);
      console.log(`   topics:  ${report.topics.map((t) => t.name).join(', ')}`);
      console.log(`   verdict: ${result.report.verdict}\n`);
      step(`report.json: ${result.report.jsonRef}\n             ${join(outDir, 'report.json')}`);
      step(`report.html: ${result.report.htmlRef}\n             ${join(outDir, 'report.html')}`);
    } else if (result?.status === 'REJECTED') {
      step(`rejected: ${result.reason?.type}: ${result.reason?.message}`);
    } else {
      step(`failed: ${failure instanceof Error ? `${failure.message}; cause: ${String(failure.cause)}` : String(failure)}`);
      process.exitCode = 1;
    }
    step(`Web UI: ${uiLink}`);
    if (options.keepRunning) {
      step('servers keep running; Ctrl-C to stop');
      await new Promise((r) => process.once('SIGINT', r));
    }
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await clientConnection.close();
    clients.destroy();
    await stack.stop();
  }
}

/** Prints the progress query's answer on one line, refreshed, until stopped. */
function watchProgress(query: () => Promise<Progress>): { stop(): Promise<void> } {
  let last = '';
  let active = true;
  const loop = (async () => {
    while (active) {
      try {
        const p = await query();
        const branches = Object.entries(p.branches)
          .map(([kind, state]) => `${kind}:${state}`)
          .join(' ');
        const line = `[${'#'.repeat(Math.floor(p.percent / 5)).padEnd(20)}] ${String(p.percent).padStart(3)}% ${p.status} ${branches}`;
        if (line !== last) {
          process.stdout.write(`\r${line.padEnd(last.length)}`);
          last = line;
        }
      } catch {
        // The first query can race the first workflow task; the next poll answers.
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  return {
    async stop() {
      active = false;
      await loop;
    },
  };
}

function step(message: string): void {
  console.log(`» ${message}`);
}

main().catch((err: unknown) => {
  console.error('demo failed:', err);
  process.exit(1);
});

