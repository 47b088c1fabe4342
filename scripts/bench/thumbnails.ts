/**
 * Worker CPU for thumbnails, on generated H.264 media with scene changes (1280x720, 25 fps,
 * x264 superfast: B-frames and scenecut on, a keyframe at least every 2 s, as uploads are
 * encoded; a 440 Hz AAC tone): every frame decoded (the filter graph thumbnails used until
 * 2026-12-01, `before`), keyframes only (`media/thumbnails.ts`, `after`), and the other way to
 * reach keyframes (`probe-seeks`: ffprobe's keyframe list, then one seek per chosen keyframe,
 * with no scene choice). A second file, the same content with a single keyframe, measures the
 * even-time fallback. CPU is user + system of the ffmpeg and ffprobe children (reaped, from
 * /proc/self/stat) and of this process; per media hour it is the same on both backends, which
 * run the same thumbnails runner on the worker. Writes docs/benchmarks/thumbnails.json.
 *   npx tsx scripts/bench/thumbnails.ts [--minutes 10] [--paths before,after,probe-seeks] [--one-keyframe-minutes 2]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command, InvalidArgumentError } from 'commander';
import { inputPolicyOptions } from '../../media/input-policy';
import { runFfmpeg } from '../../media/run-ffmpeg';
import { extractThumbnails, type ThumbnailOptions } from '../../media/thumbnails';
import { loadWorkerConfig } from '../../worker/config';
import { benchOutput } from './bench-output';
import { runBench } from './bench-stack';
import { fullDecodeThumbnails } from './full-decode-thumbnails';

const run = promisify(execFile);
const PATHS = ['before', 'after', 'probe-seeks'] as const;
type ThumbnailPath = (typeof PATHS)[number];
/** Scene lengths in seconds, cycled: cuts off the GOP's 2 s beat, so some fall between keyframes. */
const SCENE_SECONDS = [23, 31, 17, 41, 29, 37, 19, 43];
/**
 * Sources cycled per scene: moving patterns, smooth gradients, still bars, a hue drift. No
 * noise-like source (cellauto, life): its keyframes are several times larger than a camera's
 * and cost that much more to decode (60 ms each at 720p against 10 ms here).
 */
const SCENE_SOURCES = [
  'testsrc2=s=1280x720:r=25',
  'gradients=s=1280x720:r=25:speed=0.02:seed=1',
  'testsrc2=s=1280x720:r=25,negate,hflip',
  'smptehdbars=s=1280x720:r=25',
  'testsrc2=s=1280x720:r=25,hue=H=t/3',
  'gradients=s=1280x720:r=25:speed=0.05:seed=7',
];

const bounded = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

const pathList = (value: string): ThumbnailPath[] => {
  const names = value.split(',').map((v) => v.trim());
  if (names.some((n) => !(PATHS as readonly string[]).includes(n))) throw new InvalidArgumentError(`a comma list of ${PATHS.join(', ')}`);
  return names as ThumbnailPath[];
};

/** CPU seconds of the reaped children (ffmpeg, ffprobe): Node reports only its own. Linux clock ticks are 1/100 s. */
async function childrenCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime and cstime
}

interface Cost {
  media: string;
  path: ThumbnailPath;
  wallSeconds: number;
  childCpuSeconds: number;
  nodeCpuSeconds: number;
  cpuSeconds: number;
  cpuSecondsPerMediaHour: number;
  thumbnails: number;
  /** Thumbnail times in seconds, poster first. */
  times: number[];
}

async function measured(media: string, path: ThumbnailPath, durationSeconds: number, work: () => Promise<number[]>): Promise<Cost> {
  const started = performance.now();
  const own = process.cpuUsage();
  const children = await childrenCpuSeconds();
  const times = await work();
  const ownUsed = process.cpuUsage(own);
  const childCpuSeconds = Math.round(((await childrenCpuSeconds()) - children) * 100) / 100;
  const nodeCpuSeconds = Math.round((ownUsed.user + ownUsed.system) / 1e4) / 100;
  const cpuSeconds = Math.round((childCpuSeconds + nodeCpuSeconds) * 100) / 100;
  const cost = {
    media,
    path,
    wallSeconds: Math.round((performance.now() - started) / 10) / 100,
    childCpuSeconds,
    nodeCpuSeconds,
    cpuSeconds,
    cpuSecondsPerMediaHour: Math.round((cpuSeconds * 3600) / durationSeconds),
    thumbnails: times.length,
    times,
  };
  console.error(`measured ${media} ${path}: ${cpuSeconds.toFixed(2)} s CPU, ${times.length} thumbnails`);
  return cost;
}

/** The keyframe list ffprobe reads from the packets (no decoding), then a keyframe-only seek to each of up to `max` evenly chosen ones. */
async function probeSeekThumbnails(input: string, options: ThumbnailOptions, dir: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', ...inputPolicyOptions(input), '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', input], { maxBuffer: 64 * 1024 * 1024 });
  const keyframes = stdout.split('\n').filter((line) => line.includes(',K')).map((line) => Number(line.split(',')[0]));
  const step = Math.max(1, keyframes.length / options.maxKeyframes);
  const chosen = Array.from({ length: Math.min(options.maxKeyframes, keyframes.length) }, (_, i) => keyframes[Math.floor(i * step)]!);
  for (const [i, time] of chosen.entries()) {
    await runFfmpeg({
      input,
      inputOptions: ['-threads', '1', '-skip_frame', 'nokey', '-noaccurate_seek', '-ss', String(time), '-copyts', '-start_at_zero'],
      outputOptions: ['-vf', `scale=${options.widthPixels}:-2`, '-frames:v', '1', '-q:v', '4', '-an'],
      output: join(dir, `probe-seek-${String(i).padStart(4, '0')}.jpg`),
    });
  }
  return chosen;
}

async function generate(path: string, seconds: number, gop: 'two-seconds' | 'one-keyframe'): Promise<void> {
  const scenes: string[] = [];
  for (let start = 0, i = 0; start < seconds; i++) {
    const length = Math.min(SCENE_SECONDS[i % SCENE_SECONDS.length]!, seconds - start);
    scenes.push(`${SCENE_SOURCES[i % SCENE_SOURCES.length]!},trim=duration=${length},setpts=PTS-STARTPTS,format=yuv420p[s${i}]`);
    start += length;
  }
  const graph = `${scenes.join(';')};${scenes.map((_, i) => `[s${i}]`).join('')}concat=n=${scenes.length}:v=1:a=0[v]`;
  await run('ffmpeg', [
    '-v', 'error', '-y',
    '-filter_complex', graph,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-map', '[v]', '-map', '0:a',
    '-c:v', 'libx264', '-preset', 'superfast',
    // Two seconds at most between keyframes, scene cuts keyframed as x264 does by default; or one keyframe and no cuts keyframed.
    ...(gop === 'two-seconds' ? ['-g', '50'] : ['-g', String(seconds * 25 + 1), '-sc_threshold', '0']),
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ], { maxBuffer: 16 * 1024 * 1024 });
}

async function keyframeCount(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'csv=p=0', path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((f) => f.startsWith('K')).length;
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--minutes <n>', 'length of the generated media', bounded(1, 120), 10)
    .option('--paths <list>', `which thumbnail paths to measure: ${PATHS.join(', ')}`, pathList, [...PATHS])
    .option('--one-keyframe-minutes <n>', 'length of the single-keyframe file (the even-time fallback); 0 skips it', (v) => (v === '0' ? 0 : bounded(1, 120)(v)), 2)
    .parse()
    .opts<{ minutes: number; paths: ThumbnailPath[]; oneKeyframeMinutes: number }>();
  const output = benchOutput('thumbnails');
  const settings = loadWorkerConfig(process.env).analysis;
  const thumbnailOptions: ThumbnailOptions = { sceneThreshold: settings.sceneThreshold, maxKeyframes: settings.maxKeyframes, widthPixels: settings.thumbnailWidth };
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-bench-thumbnails-'));
  try {
    // The single-keyframe file is shorter by default: only the fallback runs on it, and its encode is the bench's slowest step.
    const files: { name: string; gop: 'two-seconds' | 'one-keyframe'; minutes: number; paths: ThumbnailPath[] }[] = [
      { name: 'keyframe every 2 s or at a cut', gop: 'two-seconds', minutes: options.minutes, paths: options.paths },
      ...(options.oneKeyframeMinutes > 0 && options.paths.includes('after')
        ? [{ name: 'one keyframe', gop: 'one-keyframe' as const, minutes: options.oneKeyframeMinutes, paths: ['after' as const] }]
        : []),
    ];
    const media: Record<string, unknown>[] = [];
    const costs: Cost[] = [];
    for (const file of files) {
      const video = join(dir, `${file.gop}.mp4`);
      const seconds = file.minutes * 60;
      const made = performance.now();
      await generate(video, seconds, file.gop);
      const facts = { name: file.name, minutes: file.minutes, width: 1280, height: 720, fps: 25, frames: seconds * 25, keyframes: await keyframeCount(video), fileBytes: (await stat(video)).size };
      media.push(facts);
      console.error(`made ${file.name}: ${facts.keyframes} keyframes, ${(facts.fileBytes / 1e6).toFixed(0)} MB in ${((performance.now() - made) / 1000).toFixed(0)} s`);
      for (const path of file.paths) {
        const scratch = await mkdtemp(join(dir, `${path}-`));
        costs.push(
          await measured(file.name, path, seconds, async () => {
            if (path === 'after') {
              const set = await extractThumbnails(video, seconds, thumbnailOptions);
              return [set.poster.time, ...set.keyframes.map((k) => k.time)];
            }
            if (path === 'probe-seeks') return probeSeekThumbnails(video, thumbnailOptions, scratch);
            // The old command logs no times: only how many JPEGs it wrote.
            return Array.from({ length: await fullDecodeThumbnails(video, seconds, thumbnailOptions, scratch) }, () => Number.NaN);
          }),
        );
        await rm(scratch, { recursive: true, force: true });
      }
      await rm(video, { force: true });
    }

    console.log(`\n${files.map((f) => `${f.name}: ${f.minutes} min`).join('; ')}; 1280x720 25 fps H.264, ${settings.thumbnailWidth} px thumbnails, scene threshold ${settings.sceneThreshold}, at most ${settings.maxKeyframes}\n`);
    console.log('| media | path | wall | CPU, ffmpeg/ffprobe | CPU, node | CPU total | CPU per media hour (local and aws) | thumbnails |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const c of costs) {
      console.log(`| ${c.media} | ${c.path} | ${c.wallSeconds.toFixed(1)} s | ${c.childCpuSeconds.toFixed(2)} s | ${c.nodeCpuSeconds.toFixed(2)} s | ${c.cpuSeconds.toFixed(2)} s | ${c.cpuSecondsPerMediaHour} s | ${c.thumbnails} |`);
    }
    const after = costs.find((c) => c.path === 'after' && c.media === files[0]!.name);
    if (after) console.log(`\nthumbnail times (poster first): ${after.times.join(', ')}`);
    await output.write({
      settings: thumbnailOptions,
      media,
      costs: costs.map((c) => ({ ...c, times: c.times.every(Number.isNaN) ? undefined : c.times })),
      perMediaHour: costs
        .filter((c) => c.path === 'after')
        .flatMap((c) => ['local', 'aws'].map((backend) => ({ backend, media: c.media, thumbnailsCpuSeconds: c.cpuSecondsPerMediaHour }))),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
