/**
 * Chaos runs against production-started workers (worker/main.ts with the prebuilt bundle) on
 * the aws backend and the fake AWS:
 *   kill     N runs, each SIGKILLing the worker at a random moment of one video's analysis
 *            and starting a new one: every video completes, one job per analysis, records complete.
 *   restart  several videos in flight while the Temporal dev server (SQLite-backed) is stopped
 *            and started again on the same port: every video completes.
 * Writes docs/benchmarks/chaos.json.
 *   npm run chaos -- [--scenario kill|restart|all] [--runs 20] [--seed 7]
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Command } from 'commander';
import { MediaRecords } from '../../storage/media-records';
import type { AnalyzeMediaResult } from '../../common/types';
import { freePort } from '../../local/free-port';
import { ensureSampleClip } from '../../local/sample-clip';
import { startTemporalDevServer } from '../../local/temporal-dev-server';
import { startAnalysis } from '../../intake/start-analysis';
import { JOB_FAMILIES, type FakeAws } from '../../test/support/fake-aws';
import { seededRandom } from '../../test/support/fake-aws/random';
import { awsBackendEnv } from '../../test/support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../../test/support/test-worker';
import { startWorkerProcess, type WorkerProcess } from '../../test/support/worker-process';
import { buildWorkflowBundle } from '../build-workflow-bundle';
import { benchOutput } from './bench-output';
import { runBench, startBenchStack } from './bench-stack';

const RESULT_TIMEOUT_MS = 180_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function resultWithin(uploader: TestWorker, workflowId: string): Promise<AnalyzeMediaResult> {
  const result = uploader.client.workflow.getHandle(workflowId).result() as Promise<AnalyzeMediaResult>;
  const timeout = sleep(RESULT_TIMEOUT_MS).then(() => {
    throw new Error(`${workflowId} did not finish within ${RESULT_TIMEOUT_MS / 1000} s`);
  });
  return Promise.race([result, timeout]);
}

/** One job per analysis, and how many Start requests it took (a kill between Start and the first heartbeat repeats the request, idempotently). */
function jobsOf(fake: FakeAws, key: string): { jobsPerFamily: number[]; startRequests: number } {
  const jobs = fake.jobs().filter((job) => job.key === key);
  return {
    jobsPerFamily: JOB_FAMILIES.map((family) => jobs.filter((job) => job.family === family).length),
    // The fake keys jobs by `operation:token` (or `transcribe:name`) and counts requests by token.
    startRequests: jobs.reduce((sum, job) => sum + (job.idempotencyKey ? fake.counters.startsFor(job.idempotencyKey.slice(job.idempotencyKey.indexOf(':') + 1)) : 1), 0),
  };
}

interface KillRun {
  run: number;
  killedAfterSeconds: number;
  status: string;
  jobsPerAnalysis: number[];
  startRequests: number;
  recordStatus: string;
  recordOutcomes: number;
  wallSeconds: number;
}

interface RestartVideo {
  video: number;
  status: string;
  jobsPerAnalysis: number[];
  wallSinceRestartSeconds: number;
}

async function killRuns(runs: number, random: () => number, ctx: { fake: FakeAws; uploader: TestWorker; env: Record<string, string>; clip: string }, rows: KillRun[]): Promise<boolean> {
  console.log(`\n### ${runs} worker SIGKILLs at random moments\n`);
  console.log('| run | killed after | status | jobs per analysis | Start requests | record | wall |');
  console.log('|---|---|---|---|---|---|---|');
  let allGood = true;
  for (let run = 1; run <= runs; run += 1) {
    const workers: WorkerProcess[] = [await startWorkerProcess(ctx.env)];
    const started = Date.now();
    const input = await ctx.uploader.upload(ctx.clip, { name: `chaos-${run}.mp4` });
    const { workflowId } = await startAnalysis(ctx.uploader.client, ctx.env['REELSCOPE_TASK_QUEUE']!, input);
    // Anywhere from probe to the report: jobs take 8 s, the whole video about 12 s.
    const killAfterMs = Math.round(500 + random() * 11_500);
    await sleep(killAfterMs);
    await workers[0]!.kill();
    workers.push(await startWorkerProcess(ctx.env));
    let status: string;
    try {
      status = (await resultWithin(ctx.uploader, workflowId)).status;
    } catch (err) {
      status = `error: ${(err as Error).message}`;
    }
    const { jobsPerFamily, startRequests } = jobsOf(ctx.fake, input.source.key);
    const record = await new MediaRecords(ctx.uploader.clients.doc, ctx.uploader.config.tables).get(input.mediaId);
    const good = status === 'COMPLETED' && jobsPerFamily.every((n) => n === 1) && record?.status === 'COMPLETED' && Object.keys(record.outcomes ?? {}).length > 0;
    allGood &&= good;
    const row: KillRun = {
      run,
      killedAfterSeconds: killAfterMs / 1000,
      status,
      jobsPerAnalysis: jobsPerFamily,
      startRequests,
      recordStatus: record ? String(record.status) : 'missing',
      recordOutcomes: Object.keys(record?.outcomes ?? {}).length,
      wallSeconds: (Date.now() - started) / 1000,
    };
    rows.push(row);
    console.log(`| ${run} | ${row.killedAfterSeconds.toFixed(1)} s | ${status} | ${jobsPerFamily.join(' ')} | ${startRequests} | ${row.recordStatus} (${row.recordOutcomes} outcomes) | ${row.wallSeconds.toFixed(1)} s |`);
    for (const worker of workers) await worker.kill().catch(() => {});
  }
  return allGood;
}

async function restartRun(ctx: { fake: FakeAws; uploader: TestWorker; env: Record<string, string>; clip: string; dataDir: string }, figures: { downSeconds?: number; videos: RestartVideo[] }): Promise<boolean> {
  const videos = 5;
  console.log(`\n### Temporal dev server stopped and restarted with ${videos} videos in flight\n`);
  const port = await freePort();
  const dbFile = join(ctx.dataDir, 'chaos-temporal.sqlite');
  let server = await startTemporalDevServer({ port, dbFile });
  const env = { ...ctx.env, TEMPORAL_ADDRESS: server.address, REELSCOPE_TASK_QUEUE: `chaos-restart-${randomUUID()}` };
  const previousAddress = process.env['TEMPORAL_ADDRESS'];
  process.env['TEMPORAL_ADDRESS'] = server.address;
  const uploader = await startTestWorker(await bundleWorkflows());
  const worker = await startWorkerProcess(env);
  try {
    const inputs = await Promise.all(Array.from({ length: videos }, (_, i) => uploader.upload(ctx.clip, { name: `restart-${i}.mp4` })));
    const ids = await Promise.all(inputs.map(async (input) => (await startAnalysis(uploader.client, env.REELSCOPE_TASK_QUEUE, input)).workflowId));
    await sleep(4_000);
    const down = Date.now();
    await server.stop();
    await sleep(5_000);
    server = await startTemporalDevServer({ port, dbFile });
    figures.downSeconds = (Date.now() - down) / 1000;
    console.log(`server down for ${figures.downSeconds.toFixed(1)} s (stopped 4 s into the run)\n`);
    console.log('| video | status | jobs per analysis | wall since start |');
    console.log('|---|---|---|---|');
    const started = Date.now();
    let allGood = true;
    for (const [i, id] of ids.entries()) {
      let status: string;
      try {
        status = (await resultWithin(uploader, id)).status;
      } catch (err) {
        status = `error: ${(err as Error).message}`;
      }
      const { jobsPerFamily } = jobsOf(ctx.fake, inputs[i]!.source.key);
      allGood &&= status === 'COMPLETED' && jobsPerFamily.every((n) => n === 1);
      const row: RestartVideo = { video: i + 1, status, jobsPerAnalysis: jobsPerFamily, wallSinceRestartSeconds: (Date.now() - started) / 1000 };
      figures.videos.push(row);
      console.log(`| ${row.video} | ${status} | ${jobsPerFamily.join(' ')} | ${row.wallSinceRestartSeconds.toFixed(1)} s |`);
    }
    return allGood;
  } finally {
    await worker.kill().catch(() => {});
    await uploader.stop().catch(() => {});
    await server.stop();
    process.env['TEMPORAL_ADDRESS'] = previousAddress;
  }
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--scenario <name>', 'kill, restart or all', 'all')
    .option('--runs <n>', 'SIGKILL runs', '20')
    .option('--seed <n>', 'seed of the kill moments', '7')
    .parse()
    .opts<{ scenario: string; runs: string; seed: string }>();
  const output = benchOutput('chaos');
  const bench = await startBenchStack('chaos');
  const { fake, dataDir } = bench;
  for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = 8_000;
  fake.config.mediaDurationSeconds = () => 21;
  const env = awsBackendEnv(fake, {
    REELSCOPE_TASK_QUEUE: `chaos-${randomUUID()}`,
    REELSCOPE_POLL_INITIAL_MS: '500',
    REELSCOPE_POLL_MAX_MS: '1000',
    REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '50',
    REELSCOPE_WORKFLOW_BUNDLE: (await buildWorkflowBundle(join(dataDir, 'workflow-bundle.js'))).path,
  });
  const uploader = await startTestWorker(await bundleWorkflows());
  const clip = await ensureSampleClip(join(dataDir, 'sample.mp4'));
  let ok = true;
  const kills: KillRun[] = [];
  const restart = { videos: [] as RestartVideo[] } as { downSeconds?: number; videos: RestartVideo[] };
  try {
    if (opts.scenario !== 'restart') ok &&= await killRuns(Number(opts.runs), seededRandom(Number(opts.seed)), { fake, uploader, env, clip }, kills);
    if (opts.scenario !== 'kill') ok &&= await restartRun({ fake, uploader, env, clip, dataDir }, restart);
  } finally {
    await uploader.stop();
    await bench.stop();
  }
  console.log(ok ? '\nall runs completed with one job per analysis' : '\nSOME RUNS FAILED');
  await output.write({
    settings: { scenario: opts.scenario, runs: Number(opts.runs), seed: Number(opts.seed), jobSeconds: 8 },
    allCompletedWithOneJobPerAnalysis: ok,
    ...(opts.scenario !== 'restart' ? { kills } : {}),
    ...(opts.scenario !== 'kill' ? { restart } : {}),
  });
  process.exit(ok ? 0 : 1);
}

runBench(main);
