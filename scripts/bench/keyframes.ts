/**
 * What keyframe sampling costs the worker: a generated H.264 video (1280x720, a keyframe
 * every 2 s) is sampled exactly as the aws backend samples it, and the wall time, the CPU
 * time of this process and its ffmpeg, this process' peak RSS and the frames are printed.
 *   npm run bench:keyframes [-- --minutes 10 --interval 5]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { withKeyframes } from '../../media/keyframe-sampler';
import { runBench } from './bench-stack';

const run = promisify(execFile);

async function main(): Promise<void> {
  const options = new Command()
    .option('--minutes <n>', 'length of the generated video', '10')
    .option('--interval <seconds>', 'REELSCOPE_KEYFRAME_SAMPLING_SECONDS', '5')
    .option('--max-frames <n>', 'REELSCOPE_KEYFRAME_SAMPLING_MAX_FRAMES', '720')
    .parse()
    .opts<{ minutes: string; interval: string; maxFrames: string }>();
  const seconds = Number(options.minutes) * 60;
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-bench-keyframes-'));
  try {
    const video = join(dir, 'video.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p', video]);
    const size = (await stat(video)).size;

    const started = Date.now();
    const before = { own: process.cpuUsage(), children: await childrenCpuSeconds() };
    const sampling = { intervalSeconds: Number(options.interval), maxFrames: Number(options.maxFrames) };
    const frames = await withKeyframes(video, seconds, sampling, new AbortController().signal, async (sampled) =>
      Promise.all(sampled.map(async (f) => ({ time: f.time, bytes: (await stat(f.path)).size }))),
    );
    const wallSeconds = (Date.now() - started) / 1000;
    const own = process.cpuUsage(before.own);
    const cpuSeconds = (own.user + own.system) / 1e6 + ((await childrenCpuSeconds()) - before.children);

    console.log('| media | file | interval | frames | mean JPEG | wall | CPU (node + ffmpeg) | node peak RSS |');
    console.log('|---|---|---|---|---|---|---|---|');
    const meanKb = frames.length ? frames.reduce((s, f) => s + f.bytes, 0) / frames.length / 1024 : 0;
    console.log(
      `| ${options.minutes} min 1280x720 | ${(size / 1e6).toFixed(0)} MB | ${options.interval} s | ${frames.length} | ${meanKb.toFixed(0)} KB | ${wallSeconds.toFixed(1)} s | ${cpuSeconds.toFixed(1)} s | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB |`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU seconds of the reaped children (ffmpeg): Node reports only its own. Linux clock ticks are 1/100 s. */
async function childrenCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime and cstime
}

runBench(main);
