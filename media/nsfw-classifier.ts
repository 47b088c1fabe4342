import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { NSFWJS } from 'nsfwjs';
import type { RgbFrame } from './sampled-frames';

export const NSFW_INPUT_SIZE = 224;

export type NsfwClass = 'Drawing' | 'Hentai' | 'Neutral' | 'Porn' | 'Sexy';
export type NsfwScores = Record<NsfwClass, number>;
/** Classes that count as explicit; Neutral and Drawing never flag. */
export const EXPLICIT_NSFW_CLASSES = ['Porn', 'Hentai', 'Sexy'] as const satisfies readonly NsfwClass[];

let model: Promise<NSFWJS> | undefined;

/**
 * The nsfwjs MobileNetV2 model on TensorFlow.js' WebAssembly backend (about 65 ms a frame
 * here, against 2 s on the pure-JS CPU backend; tfjs-node would need a download at install).
 * Loaded once per worker process and shared by every activity.
 */
function loadModel(): Promise<NSFWJS> {
  model ??= (async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const nsfwjs = await import('nsfwjs');
    // nsfwjs announces on console.info which bundled model it loads, in the middle of whatever
    // the process prints (the demo's progress lines); the model is named here already.
    const info = console.info;
    console.info = () => undefined;
    try {
      return await nsfwjs.load('MobileNetV2');
    } finally {
      console.info = info;
    }
  })().catch((err: unknown) => {
    model = undefined;
    throw err;
  });
  return model;
}

/** Scores one 224x224 RGB frame for each nsfwjs class (probabilities summing to 1). */
export async function classifyFrame(frame: RgbFrame): Promise<NsfwScores> {
  if (frame.width !== NSFW_INPUT_SIZE || frame.height !== NSFW_INPUT_SIZE) {
    throw new Error(`nsfwjs expects ${NSFW_INPUT_SIZE}x${NSFW_INPUT_SIZE} frames, got ${frame.width}x${frame.height}`);
  }
  const classifier = await loadModel();
  const image = tf.tensor3d(frame.pixels, [frame.height, frame.width, 3], 'int32');
  try {
    const predictions = await classifier.classify(image, 5);
    const scores: NsfwScores = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
    for (const p of predictions) scores[p.className] = Math.round(p.probability * 10_000) / 10_000;
    return scores;
  } finally {
    image.dispose();
  }
}
