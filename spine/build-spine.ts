import type { MediaKind, ModerationVerdict } from '../common/types';
import { describeDamage } from '../media/decode-damage';
import type { Interval } from '../media/technical-cues';
import type { AudioModerationOutput, BranchOutputs, ShotsOutput, TimedDetection, VisualModerationOutput } from './branch-outputs';
import { knownPeopleDetections, spineFaces } from './face-appearances';
import type { ModerationCoverage, ModerationFlag, NameTally, Spine, SpineSegment, SpineTechnicalCues, TimedText } from './spine';

export interface SpineThresholds {
  /**
   * Transcript segments below this recognition confidence are kept apart as low-confidence
   * speech; audio hits and detections below it raise no flag.
   */
  minConfidence: number;
  /** A frame is flagged when an explicit class scores at least this. */
  moderation: number;
}

/** What reduce knows of the media itself: its kind and which streams it has. */
export interface SpineMedia {
  kind: MediaKind;
  durationSeconds: number;
  hasVideo: boolean;
  hasAudio: boolean;
}

/**
 * Share of the duration a moderation must have covered to count as covering it: the last
 * sample's stretch or the audio track may end a little before the container does.
 */
const COVERED_SHARE = 0.9;

/** Per segment, the most confident few labels: enough to describe a shot, small enough to read. */
const LABELS_PER_SEGMENT = 6;
const TEXT_LINES_PER_SEGMENT = 4;
const TOP_LABELS = 15;
/** Rekognition's name for the one cue type every backend looks for. */
const BLACK_FRAMES = 'BlackFrames';

/**
 * Reduces the branch outputs into the spine: one timeline of segments (shots, or speech and
 * silence for audio), each with its speech, cues and moderation flags. Pure, so the same
 * outputs always give the same spine.
 */
export function buildSpine(mediaId: string, media: SpineMedia, outputs: BranchOutputs, thresholds: SpineThresholds): Spine {
  const { durationSeconds } = media;
  const recognised: TimedText[] = (outputs.transcript?.segments ?? []).map(({ start, end, text, confidence }) => ({ start, end, text, confidence }));
  const speech = recognised.filter((s) => s.confidence >= thresholds.minConfidence);
  const lowConfidenceSpeech = recognised.filter((s) => s.confidence < thresholds.minConfidence);
  const silences = outputs.shots?.silences ?? [];
  const blackSegments = outputs.shots?.blackSegments ?? [];
  const flags = [
    ...visualFlags(outputs.visualModeration, thresholds.moderation),
    ...(outputs.audioModeration?.hits ?? [])
      .filter((h) => h.confidence >= thresholds.minConfidence)
      .map((h): ModerationFlag => ({ start: h.start, end: h.end, source: 'audio', category: `profanity:${h.term}`, score: h.confidence })),
    ...toxicityFlags(outputs.audioModeration, thresholds.moderation),
  ].sort((a, b) => a.start - b.start);
  const keyframes = outputs.thumbnails?.keyframes ?? [];
  const confident = (d: TimedDetection) => d.confidence >= thresholds.minConfidence;
  const labels = (outputs.labels?.detections ?? []).filter(confident);
  const people = [...(outputs.celebrities?.detections ?? []).filter(confident), ...knownPeopleDetections(outputs.faces, thresholds.minConfidence)];
  const onScreenText = (outputs.text?.detections ?? []).filter(confident);

  const segments = segmentBounds(media, outputs, silences).map(
    ({ start, end }, index): SpineSegment => {
      const thumbnail = keyframes.find((k) => k.time >= start - 0.05 && (k.time < end || end === start));
      const within = (texts: readonly TimedText[]) =>
        texts
          .filter((s) => midpoint(s) >= start && midpoint(s) < end)
          .map((s) => s.text)
          .join(' ');
      const unclear = within(lowConfidenceSpeech);
      return {
        index,
        start,
        end,
        speech: within(speech),
        ...(unclear ? { lowConfidenceSpeech: unclear } : {}),
        black: coveredShare({ start, end }, blackSegments) > 0.5,
        silent: coveredShare({ start, end }, silences) > 0.5,
        // A still's one segment has no length: its flags are the ones at its moment.
        flags: flags.filter((f) => (end > start ? f.start < end && f.end > start : f.start <= start && f.end >= start)),
        ...(thumbnail ? { thumbnailRef: thumbnail.ref } : {}),
        ...optionalList('labels', namesWithin(labels, { start, end }, LABELS_PER_SEGMENT)),
        ...optionalList('people', namesWithin(people, { start, end }, Number.POSITIVE_INFINITY)),
        ...optionalList('onScreenText', namesWithin(onScreenText, { start, end }, TEXT_LINES_PER_SEGMENT)),
      };
    },
  );

  const coverage = moderationCoverage(media, outputs, thresholds);
  const verdict: ModerationVerdict = flags.length > 0 ? 'flagged' : coverage.gaps.length > 0 ? 'unverified' : 'clean';
  const damage = outputs.shots?.damage;
  const cues = media.hasVideo && outputs.shots ? technicalCues(outputs.shots) : undefined;
  return {
    mediaId,
    kind: media.kind,
    hasVideo: media.hasVideo,
    hasAudio: media.hasAudio,
    durationSeconds,
    thresholds,
    segments,
    speech,
    speechSeconds: totalSeconds(speech),
    lowConfidenceSpeech,
    lowConfidenceSpeechSeconds: totalSeconds(lowConfidenceSpeech),
    blackSegments,
    silences,
    ...(outputs.shots ? { silencesMeasured: outputs.shots.silencesMeasured ?? silences.length > 0 } : {}),
    ...(cues ? { technicalCues: cues } : {}),
    ...(outputs.shots?.loudness ? { loudness: outputs.shots.loudness } : {}),
    moderation: { flagged: flags.length > 0, maxScore: Math.max(0, ...flags.map((f) => f.score)), flags, verdict, coverage },
    ...(damage ? { damage } : {}),
    ...(outputs.thumbnails ? { posterRef: outputs.thumbnails.poster.ref } : {}),
    thumbnails: keyframes,
    labels: tally(labels, TOP_LABELS),
    people: tally(people, Number.POSITIVE_INFINITY),
    ...(outputs.faces ? { faces: spineFaces(outputs.faces, thresholds.minConfidence) } : {}),
  };
}

/**
 * What moderation covered, and every gap that keeps the media from being called clean: a
 * picture or a sound not checked, or checked over too little of the duration, and damage.
 */
function moderationCoverage(media: SpineMedia, outputs: BranchOutputs, thresholds: SpineThresholds): ModerationCoverage {
  const gaps: string[] = [];
  const { durationSeconds } = media;
  const enough = (seconds: number) => seconds >= durationSeconds * COVERED_SHARE;
  const picture = outputs.visualModeration?.coverage;
  if (media.hasVideo) {
    if (!outputs.visualModeration) gaps.push('the picture was not checked (visual moderation did not succeed)');
    else if (!picture || picture.frames === 0) gaps.push('the picture was not checked (visual moderation reports no frame checked)');
    else if (!enough(picture.end - picture.start)) {
      gaps.push(`the picture was checked only over ${span(picture.start, picture.end)} of ${durationSeconds.toFixed(1)} s`);
    }
  }
  const audio = outputs.audioModeration;
  const sound = audio?.coverage;
  if (media.hasAudio) {
    if (!audio) gaps.push('the sound was not checked (audio moderation did not succeed)');
    else if (!sound) gaps.push('the sound was not checked (the transcript does not say how much audio it covered)');
    else if (!enough(sound.audioSeconds)) {
      gaps.push(`the sound was checked only over ${sound.audioSeconds.toFixed(1)} s of ${durationSeconds.toFixed(1)} s`);
    }
  }
  const damage = outputs.shots?.damage;
  if (damage) gaps.push(`the file is damaged (${describeDamage(damage)}): moderation did not see that stretch as recorded`);
  const lowConfidenceHits = (audio?.hits ?? []).filter((h) => h.confidence < thresholds.minConfidence).length;
  return {
    ...(media.hasVideo && picture ? { picture } : {}),
    ...(media.hasAudio && sound ? { sound: { ...sound, lowConfidenceHits } } : {}),
    gaps,
  };
}

/**
 * The cues a shots output found and the types it looked for. An output that lists no cue
 * types timed black frames only (ffmpeg's blackdetect): its black segments are its cues,
 * and it claims nothing of colour bars, slates or credits.
 */
function technicalCues(shots: ShotsOutput): SpineTechnicalCues {
  return {
    checked: shots.cueTypesChecked ?? [BLACK_FRAMES],
    cues: shots.technicalCues ?? shots.blackSegments.map(({ start, end }) => ({ type: BLACK_FRAMES, start, end })),
  };
}

function span(start: number, end: number): string {
  return `${start.toFixed(1)}–${end.toFixed(1)} s`;
}

function totalSeconds(texts: readonly TimedText[]): number {
  return round2(texts.reduce((sum, s) => sum + (s.end - s.start), 0));
}

/** Leaves empty lists out of each segment, so spines without those analyses stay compact. */
function optionalList<K extends string>(key: K, values: string[]): Partial<Record<K, string[]>> {
  return values.length > 0 ? ({ [key]: values } as Record<K, string[]>) : {};
}

/**
 * Shots when there is video; otherwise speech and silence alternate; otherwise one segment
 * (a still image's is zero seconds long).
 */
function segmentBounds({ durationSeconds, hasVideo }: SpineMedia, outputs: BranchOutputs, silences: Interval[]): Interval[] {
  const shots = outputs.shots?.shots ?? [];
  if (hasVideo && shots.length > 0) return shots;
  if (!(durationSeconds > 0)) return [{ start: 0, end: 0 }];
  const cuts = silences.flatMap((s) => [s.start, s.end]).filter((t) => t > 0 && t < durationSeconds);
  const bounds = [0, ...cuts, durationSeconds];
  return bounds
    .slice(1)
    .map((end, i) => ({ start: bounds[i] ?? 0, end }))
    .filter((b) => b.end > b.start);
}

function visualFlags(output: VisualModerationOutput | undefined, threshold: number): ModerationFlag[] {
  if (!output) return [];
  const flagging = output.explicitClasses ? new Set(output.explicitClasses) : undefined;
  return output.samples.flatMap((sample) =>
    Object.entries(sample.scores)
      .filter(([category, score]) => (!flagging || flagging.has(category)) && score >= threshold)
      .map(
        ([category, score]): ModerationFlag => ({
          start: sample.time,
          end: round2(sample.time + output.intervalSeconds),
          source: 'visual',
          category,
          score,
        }),
      ),
  );
}

/**
 * Toxic speech as audio flags, on the moderation threshold like the picture's scores: each
 * category scoring at least the threshold flags its stretch. A stretch whose overall
 * toxicity passes while no single category does flags under its strongest category, with
 * the overall score, so the verdict never reads clean over speech scored toxic.
 */
function toxicityFlags(output: AudioModerationOutput | undefined, threshold: number): ModerationFlag[] {
  return (output?.toxicity?.segments ?? []).flatMap(({ start, end, toxicity, categories }) => {
    const flag = (category: string, score: number): ModerationFlag => ({ start, end, source: 'audio', category: `toxicity:${category}`, score });
    const ranked = Object.entries(categories).sort((a, b) => b[1] - a[1]);
    const passing = ranked.filter(([, score]) => score >= threshold).map(([category, score]) => flag(category, score));
    if (passing.length > 0 || toxicity < threshold) return passing;
    return [flag(ranked[0]?.[0] ?? 'overall', toxicity)];
  });
}

/** Distinct names seen inside a segment, most confident first. */
function namesWithin(detections: readonly TimedDetection[], segment: Interval, limit: number): string[] {
  const best = new Map<string, number>();
  for (const d of detections) {
    if (d.time < segment.start || d.time >= segment.end) continue;
    best.set(d.name, Math.max(best.get(d.name) ?? 0, d.confidence));
  }
  return [...best.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name]) => name);
}

/** How often each name was seen and when first: the media-wide view of labels and people. */
function tally(detections: readonly TimedDetection[], limit: number): NameTally[] {
  const byName = new Map<string, NameTally>();
  for (const d of detections) {
    const entry = byName.get(d.name) ?? { name: d.name, appearances: 0, firstSeen: d.time };
    entry.appearances += 1;
    entry.firstSeen = Math.min(entry.firstSeen, d.time);
    byName.set(d.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.appearances - a.appearances || a.firstSeen - b.firstSeen).slice(0, limit);
}

function coveredShare(segment: Interval, intervals: readonly Interval[]): number {
  const length = segment.end - segment.start;
  if (length <= 0) return 0;
  const covered = intervals.reduce(
    (sum, i) => sum + Math.max(0, Math.min(i.end, segment.end) - Math.max(i.start, segment.start)),
    0,
  );
  return covered / length;
}

function midpoint(i: Interval): number {
  return (i.start + i.end) / 2;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
