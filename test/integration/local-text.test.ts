import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import type { LocalTextDetection } from '../../backends/local/local-text';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import type { AnalysisInput, AnalysisOutcome, ProbeResult } from '../../common/types';
import { TEXT_RULES } from '../../media/on-screen-text';
import type { TextOutput } from '../../spine/branch-outputs';
import type { ObjectStore } from '../../storage/object-store';
import { createActivityDeps } from '../../worker/activity-deps';
import { loadWorkerConfig } from '../../worker/config';

/** Debian's fonts-dejavu-core; scripts/bootstrap.sh installs it. */
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const CARD_WORDS = ['REELSCOPE', 'NEWS', '2026'];
/** The caption appears this far into the card: the frame at 0 s has none. */
const CAPTION_FROM_SECONDS = 1.5;

const ffmpeg = (args: string[]) => promisify(execFile)('ffmpeg', ['-v', 'error', '-y', ...args]);

/**
 * A 1280x720 H.264 clip from a lavfi source, a keyframe a second (-g 25) so the 2 s sampling
 * finds one in every slot, black DejaVu Sans text over it when `caption` is given.
 */
async function renderClip(path: string, source: string, seconds: number, caption?: string): Promise<string> {
  const text = caption
    ? ['-vf', `drawtext=fontfile=${FONT}:text='${caption}':fontcolor=black:fontsize=72:x=(w-text_w)/2:y=(h-text_h)/2:enable='gte(t\\,${CAPTION_FROM_SECONDS})'`]
    : [];
  // -sc_threshold 0: no extra keyframe where the caption appears, so keyframes fall on whole seconds.
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p'];
  await ffmpeg(['-f', 'lavfi', '-i', `${source}${source.includes('=') ? ':' : '='}size=1280x720:rate=25`, '-t', String(seconds), ...text, ...encode, path]);
  return path;
}

/**
 * The local backend's text analysis through its activity: real ffmpeg keyframes, real
 * tesseract.js with the packaged English model, the output in the local S3.
 */
describe('on-screen text on the local backend (tesseract.js)', () => {
  const config = loadWorkerConfig({ ...process.env, REELSCOPE_BACKEND: 'local' });
  let clients: AwsClients;
  let activities: ReelscopeActivities;
  let store: ObjectStore;
  let dir: string;

  async function probed(path: string, mediaId: string): Promise<AnalysisInput> {
    const body = await readFile(path);
    const key = `incoming/acme/${mediaId}.mp4`;
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body }));
    const source = { bucket: config.bucket, key, sizeBytes: body.length };
    const { media }: ProbeResult = await new MockActivityEnvironment().run(activities.probeMedia, { mediaId, tenant: 'acme', tier: 'standard', source });
    return { mediaId, tenant: 'acme', source, media };
  }

  beforeAll(async () => {
    clients = createAwsClients(config.aws);
    const deps = createActivityDeps(config, clients, { error() {}, info() {} });
    activities = createActivities(deps);
    store = deps.store;
    dir = await mkdtemp(join(tmpdir(), 'reelscope-local-text-'));
  });
  afterAll(() => {
    clients.destroy();
  });

  it('reads a rendered text card back, at the keyframes where the caption shows, boxed where it was drawn', async () => {
    // Arrange
    const input = await probed(await renderClip(join(dir, 'card.mp4'), 'color=c=white', 5, CARD_WORDS.join(' ')), 'text-card');

    // Act
    const outcome: AnalysisOutcome = await new MockActivityEnvironment().run(activities.analyzeText, input);

    // Assert
    expect(outcome).toMatchObject({ kind: 'text', status: 'succeeded', counts: { keyframes: 3 } });
    const output = await store.getJson<TextOutput>(outcome.ref!);
    expect(output.model).toMatch(/tesseract/);
    const card = output.detections.filter((d) => CARD_WORDS.every((w) => d.name.toUpperCase().includes(w)));
    // Keyframes at 0, 2 and 4 s: the caption is on the last two.
    expect(card.map((d) => d.time)).toEqual([2, 4]);
    for (const detection of output.detections as LocalTextDetection[]) {
      expect(detection.time).toBeGreaterThanOrEqual(CAPTION_FROM_SECONDS);
      expect(detection.time).toBeLessThan(input.media.durationSeconds);
      expect(detection.confidence).toBeGreaterThanOrEqual(TEXT_RULES.minConfidence / 100);
      expect(detection.confidence).toBeLessThanOrEqual(1);
      // Centred on the frame, as drawtext placed it.
      expect(detection.box.left + detection.box.width / 2).toBeCloseTo(0.5, 1);
      expect(detection.box.top + detection.box.height / 2).toBeCloseTo(0.5, 1);
    }
    expect(outcome.summary).toMatch(/^2 lines of text \(1 distinct\) on 3 keyframes, 0\.0–4\.0 s$/);
  });

  it('finds no text on a clip without any, having read every sampled keyframe', async () => {
    // Arrange: colour bars, and a fractal: edges and texture, no glyphs.
    const bars = await probed(await renderClip(join(dir, 'bars.mp4'), 'smptehdbars', 4), 'text-none-bars');
    const fractal = await probed(await renderClip(join(dir, 'fractal.mp4'), 'mandelbrot', 4), 'text-none-fractal');

    // Act
    const outcomes: AnalysisOutcome[] = [await new MockActivityEnvironment().run(activities.analyzeText, bars), await new MockActivityEnvironment().run(activities.analyzeText, fractal)];

    // Assert
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'succeeded', counts: { detections: 0, keyframes: 2 } });
      expect((await store.getJson<TextOutput>(outcome.ref!)).detections).toEqual([]);
    }
  });

  it('stops between keyframes when the analysis is cancelled, reported as a cancellation', async () => {
    // Arrange: half a minute of captioned frames, far more than are read before the cancel.
    const input = await probed(await renderClip(join(dir, 'long-card.mp4'), 'color=c=white', 30, 'CANCEL ME'), 'text-cancel');
    const env = new MockActivityEnvironment();
    const seen: unknown[] = [];
    env.on('heartbeat', (details: unknown) => {
      seen.push(details);
      if ((details as { keyframesDone?: number } | undefined)?.keyframesDone === 1) env.cancel();
    });

    // Act
    const ending = await env.run(activities.analyzeText, input).then(
      () => undefined,
      (err: unknown) => err,
    );

    // Assert: the SDK's own cancellation, not a failure to retry; no frame read after the cancel.
    expect(ending).toBeInstanceOf(CancelledFailure);
    const read = seen.flatMap((d) => ((d as { keyframesDone?: number } | undefined)?.keyframesDone ?? []));
    expect(Math.max(...read)).toBe(1);
  });
});
