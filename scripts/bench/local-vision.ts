/**
 * What objects and faces cost on the local backend: @vladmandic/human (centernet for COCO
 * objects; blazeface and faceres for faces and their descriptors) on TensorFlow.js' wasm
 * backend, on the keyframes the labels and faces analyses sample, for two generated H.264
 * videos: photographs of people (the sample sheet that ships with Human, 2 s a photo: a diner,
 * a portrait, a group of a dozen; 640x360) and a 1280x720 test pattern with nothing in it.
 * Per video: the models' load, each keyframe's decode (ffmpeg, to at most 640 pixels), the
 * objects pass and the faces pass (wall and CPU of this process), what each found, and each
 * analysis per media minute as its runner runs it (sampling + decode + its pass).
 * Writes docs/benchmarks/local-vision.json.
 *   npm run bench:vision [-- --minutes 2 --interval 2]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command, InvalidArgumentError } from 'commander';
import { FACE_MIN_CONFIDENCE } from '../../backends/local/local-faces';
import { OBJECT_MIN_CONFIDENCE } from '../../backends/local/local-objects';
import { MAX_VISION_FRAMES } from '../../backends/local/local-vision';
import { decodeImageRgb, detectVision, FACE_MODEL, loadHuman, OBJECT_MODEL, VISION_MAX_SIDE } from '../../media/human-models';
import { withKeyframes } from '../../media/keyframe-sampler';
import { photoClip } from '../../test/support/face-fixtures';
import { benchOutput } from './bench-output';
import { runBench } from './bench-stack';

const run = promisify(execFile);

const bounded = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

interface Spent {
  wallSeconds: number;
  /** This process, every thread. */
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
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

interface FrameCost {
  decode: Spent;
  objects: Spent & { found: number };
  faces: Spent & { found: number };
}

function pass(frames: FrameCost[], which: 'objects' | 'faces') {
  const walls = frames.map((f) => f[which].wallSeconds).sort((a, b) => a - b);
  return {
    meanWallSeconds: round(sum(walls) / frames.length),
    p50WallSeconds: round(quantile(walls, 0.5)),
    p95WallSeconds: round(quantile(walls, 0.95)),
    meanCpuSeconds: round(sum(frames.map((f) => f[which].cpuSeconds)) / frames.length),
    found: sum(frames.map((f) => f[which].found)),
  };
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--minutes <n>', 'length of each generated video', bounded(1, 60), 2)
    .option('--interval <seconds>', 'REELSCOPE_FRAME_SAMPLE_SECONDS: one keyframe per this many seconds', bounded(1, 3600), 2)
    .parse()
    .opts<{ minutes: number; interval: number }>();
  const output = benchOutput('local-vision');
  const seconds = options.minutes * 60;
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-bench-vision-'));
  try {
    const load = await spent(() => loadHuman());
    console.error(`models loaded in ${round(load.wallSeconds)} s`);
    // 6 s of photographs, repeated without re-encoding: the keyframes stay one a second.
    const cycle = await photoClip(join(dir, 'cycle.mp4'), ['diner', 'portrait', 'group']);
    const videos = [
      { name: 'photos', path: join(dir, 'photos.mp4'), width: 640, height: 360, make: ['-stream_loop', String(Math.ceil(seconds / 6) - 1), '-i', cycle, '-t', String(seconds), '-c', 'copy'] },
      {
        name: 'pattern',
        path: join(dir, 'pattern.mp4'),
        width: 1280,
        height: 720,
        make: ['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-pix_fmt', 'yuv420p'],
      },
    ];
    const results = [];
    for (const video of videos) {
      await run('ffmpeg', ['-v', 'error', '-y', ...video.make, video.path]);
      const childrenBefore = await childrenCpuSeconds();
      const perFrame: FrameCost[] = [];
      const sampled = await spent(() =>
        withKeyframes(video.path, seconds, { intervalSeconds: options.interval, maxFrames: MAX_VISION_FRAMES }, new AbortController().signal, async (frames) => {
          for (const frame of frames) {
            const before = await childrenCpuSeconds();
            const decoded = await spent(() => decodeImageRgb(frame.path));
            const childCpu = (await childrenCpuSeconds()) - before;
            const objects = await spent(() => detectVision(decoded.value, { objects: true, faces: false }));
            const faces = await spent(() => detectVision(decoded.value, { objects: false, faces: true }));
            perFrame.push({
              decode: { wallSeconds: decoded.wallSeconds, cpuSeconds: decoded.cpuSeconds + childCpu },
              objects: { ...objects, found: objects.value.objects.filter((o) => o.confidence >= OBJECT_MIN_CONFIDENCE).length },
              faces: { ...faces, found: faces.value.faces.filter((f) => f.confidence >= FACE_MIN_CONFIDENCE).length },
            });
          }
          return frames.length;
        }),
      );
      const allChildCpu = (await childrenCpuSeconds()) - childrenBefore;
      // The keyframe sampling pass (ffmpeg writing the JPEGs): everything but the decodes and the two model passes.
      const measured = (f: FrameCost) => [f.decode, f.objects, f.faces];
      const samplingCpu = sampled.cpuSeconds + allChildCpu - sum(perFrame.flatMap(measured).map((s) => s.cpuSeconds));
      const samplingWall = sampled.wallSeconds - sum(perFrame.flatMap(measured).map((s) => s.wallSeconds));
      const decodeCpu = sum(perFrame.map((f) => f.decode.cpuSeconds));
      const decodeWall = sum(perFrame.map((f) => f.decode.wallSeconds));
      const analysis = (which: 'objects' | 'faces') => {
        const cpu = samplingCpu + decodeCpu + sum(perFrame.map((f) => f[which].cpuSeconds));
        const wall = samplingWall + decodeWall + sum(perFrame.map((f) => f[which].wallSeconds));
        return {
          perKeyframe: pass(perFrame, which),
          perMediaMinute: { wallSeconds: round(wall / options.minutes), cpuSeconds: round(cpu / options.minutes) },
        };
      };
      const figures = {
        video: video.name,
        size: `${video.width}x${video.height}`,
        keyframes: sampled.value,
        samplingPass: { wallSeconds: round(samplingWall), cpuSeconds: round(samplingCpu) },
        decodePerKeyframe: { meanWallSeconds: round(decodeWall / perFrame.length), meanCpuSeconds: round(decodeCpu / perFrame.length) },
        objects: analysis('objects'),
        faces: analysis('faces'),
      };
      results.push(figures);
      console.error(`measured ${video.name}: ${figures.keyframes} keyframes, objects ${figures.objects.perKeyframe.meanCpuSeconds} s CPU each, faces ${figures.faces.perKeyframe.meanCpuSeconds} s CPU each`);
    }
    console.log(`\n${options.minutes} min per video, one keyframe per ${options.interval} s, decoded to at most ${VISION_MAX_SIDE} px; models loaded in ${round(load.wallSeconds)} s (${round(load.cpuSeconds)} s CPU)\n`);
    console.log('| video | keyframes | analysis | found | per keyframe (mean / p50 / p95 wall, mean CPU) | per media minute (wall, CPU) |');
    console.log('|---|---|---|---|---|---|');
    for (const r of results) {
      for (const which of ['objects', 'faces'] as const) {
        const k = r[which].perKeyframe;
        const m = r[which].perMediaMinute;
        console.log(`| ${r.video} ${r.size} | ${r.keyframes} | ${which} | ${k.found} | ${k.meanWallSeconds} / ${k.p50WallSeconds} / ${k.p95WallSeconds} s, ${k.meanCpuSeconds} s | ${m.wallSeconds} s, ${m.cpuSeconds} s |`);
      }
    }
    await output.write({
      media: { minutes: options.minutes, videos: videos.map((v) => ({ name: v.name, width: v.width, height: v.height })) },
      settings: {
        objectModel: OBJECT_MODEL,
        faceModel: FACE_MODEL,
        intervalSeconds: options.interval,
        maxFrames: MAX_VISION_FRAMES,
        decodeMaxSide: VISION_MAX_SIDE,
        objectMinConfidence: OBJECT_MIN_CONFIDENCE,
        faceMinConfidence: FACE_MIN_CONFIDENCE,
      },
      modelLoad: { wallSeconds: round(load.wallSeconds), cpuSeconds: round(load.cpuSeconds) },
      results,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
