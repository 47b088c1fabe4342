import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisRun, AnalysisRunner } from '../analysis-backend';
import type { AnalysisSettings } from '../analysis-settings';
import { KnownPersonRefusedError, photoFormat, type EnrolledFace, type FaceEnroller, type KnownPeople } from '../known-people';
import { bestMatch, decodeImageRgb, detectVision, FACE_MODEL, type VisionResult } from '../../media/human-models';
import type { FacesOutput, KnownPersonMatch } from '../../spine/branch-outputs';
import { describeKeyframes, lookAtKeyframes } from './local-vision';
import { LOCAL_FACE_BACKEND, MAX_PHOTO_BYTES } from './local-enrolment';

/** The backend name enrolled faces carry: a person enrolled here has a descriptor, not a Rekognition face. */

/**
 * Blazeface's score (0..1) a face must reach. Faces on the sample photos score 0.8 to 0.9;
 * what it also reports at 0.2 to 0.45 is a second box on a face already found, a hand or a
 * pattern in the background.
 */
export const FACE_MIN_CONFIDENCE = 0.5;

/**
 * Similarity (Human's normalised euclidean similarity of faceres descriptors, 0..1) a face
 * must reach to be named as a known person. Human documents 0.5 as the point above which two
 * descriptors can be taken for one person; different people on its sample photos reach 0.47,
 * the same face in another frame 0.95 and over. 0.6 leaves that margin: a wrong name in a
 * report is worse than a known person left unnamed.
 */
export const FACE_MATCH_THRESHOLD = 0.6;

/**
 * Faces narrower than this (pixels of the frame as decoded, at most 640 on its longer side) are
 * reported but not matched: faceres describes a 20-pixel face so loosely that it came out 0.64
 * similar to an unrelated person in trials.
 */
export const MIN_MATCH_FACE_PIXELS = 40;

/** Faces kept per media: a crowd on every keyframe of an hour would otherwise write megabytes. */
export const MAX_FACES = 5_000;

/** A photo's width or height at most, read from its header before decoding (a small file can declare a huge picture). */
export const MAX_PHOTO_SIDE = 8_000;
/** A photo's width or height at least: below this no face on it is big enough to describe. */
export const MIN_PHOTO_SIDE = MIN_MATCH_FACE_PIXELS;

interface KnownDescriptor {
  personId: string;
  name: string;
  descriptor: number[];
}

/**
 * Faces on keyframes, each matched against the descriptors the tenant's known people were
 * enrolled with on this backend. Without a registry (`knownPeople` undefined) faces are still
 * found, and the output says nobody was searched (`knownPeopleSearched` 0).
 */
export function createLocalFacesRunner(settings: AnalysisSettings, knownPeople: KnownPeople | undefined): AnalysisRunner {
  return async (run: AnalysisRun) => {
    const known = await knownDescriptors(knownPeople, run);
    const searched = new Set(known.map((k) => k.personId)).size;
    const found: { time: number; face: VisionResult['faces'][number] }[] = [];
    let dropped = 0;
    const seen = await lookAtKeyframes(run, settings, { objects: false, faces: true }, (time, { faces }) => {
      for (const face of faces) {
        if (face.confidence < FACE_MIN_CONFIDENCE) continue;
        if (found.length < MAX_FACES) found.push({ time, face });
        else dropped += 1;
      }
    });
    const faces: FacesOutput['faces'] = [];
    for (const { time, face } of found) {
      const match = await matchFace(face, known);
      faces.push({ time, confidence: face.confidence, box: face.box, ...(match ? { match } : {}) });
    }
    const output: FacesOutput = {
      model: `${FACE_MODEL}; matched against the tenant's known people enrolled on the local backend`,
      faces,
      knownPeopleSearched: searched,
      matchThreshold: FACE_MATCH_THRESHOLD,
    };
    const ref = await run.store.putJson(`${run.prefix}faces.json`, output, run.signal);
    const matched = faces.filter((f) => f.match);
    const names = [...new Set(matched.map((f) => f.match?.name ?? ''))];
    const against = searched === 0 ? 'no known people to match' : `${matched.length} matched ${plural(searched, 'known person', 'known people')}`;
    return {
      status: 'succeeded',
      ref,
      counts: {
        faces: faces.length,
        matchedFaces: matched.length,
        knownPeopleSearched: searched,
        knownPeopleFound: names.length,
        keyframes: seen.frames,
        ...(dropped > 0 ? { droppedFaces: dropped } : {}),
      },
      summary: `${plural(faces.length, 'face', 'faces')} on ${describeKeyframes(run, seen)}, ${against}${names.length > 0 ? ` (${names.join(', ')})` : ''}${
        dropped > 0 ? `; ${dropped} more over the ${MAX_FACES}-face bound not kept` : ''
      }`,
    };
  };
}

/**
 * Known people on the local backend: a photo is decoded in the worker, must show exactly one
 * face, and that face's faceres descriptor is what the person record keeps. Nothing is stored
 * anywhere else, so forgetting a face is removing the record, which KnownPeople does.
 */
export function createLocalFaceEnroller(): FaceEnroller {
  return {
    backend: LOCAL_FACE_BACKEND,
    async enroll(_tenant, _personId, photo, signal) {
      const kind = checkPhoto(photo);
      const dir = await mkdtemp(join(tmpdir(), 'reelscope-enrol-'));
      try {
        const path = join(dir, `photo.${kind}`);
        await writeFile(path, photo);
        const { faces } = await detectVision(await decodeImageRgb(path, signal), { objects: false, faces: true });
        const confident = faces.filter((face) => face.confidence >= FACE_MIN_CONFIDENCE);
        if (confident.length === 0) throw new KnownPersonRefusedError('no face was found on the photo');
        if (confident.length > 1) throw new KnownPersonRefusedError(`the photo shows ${confident.length} faces; enrol a photo of the person alone`);
        const [face] = confident;
        if (!face?.descriptor || face.widthPixels < MIN_MATCH_FACE_PIXELS) {
          throw new KnownPersonRefusedError(`the face on the photo is too small to describe (at least ${MIN_MATCH_FACE_PIXELS} pixels wide)`);
        }
        return {
          photoSha256: createHash('sha256').update(photo).digest('hex'),
          // Five decimals: the person record stays a few KB, and similarities move by less than 0.001.
          descriptor: face.descriptor.map((v) => Math.round(v * 100_000) / 100_000),
          confidence: face.confidence,
        } satisfies EnrolledFace;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    // The descriptor lives in the person record, which KnownPeople deletes: nothing else holds it.
    forget: () => Promise.resolve(),
  };
}

/**
 * A JPEG or PNG by its magic bytes (not its name), small enough in bytes and in declared size
 * to decode: the size comes from the header, before ffmpeg allocates anything for it.
 */
export function checkPhoto(photo: Buffer): 'jpg' | 'png' {
  const kind = photoFormat(photo, MAX_PHOTO_BYTES);
  const size = kind === 'png' ? pngSize(photo) : jpegSize(photo);
  if (!size) throw new KnownPersonRefusedError(`the photo is not a readable ${kind === 'png' ? 'PNG' : 'JPEG'}: its header declares no picture size`);
  if (Math.max(size.width, size.height) > MAX_PHOTO_SIDE || Math.min(size.width, size.height) < MIN_PHOTO_SIDE) {
    throw new KnownPersonRefusedError(`the photo is ${size.width}x${size.height}; each side must be ${MIN_PHOTO_SIDE}–${MAX_PHOTO_SIDE} pixels`);
  }
  return kind;
}

/** IHDR is the first chunk of every PNG: width and height at bytes 16 and 20. */
function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || png.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The first start-of-frame segment's size; the segments before it are skipped by their lengths. */
function jpegSize(jpeg: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 <= jpeg.length) {
    if (jpeg[at] !== 0xff) return undefined;
    const marker = jpeg[at + 1] ?? 0;
    // Fill bytes before a marker.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    }
    // Start of scan: the picture data begins and no size was declared before it.
    if (marker === 0xda) return undefined;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return undefined;
}

/** Descriptors of the tenant's people enrolled on this backend; people enrolled on aws have none. */
async function knownDescriptors(knownPeople: KnownPeople | undefined, { input, signal }: AnalysisRun): Promise<KnownDescriptor[]> {
  const people = (await knownPeople?.list(input.tenant, signal)) ?? [];
  return people.flatMap((person) =>
    person.faces.flatMap((face) => (face.descriptor ? [{ personId: person.personId, name: person.name, descriptor: face.descriptor }] : [])),
  );
}

async function matchFace(face: VisionResult['faces'][number], known: KnownDescriptor[]): Promise<KnownPersonMatch | undefined> {
  if (known.length === 0 || !face.descriptor || face.widthPixels < MIN_MATCH_FACE_PIXELS) return undefined;
  const { index, similarity } = await bestMatch(face.descriptor, known.map((k) => k.descriptor));
  const person = known[index];
  if (!person || similarity < FACE_MATCH_THRESHOLD) return undefined;
  return { personId: person.personId, name: person.name, similarity };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
