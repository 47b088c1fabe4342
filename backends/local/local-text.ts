import { readFile } from 'node:fs/promises';
import type { AnalysisRun, AnalysisRunner } from '../analysis-backend';
import type { AnalysisSettings } from '../analysis-settings';
import { withKeyframes, type KeyframeSampling } from '../../media/keyframe-sampler';
import { MediaUnusableError } from '../../media/media-unusable-error';
import { openTextReader, TEXT_MODEL, TextRecognitionAbortedError, type TextBox } from '../../media/on-screen-text';
import type { TextOutput, TimedDetection } from '../../spine/branch-outputs';

/**
 * Frames read per media at most: about a second of CPU each, so ten minutes of OCR however
 * long the media (its interval widens instead), well inside the analysis budget of
 * workflows/policies.ts.
 */
export const MAX_TEXT_FRAMES = 600;
/** Lines kept per media: a text-heavy hour would otherwise write megabytes that reduce reads whole. */
export const MAX_TEXT_DETECTIONS = 2_000;
const STILL_IMAGE: KeyframeSampling = { intervalSeconds: 1, maxFrames: 1 };

/** A line of text at a keyframe, where it was in the frame. */
export type LocalTextDetection = TimedDetection & { box: TextBox };

/**
 * On-screen text from tesseract.js on the keyframes the aws backend's image path samples too
 * (one per frame-sample interval), written as the same TextOutput Rekognition's lines are.
 */
export function createLocalTextRunner(settings: AnalysisSettings): AnalysisRunner {
  return async ({ input, mediaUrl, store, prefix, signal, heartbeat }: AnalysisRun) => {
    const sampling = input.media.kind === 'image' ? STILL_IMAGE : { intervalSeconds: settings.frameSampleSeconds, maxFrames: MAX_TEXT_FRAMES };
    const detections: LocalTextDetection[] = [];
    let dropped = 0;
    const read = await withKeyframes(mediaUrl, input.media.durationSeconds, sampling, signal, async (frames) => {
      if (frames.length === 0) return { frames: 0, first: 0, last: 0 };
      const reader = await openTextReader();
      try {
        for (const [i, frame] of frames.entries()) {
          if (signal.aborted) throw new TextRecognitionAbortedError('text recognition was stopped between frames: its run was cancelled', { cause: signal.reason });
          const lines = await reader.read(await readFile(frame.path), signal);
          for (const line of lines) {
            if (detections.length < MAX_TEXT_DETECTIONS) detections.push({ time: frame.time, name: line.text, confidence: line.confidence, box: line.box });
            else dropped += 1;
          }
          heartbeat({ keyframesDone: i + 1, keyframes: frames.length, lines: detections.length });
        }
      } finally {
        await reader.close();
      }
      return { frames: frames.length, first: frames[0]?.time ?? 0, last: frames[frames.length - 1]?.time ?? 0 };
    });
    // No frame read is nothing checked: "no text" would read as a finding.
    if (read.frames === 0) throw new MediaUnusableError('NoDecodableFrames', 'no keyframe of the picture could be decoded for text recognition');
    const output: TextOutput = { model: TEXT_MODEL, detections };
    const ref = await store.putJson(`${prefix}text.json`, output, signal);
    const distinct = new Set(detections.map((d) => d.name.toLowerCase())).size;
    const span = input.media.kind === 'image' ? 'the still image' : `${read.frames} keyframe${read.frames === 1 ? '' : 's'}, ${read.first.toFixed(1)}–${read.last.toFixed(1)} s`;
    return {
      status: 'succeeded',
      ref,
      counts: { detections: detections.length, distinctLines: distinct, keyframes: read.frames, ...(dropped > 0 ? { droppedLines: dropped } : {}) },
      summary: `${detections.length} line${detections.length === 1 ? '' : 's'} of text (${distinct} distinct) on ${span}${dropped > 0 ? `; ${dropped} more over the ${MAX_TEXT_DETECTIONS}-line bound not kept` : ''}`,
    };
  };
}
