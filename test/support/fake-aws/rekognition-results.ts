import { hashSeed, seededRandom } from './random';
import type { RekognitionFamily } from './services';

/**
 * Deterministic detections in the shapes of the Rekognition Video API reference (timestamps in
 * ms, confidences in percent), sorted by time (segments by type first, as the service does), exactly `count` items per job (technical cues:
 * the scripted ones, less any under the request's MinSegmentConfidence).
 */

const FRAME_RATE = 25;

const LABELS = [
  { name: 'Person', parents: [], category: 'Person Description', aliases: ['Human'], boxed: true },
  { name: 'Car', parents: ['Vehicle', 'Transportation'], category: 'Vehicles and Automotive', aliases: ['Automobile'], boxed: true },
  { name: 'Tree', parents: ['Plant'], category: 'Plants and Flowers', aliases: [], boxed: false },
  { name: 'City', parents: ['Urban'], category: 'Buildings and Architecture', aliases: ['Town'], boxed: false },
  { name: 'Dog', parents: ['Animal', 'Pet', 'Mammal', 'Canine'], category: 'Animals and Pets', aliases: [], boxed: true },
  { name: 'Microphone', parents: ['Electrical Device'], category: 'Technology and Computing', aliases: [], boxed: true },
];
// Two levels of the moderation taxonomy: top-level categories have no parent.
const MODERATION = [
  { name: 'Explicit Nudity', parent: '', level: 1 },
  { name: 'Nudity', parent: 'Explicit Nudity', level: 2 },
  { name: 'Suggestive', parent: '', level: 1 },
  { name: 'Female Swimwear Or Underwear', parent: 'Suggestive', level: 2 },
  { name: 'Violence', parent: '', level: 1 },
  { name: 'Graphic Violence Or Gore', parent: 'Violence', level: 2 },
  { name: 'Visually Disturbing', parent: '', level: 1 },
  { name: 'Alcohol', parent: '', level: 1 },
];
const CELEBRITIES = [
  { id: '1Xy2Zf', name: 'Ada Lovelace', gender: 'Female', url: 'www.wikidata.org/wiki/Q7259' },
  { id: '3Qw9Lk', name: 'Alan Turing', gender: 'Male', url: 'www.wikidata.org/wiki/Q7251' },
];
const LINES = ['BREAKING NEWS', 'reelscope live', 'CHAPTER ONE'];
// Every TechnicalCueType of the API model, in the order they tend to come in a programme.
const CUES = ['ColorBars', 'Slate', 'StudioLogo', 'OpeningCredits', 'Content', 'BlackFrames', 'EndCredits'];

/** A technical cue a test wants segment detection to find: seconds; confidence in percent (generated when absent). */
export interface ScriptedCue {
  type: string;
  start: number;
  end: number;
  confidence?: number;
}

/** What StartSegmentDetection asked for beyond the segment types: its Filters' confidence floors, percent. */
export interface SegmentRequest {
  shotMinConfidence: number;
  cueMinConfidence: number;
  /** The cues to find instead of the generated ones. */
  scriptedCues?: ScriptedCue[];
}

export interface GenerateOptions {
  family: RekognitionFamily;
  /** Media identity and the fake's seed: the same media gets the same detections. */
  seedText: string;
  count: number;
  durationSeconds: number;
  minConfidence: number;
  segmentTypes: string[];
  segments?: SegmentRequest;
}

export function videoMetadata(durationSeconds: number) {
  return {
    Codec: 'h264',
    DurationMillis: Math.round(durationSeconds * 1000),
    Format: 'QuickTime / MOV',
    FrameRate: FRAME_RATE,
    FrameHeight: 720,
    FrameWidth: 1280,
    ColorRange: 'LIMITED',
  };
}

export function audioMetadata(durationSeconds: number) {
  return { Codec: 'aac', DurationMillis: Math.round(durationSeconds * 1000), SampleRate: 48000, NumberOfChannels: 2 };
}

export function generateDetections(options: GenerateOptions): unknown[] {
  const { family, count } = options;
  const random = seededRandom(hashSeed(options.seedText));
  const durationMs = Math.max(1000, Math.round(options.durationSeconds * 1000));
  const at = (i: number) => Math.floor((i * durationMs) / Math.max(1, count));
  const confidence = () => round(options.minConfidence + random() * (99.99 - options.minConfidence));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const box = () => ({ Width: round(0.1 + random() * 0.3), Height: round(0.1 + random() * 0.4), Left: round(random() * 0.5), Top: round(random() * 0.5) });
  const indexes = Array.from({ length: count }, (_, i) => i);
  switch (family) {
    case 'LabelDetection':
      return indexes.map((i) => {
        const label = pick(LABELS);
        const score = confidence();
        return {
          Timestamp: at(i),
          Label: {
            Name: label.name,
            Confidence: score,
            Instances: label.boxed ? [{ BoundingBox: box(), Confidence: score }] : [],
            Parents: label.parents.map((Name) => ({ Name })),
            Aliases: label.aliases.map((Name) => ({ Name })),
            Categories: [{ Name: label.category }],
          },
        };
      });
    case 'ContentModeration':
      return indexes.map((i) => {
        const label = pick(MODERATION);
        return { Timestamp: at(i), ModerationLabel: { Confidence: confidence(), Name: label.name, ParentName: label.parent, TaxonomyLevel: label.level } };
      });
    case 'CelebrityRecognition':
      return indexes.map((i) => {
        const celebrity = pick(CELEBRITIES);
        return {
          Timestamp: at(i),
          Celebrity: {
            Urls: [celebrity.url],
            Name: celebrity.name,
            Id: celebrity.id,
            Confidence: confidence(),
            BoundingBox: box(),
            KnownGender: { Type: celebrity.gender },
          },
        };
      });
    case 'TextDetection':
      // A line, then one of its words with ParentId pointing at the line, at the line's time.
      return indexes.map((i) => {
        const line = LINES[Math.floor(i / 2) % LINES.length] as string;
        const bounds = box();
        const geometry = { BoundingBox: bounds, Polygon: corners(bounds) };
        const detection =
          i % 2 === 0
            ? { DetectedText: line, Type: 'LINE', Id: i, Confidence: confidence(), Geometry: geometry }
            : { DetectedText: line.split(' ')[0], Type: 'WORD', Id: i, ParentId: i - 1, Confidence: confidence(), Geometry: geometry };
        return { Timestamp: at(i - (i % 2)), TextDetection: detection };
      });
    case 'SegmentDetection':
      return segments(options, durationMs, random);
    case 'FaceDetection':
    case 'FaceSearch':
      throw new Error('face jobs see the collection: their results come from faces.ts');
  }
}

/**
 * One image's detections in the image APIs' shapes: one to three labels; a moderation label,
 * a known face or a line of text on about one image in four (most frames have none).
 */
export function imageDetections(kind: 'labels' | 'moderation' | 'celebrities' | 'text', seedText: string, minConfidence: number): unknown[] {
  const random = seededRandom(hashSeed(seedText));
  const confidence = () => round(minConfidence + random() * (99.99 - minConfidence));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const box = () => ({ Width: round(0.1 + random() * 0.3), Height: round(0.1 + random() * 0.4), Left: round(random() * 0.5), Top: round(random() * 0.5) });
  if (kind !== 'labels' && random() >= 0.25) return [];
  if (kind === 'moderation') {
    const label = pick(MODERATION);
    return [{ Confidence: confidence(), Name: label.name, ParentName: label.parent, TaxonomyLevel: label.level }];
  }
  if (kind === 'celebrities') {
    const celebrity = pick(CELEBRITIES);
    const face = { BoundingBox: box(), Confidence: confidence() };
    return [{ Urls: [celebrity.url], Name: celebrity.name, Id: celebrity.id, Face: face, MatchConfidence: confidence(), KnownGender: { Type: celebrity.gender } }];
  }
  if (kind === 'text') {
    const line = pick(LINES);
    const geometry = () => {
      const bounds = box();
      return { BoundingBox: bounds, Polygon: corners(bounds) };
    };
    const words = line.split(' ').map((word, i) => ({ DetectedText: word, Type: 'WORD', Id: i + 1, ParentId: 0, Confidence: confidence(), Geometry: geometry() }));
    return [{ DetectedText: line, Type: 'LINE', Id: 0, Confidence: confidence(), Geometry: geometry() }, ...words];
  }
  const names = new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(LABELS)));
  return [...names].map((label) => ({
    Name: label.name,
    Confidence: confidence(),
    Instances: [],
    Parents: label.parents.map((Name) => ({ Name })),
    Aliases: label.aliases.map((Name) => ({ Name })),
    Categories: [{ Name: label.category }],
  }));
}

/**
 * Shots tiling the media and technical cues, in the service's order: grouped by segment type
 * as the request listed them, by time within each. The cues are the scripted ones when a test
 * gave some (less the shots' share of `count`), else one BlackFrames cue over the last second
 * beside shots, or every cue type in turn tiling the media without them. Segments below their
 * filter's MinSegmentConfidence are not returned.
 */
function segments(options: GenerateOptions, durationMs: number, random: () => number): unknown[] {
  const { shotMinConfidence = 50, cueMinConfidence = 50, scriptedCues } = options.segments ?? {};
  const confidence = (floor: number) => round(floor + random() * (99.99 - floor));
  const shots = options.segmentTypes.includes('SHOT');
  const cues = options.segmentTypes.includes('TECHNICAL_CUE');
  const tile = (n: number, i: number) => [Math.floor((i * durationMs) / n), Math.floor(((i + 1) * durationMs) / n)] as const;
  const cueList = cues ? (scriptedCues ?? generatedCues(options.count, durationMs, shots)) : [];
  const shotCount = shots ? Math.max(0, options.count - cueList.length) : 0;
  const shotSegments: Record<string, unknown>[] = [];
  const cueSegments: Record<string, unknown>[] = [];
  for (let i = 0; i < shotCount; i++) {
    const [start, end] = tile(shotCount, i);
    shotSegments.push({ Type: 'SHOT', ...timing(start, end), ShotSegment: { Index: i, Confidence: confidence(shotMinConfidence) } });
  }
  for (const cue of cueList) {
    const score = cue.confidence ?? confidence(cueMinConfidence);
    if (score < cueMinConfidence) continue;
    const [start, end] = [Math.round(cue.start * 1000), Math.round(cue.end * 1000)];
    cueSegments.push({ Type: 'TECHNICAL_CUE', ...timing(start, end), TechnicalCueSegment: { Type: cue.type, Confidence: score } });
  }
  const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a['StartTimestampMillis']) - Number(b['StartTimestampMillis']);
  const byType: Record<string, Record<string, unknown>[]> = { SHOT: shotSegments, TECHNICAL_CUE: cueSegments };
  return [...new Set(options.segmentTypes)].flatMap((type) => [...(byType[type] ?? [])].sort(byTime));
}

/** Beside shots, one BlackFrames cue over the last second; alone, every cue type in turn, tiling the media. */
function generatedCues(count: number, durationMs: number, withShots: boolean): ScriptedCue[] {
  if (count === 0) return [];
  if (withShots) return [{ type: 'BlackFrames', start: Math.max(0, durationMs - 1000) / 1000, end: durationMs / 1000 }];
  return Array.from({ length: count }, (_, i) => ({
    type: CUES[i % CUES.length] as string,
    start: Math.floor((i * durationMs) / count) / 1000,
    end: Math.floor(((i + 1) * durationMs) / count) / 1000,
  }));
}

function timing(startMs: number, endMs: number) {
  const frame = (ms: number) => Math.floor((ms / 1000) * FRAME_RATE);
  return {
    StartTimestampMillis: startMs,
    EndTimestampMillis: endMs,
    DurationMillis: endMs - startMs,
    StartTimecodeSMPTE: smpte(frame(startMs)),
    EndTimecodeSMPTE: smpte(frame(endMs)),
    DurationSMPTE: smpte(frame(endMs) - frame(startMs)),
    StartFrameNumber: frame(startMs),
    EndFrameNumber: frame(endMs),
    DurationFrames: frame(endMs) - frame(startMs),
  };
}

function smpte(totalFrames: number): string {
  const seconds = Math.floor(totalFrames / FRAME_RATE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}:${pad(totalFrames % FRAME_RATE)}`;
}

function corners(b: { Width: number; Height: number; Left: number; Top: number }) {
  return [
    { X: b.Left, Y: b.Top },
    { X: round(b.Left + b.Width), Y: b.Top },
    { X: round(b.Left + b.Width), Y: round(b.Top + b.Height) },
    { X: b.Left, Y: round(b.Top + b.Height) },
  ];
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
