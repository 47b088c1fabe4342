/**
 * Backfilling a library on the local stack: N objects (one 1-second 160x90 clip with a tone,
 * uploaded under N keys, so N media) already in the bucket, `backfillLibrary` started on them
 * at a given rate, and one in-process worker on the local backend analysing what it starts.
 * Samples objects started and analyses completed every 5 s until all are done or the budget
 * ends; prints the rates per minute and writes docs/benchmarks/backfill.json.
 *   npm run bench:backfill -- [--objects 500] [--rate 20] [--max-in-flight 20] [--budget-minutes 10]
 */
// Worker and SDK info logs would drown the figures; errors still show.
import '../../test/support/quiet-runtime';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { boundedMap } from '../../common/bounded-map';
import { loadIntakeConfig } from '../../intake/config';
import { mediaIdFor, workflowIdFor } from '../../intake/media-identity';
import { backfillStatus, startBackfill } from '../../operations/backfill-library';
import { DEFAULT_BACKFILL_IN_FLIGHT, type BackfillProgress } from '../../workflows/backfill-messages';
import { bundleWorkflows, startTestWorker } from '../../test/support/test-worker';
import { benchOutput } from './bench-output';
import { runBench, startBenchStack } from './bench-stack';

const run = promisify(execFile);
const MEDIA_SECONDS = 1;

async function main(): Promise<void> {
  const opts = new Command()
    .option('--objects <n>', 'objects in the library', '500')
    .option('--rate <n>', 'backfill starts per second', '20')
    .option('--max-in-flight <n>', 'analyses of the backfill running at once (0: no bound)', String(DEFAULT_BACKFILL_IN_FLIGHT))
    .option('--budget-minutes <n>', 'stop counting completions after this long', '10')
    .parse()
    .opts<{ objects: string; rate: string; maxInFlight: string; budgetMinutes: string }>();
  const maxInFlight = Number(opts.maxInFlight);
  const objects = Number(opts.objects);
  const rate = Number(opts.rate);
  const budgetMs = Number(opts.budgetMinutes) * 60_000;
  const output = benchOutput('backfill');
  const bench = await startBenchStack('backfill');
  const worker = await startTestWorker(await bundleWorkflows(), {}, (deps) => ({ ...deps, intake: loadIntakeConfig({}) }));
  try {
    const clip = join(bench.dataDir, 'clip.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=10:duration=${MEDIA_SECONDS}`, '-f', 'lavfi', '-i', `sine=duration=${MEDIA_SECONDS}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
    const bytes = await readFile(clip);
    const tenant = 'bench';
    const prefix = `incoming/${tenant}/`;
    const bucket = worker.config.bucket;
    const ids = await boundedMap(Array.from({ length: objects }, (_, i) => `${prefix}clip-${String(i).padStart(4, '0')}.mp4`), 16, async (key) => {
      const put = await worker.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      return workflowIdFor(mediaIdFor({ bucket, key, etag: put.ETag?.replace(/"/g, '') ?? '' }));
    });

    const startedAt = Date.now();
    const place = { bucket, prefix, tenant };
    await startBackfill(worker.client, worker.taskQueue, { ...place, ratePerSecond: rate, ...(maxInFlight > 0 ? { maxInFlight } : {}) });
    // Sampled while it runs, within the budget: a worker slower than the rate must not hide
    // the figures behind a pass that has not finished.
    const samples: { seconds: number; started: number; completed: number }[] = [];
    let progress: BackfillProgress | undefined;
    for (;;) {
      progress = (await backfillStatus(worker.client, place)).progress;
      const completed = (await worker.client.workflow.count(`WorkflowType = 'analyzeMedia' AND ExecutionStatus = 'Completed'`)).count;
      const seconds = (Date.now() - startedAt) / 1000;
      samples.push({ seconds, started: progress?.started ?? 0, completed });
      console.log(`${seconds.toFixed(0)} s: started ${progress?.started ?? 0}, completed ${completed}`);
      if (completed >= ids.length || seconds * 1000 >= budgetMs) break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    const last = samples.at(-1)!;
    const allStarted = samples.find((s) => s.started >= ids.length);
    const perMinute = (n: number, seconds: number) => Math.round((n / seconds) * 60 * 10) / 10;
    const figures = {
      settings: { objects, ratePerSecond: rate, maxInFlight: maxInFlight > 0 ? maxInFlight : 'none', budgetMinutes: Number(opts.budgetMinutes), media: `${MEDIA_SECONDS} s 160x90 h264 at 10 fps with an aac tone, ${bytes.length} bytes`, backend: 'local', workers: 1 },
      backfill: { pages: progress?.pages, started: last.started, secondsToStartAll: allStarted?.seconds, startedPerMinute: perMinute(last.started, allStarted?.seconds ?? last.seconds) },
      analyses: { completed: last.completed, seconds: last.seconds, completedPerMinute: perMinute(last.completed, last.seconds) },
      samples,
    };
    console.log('| objects | rate | started (time to start all) | started/min | completed | completed/min | window |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(`| ${objects} | ${rate}/s | ${last.started} (${allStarted ? `${allStarted.seconds.toFixed(0)} s` : 'not all within the budget'}) | ${figures.backfill.startedPerMinute} | ${last.completed} | ${figures.analyses.completedPerMinute} | ${last.seconds.toFixed(0)} s |`);
    await output.write(figures);
  } finally {
    await worker.stop();
    await bench.stop();
  }
}

runBench(main);
