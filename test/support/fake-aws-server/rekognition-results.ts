import { hashSeed, seededRandom, type FakeJob, type JobFamily } from './state';

/**
 * Deterministic detections for a finished job, in the shapes of the Rekognition Video API
 * reference (timestamps in ms, confidences in percent), sorted by time.
 */

const LABELS: { name: string; parents: string[]; category: string }[] = [
  { name: 'Person', parents: [], category: 'Person Description' },
  { name: 'Car', parents: ['Vehicle', 'Transportation'], category: 'Vehicles and Automotive' },
  { name: 'Tree', parents: ['Plant'], category: 'Plants and Flowers' },
  { name: 'Building', parents: ['Architecture'], category: 'Buildings and Architecture' },
  { name: 'Dog', parents: ['Animal', 'Pet', 'Mammal'], category: 'Animals and Pets' },
  { name: 'Microphone', parents: ['Electrical Device'], category: 'Technology and Computing' },
];
const MODERATION: { name: string; parent: string; level: number }[] = [
  { name: 'Suggestive', parent: '', level: 1 },
  { name: 'Violence', parent: '', level: 1 },
  { name: 'Graphic Violence', parent: 'Violence', level: 2 },
  { name: 'Alcohol', parent: '', level: 1 },
];
const CELEBRITIES = [
  { id: '1Xy2Zf', name: 'Ada Lovelace' },
  { id: '3Qw9Lk', name: 'Alan Turing' },
];
const LINES = ['BREAKING NEWS', 'reelscope', 'LIVE'];

export function videoMetadata(durationSeconds: number) {
  return {
    Codec: 'h264',
    DurationMillis: Math.round(durationSeconds * 1000),
    Format: 'QuickTime / MOV',
    FrameRate: 25,
    FrameHeight: 360,
    FrameWidth: 640,
    ColorRange: 'LIMITED',
  };
}

/** The items of one finished job, generated once and cached on the job. */
export function jobItems(job: FakeJob & { items?: unknown[] }, count: number, durationSeconds: number): unknown[] {
  job.items ??= generate(job.family, job.id, count, durationSeconds, Number(job.request['MinConfidence'] ?? 50));
  return job.items;
}

function generate(family: JobFamily, seed: string, count: number, durationSeconds: number, minConfidence: number): unknown[] {
  const random = seededRandom(hashSeed(seed));
  const durationMs = Math.max(1000, Math.round(durationSeconds * 1000));
  const at = (i: number) => Math.floor((i * durationMs) / Math.max(1, count));
  const confidence = () => Math.round((minConfidence + random() * (99.9 - minConfidence)) * 1000) / 1000;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const items = Array.from({ length: count }, (_, i) => i);
  switch (family) {
    case 'LabelDetection':
      return items.map((i) => {
        const label = pick(LABELS);
        return {
          Timestamp: at(i),
          Label: {
            Name: label.name,
            Confidence: confidence(),
            Instances: [],
            Parents: label.parents.map((Name) => ({ Name })),
            Aliases: [],
            Categories: [{ Name: label.category }],
          },
        };
      });
    case 'ContentModeration':
      return items.map((i) => {
        const label = pick(MODERATION);
        return { Timestamp: at(i), ModerationLabel: { Name: label.name, ParentName: label.parent, Confidence: confidence(), TaxonomyLevel: label.level } };
      });
    case 'CelebrityRecognition':
      return items.map((i) => {
        const celebrity = pick(CELEBRITIES);
        return {
          Timestamp: at(i),
          Celebrity: {
            Id: celebrity.id,
            Name: celebrity.name,
            Urls: [`www.wikidata.org/wiki/${celebrity.id}`],
            Confidence: confidence(),
            BoundingBox: { Width: 0.2, Height: 0.3, Left: 0.4, Top: 0.1 },
            KnownGender: { Type: 'Female' },
          },
        };
      });
    case 'TextDetection':
      return items.flatMap((i) => {
        const line = pick(LINES);
        const geometry = { BoundingBox: { Width: 0.5, Height: 0.05, Left: 0.25, Top: 0.85 }, Polygon: [] };
        return [
          { Timestamp: at(i), TextDetection: { DetectedText: line, Type: 'LINE', Id: i * 2, Confidence: confidence(), Geometry: geometry } },
          { Timestamp: at(i), TextDetection: { DetectedText: line.split(' ')[0], Type: 'WORD', Id: i * 2 + 1, ParentId: i * 2, Confidence: confidence(), Geometry: geometry } },
        ];
      });
    case 'SegmentDetection': {
      const shots = Math.max(1, Math.min(count, Math.floor(durationMs / 1000)));
      const bound = (i: number) => Math.floor((i * durationMs) / shots);
      const segment = (start: number, end: number) => ({
        StartTimestampMillis: start,
        EndTimestampMillis: end,
        DurationMillis: end - start,
        StartTimecodeSMPTE: smpte(start),
        EndTimecodeSMPTE: smpte(end),
      });
      const shotSegments = Array.from({ length: shots }, (_, i) => ({
        Type: 'SHOT',
        ...segment(bound(i), bound(i + 1)),
        ShotSegment: { Index: i, Confidence: confidence() },
      }));
      const blackStart = Math.max(0, durationMs - 1000);
      return [...shotSegments, { Type: 'TECHNICAL_CUE', ...segment(blackStart, durationMs), TechnicalCueSegment: { Type: 'BlackFrames', Confidence: 99.1 } }];
    }
    case 'Transcription':
      return [];
  }
}

function smpte(ms: number): string {
  const totalFrames = Math.floor((ms / 1000) * 25);
  const frames = totalFrames % 25;
  const seconds = Math.floor(totalFrames / 25);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}:${pad(frames)}`;
}
