import type { FacesOutput, TimedDetection } from './branch-outputs';
import type { KnownPersonAppearance, SpineFaces } from './spine';

/**
 * Two sightings of one person this close belong to one appearance. Rekognition Video reports
 * a tracked face several times a second; keyframe detection sees it once per sampled frame,
 * a few seconds apart: either way a person on screen for a while is one stretch.
 */
const SAME_APPEARANCE_GAP_SECONDS = 6;

/** Known-person matches as detections, so they join public figures in the people lane. */
export function knownPeopleDetections(faces: FacesOutput | undefined, minConfidence: number): TimedDetection[] {
  return (faces?.faces ?? [])
    .filter((face) => face.confidence >= minConfidence && face.match)
    .map((face) => ({ time: face.time, name: face.match?.name ?? '', confidence: face.match?.similarity ?? 0 }));
}

/** Faces seen, what they were compared with, and each known person's stretches on screen. */
export function spineFaces(faces: FacesOutput, minConfidence: number): SpineFaces {
  const seen = faces.faces.filter((face) => face.confidence >= minConfidence);
  const byPerson = new Map<string, KnownPersonAppearance>();
  for (const face of [...seen].sort((a, b) => a.time - b.time)) {
    if (!face.match) continue;
    const { personId, name, similarity } = face.match;
    const person = byPerson.get(personId) ?? { personId, name, ranges: [] };
    const last = person.ranges.at(-1);
    if (last && face.time - last.end <= SAME_APPEARANCE_GAP_SECONDS) {
      last.end = face.time;
      last.similarity = Math.max(last.similarity, similarity);
    } else {
      person.ranges.push({ start: face.time, end: face.time, similarity });
    }
    byPerson.set(personId, person);
  }
  return {
    faceCount: seen.length,
    knownPeopleSearched: faces.knownPeopleSearched,
    facesCompared: faces.knownPeopleSearched > 0 ? seen.filter((face) => face.compared !== false).length : 0,
    knownPeople: [...byPerson.values()].sort((a, b) => (a.ranges[0]?.start ?? 0) - (b.ranges[0]?.start ?? 0) || a.name.localeCompare(b.name)),
  };
}
