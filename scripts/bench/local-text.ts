/**
 * What on-screen text costs on the local backend: tesseract.js (English LSTM model, one
 * worker thread) on the keyframes the text analysis samples, for two generated H.264 videos
 * (1280x720, 25 fps, a keyframe every 2 s): a test pattern with a news-style caption and a
 * clock on every frame, and the same pattern without them. Per video: the sampling pass
 * (ffmpeg), the worker's start (model inflated and loaded), each keyframe's recognition (wall
 * and CPU of this process, which includes the tesseract thread), lines kept, and the total
 * per media minute. Writes docs/benchmarks/local-text.json.
 *   npm run bench:text [-- --minutes 2 --interval 2]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_TEXT_FRAMES } from '../../backends/local/local-text';
import { withKeyframes } from '../../media/keyframe-sampler';
import { openTextReader, TEXT_MODEL, TEXT_RULES } from '../../media/on-screen-text';
import { benchOutput } from './bench-output';
import { runBench } from './bench-stack';

const run = promisify(execFile);
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

const bounded = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

interface Spent {
  wallSeconds: number;
  /** This process, every thread: the tesseract worker thread runs inside it. */
  cpuSeconds: number;
}

async function spent<T>(work: () => Promise<T>): Promise<{ value: T } & Spent> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wallSeconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** CPU seconds of reaped children (ffmpeg); Linux clock ticks are 1/100 s. */
async function childrenCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const options = new Command()
    .option('--minutes <n>', 'length of each generated video', bounded(1, 60), 2)
    .option('--interval <seconds>', 'REELSCOPE_FRAME_SAMPLE_SECONDS: one keyframe per this many seconds', bounded(1, 3600), 2)
    .parse()
    .opts<{ minutes: number; interval: number }>();
  const output = benchOutput('local-text');
  const seconds = options.minutes * 60;
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-bench-text-'));
  try {
    const pattern = `testsrc2=size=1280x720:rate=25:duration=${seconds}`;
    const caption = [
      'drawbox=x=0:y=ih*0.78:w=iw:h=ih*0.16:color=white:t=fill',
      `drawtext=fontfile=${FONT}:text='REELSCOPE NEWS  Storm closes coastal roads':fontcolor=black:fontsize=48:x=40:y=h*0.80`,
      `drawtext=fontfile=${FONT}:text='%{pts\\:hms}':fontcolor=black:fontsize=32:x=40:y=h*0.88`,
    ].join(',');
    const videos = [
      { name: 'captioned', filter: caption },
      { name: 'plain', filter: 'null' },
    ];
    const results = [];
    for (const video of videos) {
      const path = join(dir, `${video.name}.mp4`);
      await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', pattern, '-vf', video.filter, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-pix_fmt', 'yuv420p', path]);
      const childrenBefore = await childrenCpuSeconds();
      const perFrame: (Spent & { lines: number })[] = [];
      let start: Spent = { wallSeconds: 0, cpuSeconds: 0 };
      const sampled = await spent(() =>
        withKeyframes(path, seconds, { intervalSeconds: options.interval, maxFrames: MAX_TEXT_FRAMES }, new AbortController().signal, async (frames) => {
          const opened = await spent(() => openTextReader());
          start = opened;
          const signal = new AbortController().signal;
          try {
            for (const frame of frames) {
              const jpeg = await readFile(frame.path);
              const read = await spent(() => opened.value.read(jpeg, signal));
              perFrame.push({ wallSeconds: read.wallSeconds, cpuSeconds: read.cpuSeconds, lines: read.value.length });
            }
          } finally {
            await opened.value.close();
          }
          return frames.length;
        }),
      );
      const ffmpegCpu = (await childrenCpuSeconds()) - childrenBefore;
      const ocrWall = perFrame.reduce((s, f) => s + f.wallSeconds, 0);
      const ocrCpu = perFrame.reduce((s, f) => s + f.cpuSeconds, 0);
      const walls = perFrame.map((f) => f.wallSeconds).sort((a, b) => a - b);
      const totalCpu = sampled.cpuSeconds + ffmpegCpu;
      const figures = {
        video: video.name,
        keyframes: sampled.value,
        linesKept: perFrame.reduce((s, f) => s + f.lines, 0),
        workerStart: { wallSeconds: round(start.wallSeconds), cpuSeconds: round(start.cpuSeconds) },
        perKeyframe: {
          meanWallSeconds: round(ocrWall / perFrame.length),
          p50WallSeconds: round(quantile(walls, 0.5)),
          p95WallSeconds: round(quantile(walls, 0.95)),
          meanCpuSeconds: round(ocrCpu / perFrame.length),
        },
        // Sampling pass (ffmpeg, a child) and the JPEG reads besides recognition: the analysis as the runner runs it.
        total: { wallSeconds: round(sampled.wallSeconds), cpuSeconds: round(totalCpu), ffmpegCpuSeconds: round(ffmpegCpu) },
        perMediaMinute: { wallSeconds: round(sampled.wallSeconds / options.minutes), cpuSeconds: round(totalCpu / options.minutes) },
      };
      results.push(figures);
      console.error(`measured ${video.name}: ${figures.keyframes} keyframes, ${figures.perKeyframe.meanWallSeconds} s each, ${figures.perMediaMinute.wallSeconds} s per media minute`);
    }
    console.log(`\n${options.minutes} min 1280x720 per video, one keyframe per ${options.interval} s, ${TEXT_MODEL}\n`);
    console.log('| video | keyframes | lines kept | worker start | per keyframe (mean / p50 / p95 wall, mean CPU) | per media minute (wall, CPU) |');
    console.log('|---|---|---|---|---|---|');
    for (const r of results) {
      const k = r.perKeyframe;
      console.log(
        `| ${r.video} | ${r.keyframes} | ${r.linesKept} | ${r.workerStart.wallSeconds} s | ${k.meanWallSeconds} / ${k.p50WallSeconds} / ${k.p95WallSeconds} s, ${k.meanCpuSeconds} s | ${r.perMediaMinute.wallSeconds} s, ${r.perMediaMinute.cpuSeconds} s |`,
      );
    }
    await output.write({
      media: { minutes: options.minutes, width: 1280, height: 720, fps: 25, keyframeEverySeconds: 2, videos: videos.map((v) => v.name) },
      settings: { model: TEXT_MODEL, intervalSeconds: options.interval, maxFrames: MAX_TEXT_FRAMES, rules: TEXT_RULES },
      results,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
