/**
 * Videos in flight on one worker process (started as the image starts it: tsc's output run by
 * plain node, prebuilt bundle) on this
 * machine: the aws backend against the fake AWS (jobs of a fixed time, account quotas raised
 * so the orchestration, not AWS, is what is measured), N videos started at once. Prints RSS
 * and CPU of the worker, throughput, and workflow/activity task schedule-to-start
 * percentiles from the worker's own Prometheus histograms, and writes docs/benchmarks/scale.json.
 *   npm run bench:scale -- [--levels 10,100,500] [--job-seconds 20] [--worker-env K=V,K2=V2 ...]
 * Each --worker-env is one worker setting to compare (e.g. REELSCOPE_MAX_CACHED_WORKFLOWS=100);
 * every level runs once per setting, and `--worker-env ''` is the worker as configured by default.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { freePort } from '../../local/free-port';
import { startAnalysis } from '../../intake/start-analysis';
import { JOB_FAMILIES } from '../../test/support/fake-aws';
import { awsBackendEnv } from '../../test/support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker } from '../../test/support/test-worker';
import { startWorkerProcess } from '../../test/support/worker-process';
import { startLocalRelay } from '../../relay/local-relay';
import { buildWorkflowBundle } from '../build-workflow-bundle';
import { benchOutput } from './bench-output';
import { runBench, startBenchStack } from './bench-stack';

const run = promisify(execFile);
const REPO_ROOT = join(__dirname, '..', '..');
const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux

/** RSS (MB) and cumulative CPU seconds of a process and its children (ffmpeg, ffprobe). */
async function usage(pid: number): Promise<{ rssMb: number; cpuSeconds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based) of /proc/pid/stat.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(stat[i]), 0);
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / CLOCK_TICKS };
}

/**
 * Percentile of a Prometheus histogram summed over all its series (normal and sticky queues),
 * as the upper bound of the bucket it falls in.
 */
function histogramPercentile(metrics: string, name: string, p: number): string {
  const counts = new Map<string, number>();
  for (const m of metrics.matchAll(new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\d+)`, 'gm'))) {
    const le = /le="([^"]+)"/.exec(m[1]!)![1]!;
    counts.set(le, (counts.get(le) ?? 0) + Number(m[2]));
  }
  const buckets = [...counts].map(([le, count]) => ({ le, count })).sort((a, b) => (a.le === '+Inf' ? 1 : b.le === '+Inf' ? -1 : Number(a.le) - Number(b.le)));
  const totalCount = counts.get('+Inf') ?? 0;
  if (totalCount === 0) return 'n/a';
  const index = buckets.findIndex((b) => b.count >= p * totalCount);
  const lower = index > 0 ? Number(buckets[index - 1]!.le) : 0;
  const upper = buckets[index]!.le;
  return upper === '+Inf' ? `> ${lower / 1000} s` : `${lower / 1000}-${Number(upper) / 1000} s`;
}

/** Sum of a Prometheus counter (or a histogram's `_count`) over all its series; 0 when absent. */
function metricSum(metrics: string, name: string): number {
  let sum = 0;
  for (const m of metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'gm'))) sum += Number(m[1]);
  return sum;
}

/**
 * `K=V,K2=V2` as an env object. Split on the first "=" only: NODE_OPTIONS values carry their
 * own (`NODE_OPTIONS=--max-old-space-size=1536`).
 */
function parseWorkerEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--worker-env expects K=V pairs separated by commas, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

const SCALE_JSON = join(__dirname, '..', '..', 'docs', 'benchmarks', 'scale.json');

/** The runs scale.json already holds, each with its own command, date, machine and rows, for --append. */
async function earlierRuns(): Promise<Record<string, unknown>[]> {
  const previous = JSON.parse(await readFile(SCALE_JSON, 'utf8')) as Record<string, unknown> & { earlierRuns?: Record<string, unknown>[] };
  const { earlierRuns: older = [], ...run } = previous;
  return [...older, run];
}

const describeEnv = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`).join(', ') || 'defaults';

async function main(): Promise<void> {
  const opts = new Command()
    .option('--levels <list>', 'videos in flight', '10,100,500')
    .option('--job-seconds <n>', 'fake job time', '20')
    .option('--worker-env <pairs>', 'extra worker env to compare, K=V,K2=V2; repeat for more settings', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--append', 'keep the rows of the scale.json already written (a comparison too long for one sitting)')
    .parse()
    .opts<{ levels: string; jobSeconds: string; workerEnv: string[]; append?: boolean }>();
  const workerSettings = (opts.workerEnv.length > 0 ? opts.workerEnv : ['']).map(parseWorkerEnv);
  const levels = opts.levels.split(',').map(Number);
  const settings = { levels, jobSeconds: Number(opts.jobSeconds), workerEntry: 'tsc -p tsconfig.build.json, node worker/main.js', mediaSeconds: 3, activitySlots: 200 /* unless a --worker-env sets REELSCOPE_MAX_CONCURRENT_ACTIVITIES */, workerEnv: workerSettings };
  const output = benchOutput('scale');
  const earlier = opts.append ? await earlierRuns() : [];
  const rows: Record<string, unknown>[] = [];
  const bench = await startBenchStack('scale');
  const { fake, dataDir } = bench;
  for (const family of JOB_FAMILIES) fake.config.jobDurationMs[family] = Number(opts.jobSeconds) * 1000;
  fake.config.concurrentJobLimit = { rekognition: 100_000, transcribe: 100_000 };
  fake.config.mediaDurationSeconds = () => 60;
  const bundlePath = (await buildWorkflowBundle(join(dataDir, 'workflow-bundle.js'))).path;
  // Compiled as the image compiles it. Inside the repository so that node resolves node_modules from it.
  const compiledDir = join(REPO_ROOT, '.data', `bench-scale-dist-${process.pid}`);
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', compiledDir]);
  const compiledEntry = join(compiledDir, 'worker', 'main.js');
  const uploader = await startTestWorker(await bundleWorkflows());
  // The completion relay, for settings whose worker waits for job notifications (the fake publishes Transcribe's always; the relay ignores those of polled jobs).
  // Its own connection, as the Lambda has (sharing the uploader's did not explain the notices lost at 200 slots: BENCHMARKS §4).
  const relayConnection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] as string });
  const relay = await startLocalRelay(new Client({ connection: relayConnection, dataConverter: uploader.client.options.dataConverter }));
  fake.config.notificationUrl = relay.url;
  // The relay shares this busy process with 500 uploads and result waits, so a POST may time out; SQS would hand the message back
  // after its visibility timeout (180 s, five receives in the CDK app), not after the tests' 200 ms, so redeliver on a scale like that.
  fake.config.notificationRedelivery = { retries: 4, backoffMs: 5_000 };
  const clip = join(dataDir, 'clip.mp4');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=10:duration=3', '-f', 'lavfi', '-i', 'sine=duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
  console.log(
    `| worker setting | videos in flight | wall | throughput | worker RSS peak | worker CPU (incl. ffmpeg) | workflow task schedule-to-start p50 / p95 | activity schedule-to-start p95 | sticky cache misses / forced evictions | workflow task replay / execution p95 | load 1m | completed |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  try {
    for (const { workerEnv, level } of workerSettings.flatMap((workerEnv) => levels.map((level) => ({ workerEnv, level })))) {
      const metricsPort = await freePort();
      const env = awsBackendEnv(fake, {
        REELSCOPE_TASK_QUEUE: `scale-${randomUUID()}`,
        REELSCOPE_POLL_INITIAL_MS: '1000',
        REELSCOPE_POLL_MAX_MS: '10000',
        REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '200',
        REELSCOPE_QUOTA_REKOGNITION_VIDEO: '100000',
        REELSCOPE_QUOTA_TRANSCRIBE: '100000',
        REELSCOPE_WORKFLOW_BUNDLE: bundlePath,
        REELSCOPE_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
        ...workerEnv,
      });
      const worker = await startWorkerProcess(env, { compiledEntry });
      const pid = worker.child.pid!;
      try {
        const inputs = await Promise.all(Array.from({ length: level }, (_, i) => uploader.upload(clip, { name: `scale-${level}-${i}.mp4` })));
        const loadBefore = loadavg()[0]!;
        const before = await usage(pid);
        let peakRss = before.rssMb;
        const sampler = setInterval(() => void usage(pid).then((u) => (peakRss = Math.max(peakRss, u.rssMb)), () => {}), 500);
        const started = Date.now();
        const ids = await Promise.all(inputs.map(async (input) => (await startAnalysis(uploader.client, env['REELSCOPE_TASK_QUEUE']!, input)).workflowId));
        const results = await Promise.all(ids.map((id) => uploader.client.workflow.getHandle(id).result().then((r: { status: string }) => r.status, () => 'FAILED')));
        const wallSeconds = (Date.now() - started) / 1000;
        clearInterval(sampler);
        const after = await usage(pid);
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const completed = results.filter((s) => s === 'COMPLETED').length;
        const cpu = after.cpuSeconds - before.cpuSeconds;
        const percentiles = {
          workflowTaskScheduleToStartP50: histogramPercentile(metrics, 'temporal_workflow_task_schedule_to_start_latency', 0.5),
          workflowTaskScheduleToStartP95: histogramPercentile(metrics, 'temporal_workflow_task_schedule_to_start_latency', 0.95),
          activityScheduleToStartP95: histogramPercentile(metrics, 'temporal_activity_schedule_to_start_latency', 0.95),
          // A cache miss replays the run's history from the start: what a smaller sticky cache costs.
          workflowTaskReplayP95: histogramPercentile(metrics, 'temporal_workflow_task_replay_latency', 0.95),
          workflowTaskExecutionP95: histogramPercentile(metrics, 'temporal_workflow_task_execution_latency', 0.95),
        };
        const cache = {
          workflowTasks: metricSum(metrics, 'temporal_workflow_task_execution_latency_count'),
          stickyCacheHits: metricSum(metrics, 'temporal_sticky_cache_hit(?:_total)?'),
          stickyCacheMisses: metricSum(metrics, 'temporal_sticky_cache_miss(?:_total)?'),
          stickyCacheForcedEvictions: metricSum(metrics, 'temporal_sticky_cache_total_forced_eviction(?:_total)?'),
        };
        // A dead-lettered notice leaves its wait to the safety net, which is what wall time then measures; say so in the row.
        const published = fake.notifications().filter((n) => n.publishedAt >= started);
        const notifications = {
          published: published.length,
          delivered: published.filter((n) => n.fate === 'delivered').length,
          deadLettered: published.filter((n) => n.fate === 'dead-lettered').length,
          retriedPosts: published.reduce((sum, n) => sum + Math.max(0, n.attempts - n.deliveries), 0),
        };
        const loadAverage1m = { before: loadBefore, after: loadavg()[0]! };
        rows.push({
          startedAt: new Date(started).toISOString(),
          workerEnv,
          videosInFlight: level,
          wallSeconds,
          videosPerMinute: (completed / wallSeconds) * 60,
          workerRssPeakMb: peakRss,
          workerRssAtEndMb: after.rssMb,
          workerCpuSeconds: cpu,
          shareOfOneCorePercent: (100 * cpu) / wallSeconds,
          ...percentiles,
          ...cache,
          notifications,
          loadAverage1m,
          completed,
        });
        console.log(
          `| ${describeEnv(workerEnv)} | ${level} | ${wallSeconds.toFixed(1)} s | ${((completed / wallSeconds) * 60).toFixed(1)} videos/min | ${peakRss.toFixed(0)} MB | ${cpu.toFixed(1)} s (${((100 * cpu) / wallSeconds).toFixed(0)}% of one core) | ${percentiles.workflowTaskScheduleToStartP50} / ${percentiles.workflowTaskScheduleToStartP95} | ${percentiles.activityScheduleToStartP95} | ${cache.stickyCacheMisses} / ${cache.stickyCacheForcedEvictions} | ${percentiles.workflowTaskReplayP95} / ${percentiles.workflowTaskExecutionP95} | ${loadAverage1m.before.toFixed(1)}-${loadAverage1m.after.toFixed(1)} | ${completed}/${level} |`,
        );
        // Written after every row: a long comparison stopped part-way keeps what it measured.
        await output.write({ settings, levels: rows, ...(earlier.length > 0 ? { earlierRuns: earlier } : {}) });
      } finally {
        await worker.kill();
      }
    }
  } finally {
    await relay.close();
    await relayConnection.close();
    await rm(compiledDir, { recursive: true, force: true });
    await uploader.stop();
    await bench.stop();
  }
}

runBench(main);
