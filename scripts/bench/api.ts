/**
 * Latency and throughput of the media API's two reads on this machine: a tenant seeded with
 * N completed media records (through storage/media-records.ts), the app on a real loopback
 * socket (@hono/node-server) with the dev issuer's token, and autocannon at a fixed load on
 * media detail (GET /v1/media/{id}, cycling through the seeded ids) and list
 * (GET /v1/media?limit=…), at each connection count: one connection gives a request's own
 * time, ten show it under concurrent load. Prints p50/p97.5/p99 latency, requests per second,
 * errors and non-2xx per route, and writes docs/benchmarks/api.json.
 *   npm run bench:api [-- --records 200 --connections 1,10 --seconds 10 --limit 25]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { startLocalApi } from '../../local/local-api';
import { MediaRecords } from '../../storage/media-records';
import { createAwsClients } from '../../common/aws-clients';
import { freePort } from '../../local/free-port';
import { benchOutput } from './bench-output';
import { runBench, startBenchStack } from './bench-stack';

const TENANT = 'bench';

/** A whole number within bounds, or commander's own usage error naming the option. */
const bounded = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

/** A comma list of connection counts, each within bounds. */
const connectionCounts = (value: string) => {
  const counts = value.split(',').map((v) => bounded(1, 100)(v.trim()));
  if (counts.length > 4) throw new InvalidArgumentError('at most 4 connection counts');
  return counts;
};

interface RouteFigures {
  route: string;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--records <n>', 'completed media records seeded for the tenant', bounded(1, 1000), 200)
    .option('--connections <list>', 'concurrent connections autocannon keeps open, one run per count (1-100, at most 4)', connectionCounts, [1, 10])
    .option('--seconds <n>', 'how long each route is driven', bounded(1, 60), 10)
    .option('--limit <n>', 'page size of the list route', bounded(1, 100), 25)
    .option('--stores-in-process', 'run dynalite in the API process (the first figures were taken so)', false)
    .parse()
    .opts<{ records: number; connections: number[]; seconds: number; limit: number; storesInProcess: boolean }>();

  const bench = await startBenchStack('api');
  // The stores in a process of their own, as DynamoDB is on AWS: in the API's process, dynalite's
  // work would queue behind the requests it serves, and the figure would be the stand-in's.
  const stores = opts.storesInProcess ? undefined : await startStoresProcess();
  const storeEnv = stores ? { REELSCOPE_S3_ENDPOINT: stores.s3, REELSCOPE_DYNAMODB_ENDPOINT: stores.dynamoDb, REELSCOPE_RECORDS_TABLE: 'bench-media', REELSCOPE_FAILURES_TABLE: 'bench-failures' } : {};
  const tables = stores ? { records: 'bench-media', failures: 'bench-failures' } : { records: bench.stack.env['REELSCOPE_RECORDS_TABLE']!, failures: bench.stack.env['REELSCOPE_FAILURES_TABLE']! };
  const connection = await Connection.connect({ address: bench.stack.temporalAddress });
  const clients = createAwsClients({ region: 'us-east-1', dynamoDbEndpoint: stores?.dynamoDb ?? bench.stack.dynamoDbEndpoint });
  try {
    const ids = await seedCompleted(new MediaRecords(clients.doc, tables), opts.records);
    const api = await startLocalApi({
      // The per-tenant rate limit (20/s by default) would answer most of a fixed load 429: the app, not the limiter, is measured.
      env: { ...process.env, ...storeEnv, REELSCOPE_RATE_LIMIT_PER_SECOND: '1000000', REELSCOPE_RATE_LIMIT_BURST: '1000000' },
      temporal: new Client({ connection }),
      logger: pino({ level: 'warn' }),
      apiPort: 0,
      issuerPort: 0,
    });
    try {
      const token = await api.issuer.mint({ subject: 'bench-viewer', tenant: TENANT, roles: ['viewer'] });
      console.log(`API bench: ${opts.records} COMPLETED records for tenant ${TENANT}, ${opts.connections.join(' and ')} connections for ${opts.seconds} s per route, autocannon in a worker thread, dynalite ${stores ? 'in a process of its own' : 'in this process'}.`);
      console.log('Media detail reads the record only: it queries Temporal for live progress while a run is in flight, and every seeded record is completed.');
      // The machine is shared (other test runs, other benches): its load says how much to trust a run.
      const loadBefore = loadavg()[0]!;
      const output = benchOutput('api');
      const routes: RouteFigures[] = [];
      for (const connections of opts.connections) {
        const load = { connections, seconds: opts.seconds };
        routes.push(await drive(api.url, token, load, 'GET /v1/media/{id}', ids.map((id) => `/v1/media/${id}`)));
        routes.push(await drive(api.url, token, load, `GET /v1/media?limit=${opts.limit}`, [`/v1/media?limit=${opts.limit}`]));
      }
      console.log(`\n1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after, on ${cpus().length} CPUs.`);
      console.log('| route | connections | requests | req/s | p50 | p97.5 | p99 | max | errors | non-2xx |');
      console.log('|---|---|---|---|---|---|---|---|---|---|');
      for (const r of routes) {
        console.log(`| \`${r.route}\` | ${r.connections} | ${r.requests} | ${r.requestsPerSecond.toFixed(0)} | ${r.latencyMs.p50} ms | ${r.latencyMs.p97_5} ms | ${r.latencyMs.p99} ms | ${r.latencyMs.max} ms | ${r.errors} (${r.timeouts} timeouts) | ${r.non2xx} |`);
      }
      await output.write({
        seeded: { tenant: TENANT, records: opts.records, status: 'COMPLETED' },
        load: { connections: opts.connections, secondsPerRoute: opts.seconds, listLimit: opts.limit, stores: stores ? 'separate process' : 'in process' },
        routes,
      });
      // autocannon drops the requests in flight at its deadline; their handlers are still reading
      // the store, and would log refused connections if the stores stopped under them.
      await setTimeout(1000);
    } finally {
      await api.stop();
    }
  } finally {
    clients.destroy();
    await connection.close();
    await stores?.stop();
    await bench.stop();
  }
}

/** local/serve-stores.ts (the compose stores service) as a child process on free loopback ports. */
async function startStoresProcess(): Promise<{ s3: string; dynamoDb: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-bench-stores-'));
  const [s3Port, dynamoDbPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'local', 'serve-stores.ts')], {
    env: { ...process.env, REELSCOPE_STORES_DIR: dir, REELSCOPE_S3_PORT: String(s3Port), REELSCOPE_DYNAMODB_PORT: String(dynamoDbPort), REELSCOPE_BUCKET: 'bench-api', REELSCOPE_RECORDS_TABLE: 'bench-media', REELSCOPE_FAILURES_TABLE: 'bench-failures' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line.includes('stores ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the stores process exited (${code}) before it was ready`)));
  });
  await ready;
  return {
    s3: `http://127.0.0.1:${s3Port}`,
    dynamoDb: `http://127.0.0.1:${dynamoDbPort}`,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * N completed records written as a run writes them (RECEIVED, then COMPLETED with the
 * media, outcomes, spine and report summaries), so a detail read returns a record's real size.
 */
async function seedCompleted(records: MediaRecords, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, (_, i) => seedOne(records, start + i));
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

async function seedOne(records: MediaRecords, index: number): Promise<string> {
  const mediaId = randomUUID().replace(/-/g, '').slice(0, 24);
  const key = { mediaId, tenant: TENANT, source: { bucket: 'reelscope-api', key: `incoming/${TENANT}/clip-${index}.mp4`, sizeBytes: 4_200_000 + index, etag: randomUUID().replace(/-/g, '') } };
  const run = { workflowId: `media-${mediaId}`, runId: randomUUID(), startedAt: Date.now() - 60_000 };
  await records.update(key, run, 'RECEIVED');
  await records.update(key, run, 'COMPLETED', {
    media: { kind: 'video', durationSeconds: 21.2, container: 'mov,mp4,m4a,3gp,3g2,mj2', video: { codec: 'h264', width: 640, height: 360, fps: 25 }, audio: { codec: 'aac', channels: 2, sampleRate: 44100 } },
    outcomes: [
      { kind: 'transcript', status: 'succeeded', summary: '54 words in 4 segments from 21.2 s of audio', counts: { words: 54, segments: 4 }, ref: `s3://reelscope-api/results/${TENANT}/${mediaId}/transcript.json` },
      { kind: 'shots', status: 'succeeded', summary: '5 shots, 1 black, 1 silent stretches', counts: { shots: 5 }, ref: `s3://reelscope-api/results/${TENANT}/${mediaId}/shots.json` },
      { kind: 'thumbnails', status: 'succeeded', summary: 'poster and 5 keyframes', ref: `s3://reelscope-api/results/${TENANT}/${mediaId}/thumbnails.json` },
      { kind: 'visualModeration', status: 'succeeded', summary: '11 frames classified (0.0–21.2 s), 0 over 0.7', counts: { frames: 11 } },
      { kind: 'audioModeration', status: 'succeeded', summary: '0 profanity hits in 54 words from 21.2 s of audio', counts: { hits: 0 } },
      { kind: 'labels', status: 'skipped', summary: 'no local model for this analysis' },
    ],
    spine: { flagged: false, maxModerationScore: 0.04, ref: `s3://reelscope-api/results/${TENANT}/${mediaId}/spine.json` },
    report: {
      verdict: 'clean',
      headline: 'A 21 s 640x360 h264 video with aac audio. 5 shots detected. Speech covers 17 s.',
      coverage: 'Picture: 11 frames checked over 0.0–21.2 s of 21.2 s. Sound: 21.2 s of audio transcribed.',
      jsonRef: `s3://reelscope-api/results/${TENANT}/${mediaId}/report.json`,
      htmlRef: `s3://reelscope-api/results/${TENANT}/${mediaId}/report.html`,
    },
    flagged: false,
  });
  return mediaId;
}

/** One route at the fixed load; `paths` are cycled through by every connection. */
async function drive(url: string, token: string, load: { connections: number; seconds: number }, route: string, paths: string[]): Promise<RouteFigures> {
  const result = await autocannon({
    url,
    connections: load.connections,
    duration: load.seconds,
    // A worker thread generates the load, so its parsing does not share the app's event loop.
    workers: 1,
    headers: { authorization: `Bearer ${token}` },
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
  });
  return {
    route,
    connections: load.connections,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

runBench(main);
