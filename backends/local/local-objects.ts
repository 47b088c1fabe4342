import type { AnalysisRun, AnalysisRunner } from '../analysis-backend';
import type { AnalysisSettings } from '../analysis-settings';
import { OBJECT_MODEL } from '../../media/human-models';
import type { LabelsOutput } from '../../spine/branch-outputs';
import { describeKeyframes, lookAtKeyframes } from './local-vision';

/**
 * Centernet's score (0..1) an object must reach. Clear objects (a person, a cup on a table)
 * score 0.4 to 0.8 on the sample pictures; at 0.2 to 0.25 it names things that are not there
 * (a pizza, a tie, a sandwich on a dinner table), so 0.3 keeps the first and drops the second.
 */
export const OBJECT_MIN_CONFIDENCE = 0.3;
/** Labels kept per media: one per class per keyframe, so this is only reached by very busy hours. */
export const MAX_OBJECT_DETECTIONS = 5_000;

/**
 * COCO objects on keyframes, written as the LabelsOutput Rekognition's labels are: one
 * detection per class per keyframe (the most confident of its instances), named as Rekognition
 * names labels ("Dining Table"). COCO has no label hierarchy, so parents and categories are empty.
 */
export function createLocalObjectsRunner(settings: AnalysisSettings): AnalysisRunner {
  return async (run: AnalysisRun) => {
    const detections: LabelsOutput['detections'] = [];
    let dropped = 0;
    const seen = await lookAtKeyframes(run, settings, { objects: true, faces: false }, (time, { objects }) => {
      const best = new Map<string, number>();
      for (const object of objects) {
        if (object.confidence < OBJECT_MIN_CONFIDENCE) continue;
        const name = labelName(object.name);
        best.set(name, Math.max(best.get(name) ?? 0, object.confidence));
      }
      for (const [name, confidence] of [...best].sort((a, b) => b[1] - a[1])) {
        if (detections.length < MAX_OBJECT_DETECTIONS) detections.push({ time, name, confidence, parents: [], categories: [] });
        else dropped += 1;
      }
    });
    const output: LabelsOutput = { model: OBJECT_MODEL, detections };
    const ref = await run.store.putJson(`${run.prefix}labels.json`, output, run.signal);
    const distinct = new Set(detections.map((d) => d.name)).size;
    return {
      status: 'succeeded',
      ref,
      counts: { detections: detections.length, distinctLabels: distinct, keyframes: seen.frames, ...(dropped > 0 ? { droppedDetections: dropped } : {}) },
      summary: `${detections.length} object detection${detections.length === 1 ? '' : 's'} (${distinct} distinct) on ${describeKeyframes(run, seen)}${
        dropped > 0 ? `; ${dropped} more over the ${MAX_OBJECT_DETECTIONS}-detection bound not kept` : ''
      }`,
    };
  };
}

/** "dining table" -> "Dining Table": Rekognition's spelling, so both backends' labels read alike. */
export function labelName(cocoLabel: string): string {
  return cocoLabel.replace(/\b\p{Ll}/gu, (letter) => letter.toUpperCase());
}
