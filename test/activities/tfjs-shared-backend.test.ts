import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decodeImageRgb, detectVision } from '../../media/human-models';
import { classifyFrame, NSFW_INPUT_SIZE } from '../../media/nsfw-classifier';
import type { RgbFrame } from '../../media/sampled-frames';
import { samplePhoto } from '../support/face-fixtures';

/**
 * nsfwjs (visual moderation) and Human (objects, faces) share one tfjs engine and its wasm
 * backend in the worker, and a worker starts the three analyses at once: both models loading
 * cold and concurrently must each give the answers they give afterwards, one at a time.
 */
describe('nsfwjs and Human in one process', () => {
  it('load at the same time on one wasm backend and answer as they do alone', async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'reelscope-tfjs-'));
    const photo = await decodeImageRgb(await samplePhoto(join(dir, 'diner.png'), 'diner'));
    const frame: RgbFrame = { time: 0, width: NSFW_INPUT_SIZE, height: NSFW_INPUT_SIZE, pixels: new Uint8Array(NSFW_INPUT_SIZE * NSFW_INPUT_SIZE * 3).fill(128) };

    // Act: both cold, at once; then each again on its own.
    const [together, scores] = await Promise.all([detectVision(photo, { objects: true, faces: true }), classifyFrame(frame)]);
    const alone = await detectVision(photo, { objects: true, faces: true });
    const scoresAlone = await classifyFrame(frame);

    // Assert
    expect(tf.getBackend()).toBe('wasm');
    expect(together.objects.map((o) => o.name)).toEqual(expect.arrayContaining(['person', 'cup']));
    expect(together.faces.filter((f) => f.confidence >= 0.5)).toHaveLength(1);
    expect(together).toEqual(alone);
    expect(scores).toEqual(scoresAlone);
  });
});
