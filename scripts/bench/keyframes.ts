/**
 * What the worker's own media work costs, on a generated H.264 video (1280x720, 25 fps, a
 * keyframe every 2 s, a tone as its audio): keyframe sampling as the aws backend samples,
 * thumbnails before (every frame decoded, the old filter graph) and after (keyframes only),
 * and every analysis each backend runs on the worker, through the backends' own runners.
 * Prints wall time, CPU of this process and of its children (ffmpeg, ffprobe, pocketsphinx)
 * and CPU seconds per media hour per backend, and writes docs/benchmarks/keyframes.json.
 *   npm run bench:keyframes [-- --minutes 10 --interval 5 --max-frames 720 --backends local,aws]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { Command, InvalidArgumentError } from 'commander';
import type { AnalysisRun } from '../../backends/analysis-backend';
import { createLocalBackend } from '../../backends/local/local-backend';
import type { AnalysisInput, AnalysisKind } from '../../common/types';
import { freePort } from '../../local/free-port';
import { startObjectStoreServer } from '../../local/object-store-server';
import { ffprobe } from '../../media/ffprobe';
import { withKeyframes } from '../../media/keyframe-sampler';
import { mediaFactsFromProbe } from '../../media/media-facts';
import { ObjectStore } from '../../storage/object-store';
import { loadWorkerConfig } from '../../worker/config';
import { benchOutput } from './bench-output';
import { runBench } from './bench-stack';
import { fullDecodeThumbnails } from './full-decode-thumbnails';

const run = promisify(execFile);
const BUCKET = 'reelscope-bench-keyframes';
/** Analyses that sample keyframes on the aws backend when sampling is on, one pass each. */
const SAMPLED_ANALYSES = ['labels', 'visualModeration', 'celebrities', 'text'] as const;

/** A whole number within bounds, or commander's own usage error naming the option. */
const bounded = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

const backendList = (value: string) => {
  const names = value.split(',').map((v) => v.trim());
  if (names.some((n) => n !== 'local' && n !== 'aws')) throw new InvalidArgumentError('a comma list of local and aws');
  return names;
};

interface Cost {
  step: string;
  wallSeconds: number;
  /** This process: the runners themselves, the in-process object store, nsfwjs. */
  nodeCpuSeconds: number;
  /** Reaped children: ffmpeg, ffprobe, pocketsphinx. */
  childCpuSeconds: number;
  detail: string;
}

/** CPU seconds of the reaped children (ffmpeg): Node reports only its own. Linux clock ticks are 1/100 s. */
async function childrenCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime and cstime
}

async function measured(step: string, work: () => Promise<string>): Promise<Cost> {
  const started = Date.now();
  const own = process.cpuUsage();
  const children = await childrenCpuSeconds();
  const detail = await work();
  const ownUsed = process.cpuUsage(own);
  const cost = {
    step,
    wallSeconds: (Date.now() - started) / 1000,
    nodeCpuSeconds: (ownUsed.user + ownUsed.system) / 1e6,
    childCpuSeconds: (await childrenCpuSeconds()) - children,
    detail,
  };
  console.error(`measured ${step}: ${(cost.nodeCpuSeconds + cost.childCpuSeconds).toFixed(1)} s CPU (${detail})`);
  return cost;
}

const cpu = (c: Cost) => c.nodeCpuSeconds + c.childCpuSeconds;
const fixed = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const options = new Command()
    .option('--minutes <n>', 'length of the generated video', bounded(1, 120), 10)
    .option('--interval <seconds>', 'REELSCOPE_KEYFRAME_SAMPLING_SECONDS', bounded(1, 3600), 5)
    .option('--max-frames <n>', 'REELSCOPE_KEYFRAME_SAMPLING_MAX_FRAMES', bounded(1, 10_000), 720)
    .option('--backends <list>', 'whose worker-side analyses to run: local, aws or both', backendList, ['local', 'aws'])
    .parse()
    .opts<{ minutes: number; interval: number; maxFrames: number; backends: string[] }>();
  const output = benchOutput('keyframes');
  const seconds = options.minutes * 60;
  const settings = loadWorkerConfig(process.env).analysis;
  const thumbnailOptions = { sceneThreshold: settings.sceneThreshold, maxKeyframes: settings.maxKeyframes, widthPixels: settings.thumbnailWidth };
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-bench-keyframes-'));
  const s3server = await startObjectStoreServer({ directory: join(dir, 's3'), port: await freePort(), buckets: [BUCKET] });
  const s3 = new S3Client({ region: 'us-east-1', endpoint: s3server.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    const video = join(dir, 'video.mp4');
    await run('ffmpeg', [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', video,
    ]);
    const size = (await stat(video)).size;
    const input: AnalysisInput = { mediaId: 'bench', tenant: 'bench', source: { bucket: BUCKET, key: 'incoming/bench/video.mp4', sizeBytes: size }, media: mediaFactsFromProbe(await ffprobe(video), size) };
    const local = createLocalBackend(settings);
    const runOf = (): AnalysisRun => ({
      input,
      mediaUrl: video,
      store: new ObjectStore(s3, BUCKET),
      prefix: 'results/bench/',
      signal: new AbortController().signal,
      heartbeat: () => {},
      execution: { workflowId: 'bench', runId: 'bench' },
    });
    const runner = async (kind: AnalysisKind, extra: Partial<AnalysisInput> = {}) => {
      const outcome = await local.runners[kind]!({ ...runOf(), input: { ...input, ...extra } });
      if (outcome.status !== 'succeeded') throw new Error(`${kind} ${outcome.status}: ${outcome.summary}`);
      return outcome;
    };

    const costs = new Map<string, Cost>();
    const add = (cost: Cost) => costs.set(cost.step, cost);
    add(await measured('probe', async () => `ffprobe, ${(await ffprobe(video)).streams.length} streams`));
    add(await measured('keyframe sampling pass', async () => {
      const frames = await withKeyframes(video, seconds, { intervalSeconds: options.interval, maxFrames: options.maxFrames }, new AbortController().signal, async (sampled) =>
        Promise.all(sampled.map(async (f) => (await stat(f.path)).size)),
      );
      const meanKb = frames.length ? frames.reduce((s, b) => s + b, 0) / frames.length / 1024 : 0;
      return `${frames.length} frames, one per ${options.interval} s slot, mean JPEG ${fixed(meanKb, 0)} KB`;
    }));
    add(await measured('thumbnails before (every frame decoded)', async () => {
      const baselineDir = await mkdtemp(join(dir, 'baseline-'));
      return `${(await fullDecodeThumbnails(video, seconds, thumbnailOptions, baselineDir)) - 1} keyframes + poster`;
    }));
    add(await measured('thumbnails', async () => (await runner('thumbnails')).summary));
    let transcriptRef: string | undefined;
    if (options.backends.includes('local')) {
      add(await measured('transcript (pocketsphinx)', async () => {
        const outcome = await runner('transcript');
        transcriptRef = outcome.ref;
        return outcome.summary;
      }));
      add(await measured('shots (scene, black, silence, loudness)', async () => (await runner('shots')).summary));
      // nsfwjs loads its model once per worker (~4.5 s): a one-frame clip takes that out of the figure.
      const warmUp = join(dir, 'warm-up.mp4');
      await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=1', '-frames:v', '1', '-pix_fmt', 'yuv420p', warmUp]);
      await local.runners.visualModeration!({ ...runOf(), mediaUrl: warmUp });
      add(await measured('visual moderation (nsfwjs)', async () => (await runner('visualModeration')).summary));
    }
    if (transcriptRef) add(await measured('audio moderation (transcript text)', async () => (await runner('audioModeration', { transcriptRef })).summary));

    const sampling = costs.get('keyframe sampling pass')!;
    const backends: { backend: string; steps: { step: string; times: number }[] }[] = [
      { backend: 'local', steps: ['probe', 'transcript (pocketsphinx)', 'shots (scene, black, silence, loudness)', 'thumbnails', 'visual moderation (nsfwjs)', 'audio moderation (transcript text)'].map((step) => ({ step, times: 1 })) },
      { backend: 'aws (video jobs, the default)', steps: ['probe', 'thumbnails', 'audio moderation (transcript text)'].map((step) => ({ step, times: 1 })) },
      { backend: `aws (keyframe sampling every ${options.interval} s)`, steps: [...['probe', 'thumbnails', 'audio moderation (transcript text)'].map((step) => ({ step, times: 1 })), { step: sampling.step, times: SAMPLED_ANALYSES.length }] },
      { backend: 'aws (video jobs), thumbnails before', steps: ['probe', 'thumbnails before (every frame decoded)', 'audio moderation (transcript text)'].map((step) => ({ step, times: 1 })) },
    ];
    const perBackend = backends
      .filter((b) => b.steps.every((s) => costs.has(s.step)))
      .map((b) => {
        const cpuSeconds = b.steps.reduce((sum, s) => sum + s.times * cpu(costs.get(s.step)!), 0);
        return { backend: b.backend, steps: b.steps.map((s) => (s.times > 1 ? `${s.step} x${s.times}` : s.step)), cpuSeconds, cpuSecondsPerMediaHour: (cpuSeconds * 3600) / seconds };
      });

    const media = `${options.minutes} min 1280x720, ${fixed(size / 1e6, 0)} MB`;
    console.log(`\n${media}, keyframe every 2 s, on ${settings.thumbnailWidth} px thumbnails, scene threshold ${settings.sceneThreshold}\n`);
    console.log('| step | wall | CPU, children (ffmpeg ...) | CPU, node | CPU total | what it produced |');
    console.log('|---|---|---|---|---|---|');
    for (const c of costs.values()) {
      console.log(`| ${c.step} | ${fixed(c.wallSeconds)} s | ${fixed(c.childCpuSeconds)} s | ${fixed(c.nodeCpuSeconds)} s | ${fixed(cpu(c))} s | ${c.detail} |`);
    }
    console.log('\n| backend | worker-side media work | CPU for this media | CPU per media hour |');
    console.log('|---|---|---|---|');
    for (const b of perBackend) console.log(`| ${b.backend} | ${b.steps.join(', ')} | ${fixed(b.cpuSeconds)} s | ${fixed(b.cpuSecondsPerMediaHour, 0)} s |`);
    console.log(`\nnode peak RSS ${fixed(process.resourceUsage().maxRSS / 1024, 0)} MB`);
    await output.write({
      media: { minutes: options.minutes, width: 1280, height: 720, fps: 25, keyframeEverySeconds: 2, fileBytes: size, audio: 'sine 440 Hz AAC' },
      settings: { samplingIntervalSeconds: options.interval, samplingMaxFrames: options.maxFrames, ...thumbnailOptions },
      steps: [...costs.values()],
      perBackend,
      nodePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  } finally {
    s3.destroy();
    await s3server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
