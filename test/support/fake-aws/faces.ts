import { createHash } from 'node:crypto';
import type { JobInfo, ScriptedFace, ScriptedVideoFace } from './config';
import type { FakeAwsContext } from './context';
import { wireError } from './errors';
import { hashSeed, seededRandom } from './random';
import { imageBytes } from './rekognition-image';

/**
 * Face collections and the face APIs, as the Rekognition API reference describes them.
 *
 * What the fake "sees" on an image: `config.imageFaces(sha256 of the bytes)` when it scripts
 * the image, else 0, 1 or 2 faces chosen from the hash of the bytes (about a third each). Each
 * face carries a hidden identity (`person`): a scripted face's person, or `<sha256>#<i>` for a
 * generated one, which no other image shares. A face in a video is someone the tests script
 * (`config.videoFaces`), seen once a second over their stretch; unscripted videos show
 * `resultCounts` sightings of two strangers. A search matches a face with every collection
 * face of the same identity, at a similarity derived from the pair (90 to 99.9 percent).
 */

type Body = Record<string, unknown>;

/** One face indexed into a collection, with the identity the fake searches by. */
interface StoredFace {
  FaceId: string;
  ImageId: string;
  ExternalImageId?: string;
  BoundingBox: Box;
  Confidence: number;
  IndexFacesModelVersion: string;
  person: string;
}

export interface FakeCollection {
  id: string;
  createdAt: number;
  faces: Map<string, StoredFace>;
  /** Faces ever indexed: a face id is never given out twice, even after a delete. */
  indexed: number;
}

interface Box {
  Width: number;
  Height: number;
  Left: number;
  Top: number;
}

const FACE_MODEL_VERSION = '7.0';
const ACCOUNT = '123456789012';
const COLLECTION_ID = /^[a-zA-Z0-9_.-]{1,255}$/;
const EXTERNAL_IMAGE_ID = /^[a-zA-Z0-9_.\-:]{1,255}$/;
const FACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const QUALITY_FILTERS = ['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH'];
const ATTRIBUTES = ['DEFAULT', 'ALL', 'AGE_RANGE', 'BEARD', 'EMOTIONS', 'EYE_DIRECTION', 'EYEGLASSES', 'EYES_OPEN', 'GENDER', 'MOUTH_OPEN', 'MUSTACHE', 'FACE_OCCLUDED', 'SMILE', 'SUNGLASSES'];
/** A video face is reported this often over a scripted stretch. */
const VIDEO_SIGHTING_MS = 1000;

export const FACE_OPERATIONS = [
  'CreateCollection',
  'DescribeCollection',
  'DeleteCollection',
  'ListFaces',
  'IndexFaces',
  'DeleteFaces',
  'DetectFaces',
  'SearchFacesByImage',
] as const;
type FaceOperation = (typeof FACE_OPERATIONS)[number];

export function isFaceOperation(operation: string): operation is FaceOperation {
  return (FACE_OPERATIONS as readonly string[]).includes(operation);
}

const invalid = (message: string) => wireError('rekognition', 'InvalidParameterException', message);
/** A model constraint: AWS's common ValidationException, before the service reads the request. */
const validation = (field: string, value: unknown, constraint: string) =>
  wireError('rekognition', 'ValidationException', `1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);

export function faceOperation(context: FakeAwsContext, operation: FaceOperation, body: Body): unknown {
  switch (operation) {
    case 'CreateCollection': {
      const id = collectionId(body);
      if (context.collections.has(id)) throw wireError('rekognition', 'ResourceAlreadyExistsException', `The collection id: ${id} already exists`);
      context.collections.set(id, { id, createdAt: Date.now(), faces: new Map(), indexed: 0 });
      return { StatusCode: 200, CollectionArn: collectionArn(id), FaceModelVersion: FACE_MODEL_VERSION };
    }
    case 'DescribeCollection': {
      const collection = existing(context, body);
      return {
        FaceCount: collection.faces.size,
        UserCount: 0,
        FaceModelVersion: FACE_MODEL_VERSION,
        CollectionARN: collectionArn(collection.id),
        CreationTimestamp: collection.createdAt / 1000,
      };
    }
    case 'DeleteCollection':
      context.collections.delete(existing(context, body).id);
      return { StatusCode: 200 };
    case 'ListFaces':
      return listFaces(existing(context, body), body);
    case 'IndexFaces':
      return indexFaces(context, existing(context, body), body);
    case 'DeleteFaces': {
      const collection = existing(context, body);
      const ids = body['FaceIds'];
      if (!Array.isArray(ids) || ids.length < 1 || ids.length > 4096) throw validation('faceIds', ids, 'Member must have length between 1 and 4096');
      for (const id of ids) if (typeof id !== 'string' || !FACE_ID.test(id)) throw validation('faceIds', id, `Member must satisfy regular expression pattern: ${FACE_ID.source}`);
      const deleted = (ids as string[]).filter((id) => collection.faces.delete(id));
      return { DeletedFaces: deleted, UnsuccessfulFaceDeletions: [] };
    }
    case 'DetectFaces': {
      const attributes = body['Attributes'];
      if (attributes !== undefined && (!Array.isArray(attributes) || !attributes.every((a) => ATTRIBUTES.includes(a as string)))) {
        throw validation('attributes', attributes, `Member must satisfy enum value set: [${ATTRIBUTES.join(', ')}]`);
      }
      const faces = seenOnImage(context, imageBytes(body));
      return { FaceDetails: faces.map((f) => faceDetail(f.box, f.confidence)) };
    }
    case 'SearchFacesByImage':
      return searchFacesByImage(context, existing(context, body), body);
  }
}

function collectionId(body: Body): string {
  const id = body['CollectionId'];
  if (typeof id !== 'string' || !COLLECTION_ID.test(id)) throw validation('collectionId', id, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+');
  return id;
}

function existing(context: FakeAwsContext, body: Body): FakeCollection {
  const id = collectionId(body);
  const collection = context.collections.get(id);
  if (!collection) throw wireError('rekognition', 'ResourceNotFoundException', `The collection id: ${id} does not exist`);
  return collection;
}

function collectionArn(id: string): string {
  return `aws:rekognition:us-east-1:${ACCOUNT}:collection/${id}`;
}

interface SeenFace {
  person: string;
  confidence: number;
  box: Box;
}

/** The faces on an image, largest first, as the rule above decides. */
function seenOnImage(context: FakeAwsContext, bytes: Buffer): SeenFace[] {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const random = seededRandom(hashSeed(`${context.seed}|faces|${sha}`));
  const scripted: ScriptedFace[] | undefined = context.config.imageFaces?.(sha);
  const faces: ScriptedFace[] = scripted ?? Array.from({ length: Math.floor(random() * 3) }, (_, i) => ({ person: `${sha}#${i}` }));
  return faces.map((face, i) => ({
    person: face.person ?? `${sha}#${i}`,
    confidence: face.confidence ?? round(99 + random() * 0.99),
    // Each face smaller than the one before it, side by side.
    box: { Width: round(0.3 / (i + 1)), Height: round(0.4 / (i + 1)), Left: round(Math.min(0.9, 0.05 + i * 0.35)), Top: 0.2 },
  }));
}

function faceDetail(box: Box, confidence: number) {
  const { Left, Top, Width, Height } = box;
  return {
    BoundingBox: box,
    Confidence: confidence,
    Landmarks: [
      { Type: 'eyeLeft', X: round(Left + Width * 0.3), Y: round(Top + Height * 0.4) },
      { Type: 'eyeRight', X: round(Left + Width * 0.7), Y: round(Top + Height * 0.4) },
      { Type: 'nose', X: round(Left + Width * 0.5), Y: round(Top + Height * 0.6) },
      { Type: 'mouthLeft', X: round(Left + Width * 0.35), Y: round(Top + Height * 0.8) },
      { Type: 'mouthRight', X: round(Left + Width * 0.65), Y: round(Top + Height * 0.8) },
    ],
    Pose: { Roll: 0, Yaw: 0, Pitch: 0 },
    Quality: { Brightness: 80, Sharpness: 90 },
  };
}

function indexFaces(context: FakeAwsContext, collection: FakeCollection, body: Body) {
  const bytes = imageBytes(body);
  const externalImageId = body['ExternalImageId'];
  if (externalImageId !== undefined && (typeof externalImageId !== 'string' || !EXTERNAL_IMAGE_ID.test(externalImageId))) {
    throw validation('externalImageId', externalImageId, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-:]+');
  }
  const maxFaces = body['MaxFaces'];
  if (maxFaces !== undefined && (typeof maxFaces !== 'number' || !Number.isInteger(maxFaces) || maxFaces < 1)) {
    throw validation('maxFaces', maxFaces, 'Member must have value greater than or equal to 1');
  }
  const quality = body['QualityFilter'];
  if (quality !== undefined && !QUALITY_FILTERS.includes(quality as string)) {
    throw validation('qualityFilter', quality, `Member must satisfy enum value set: [${QUALITY_FILTERS.join(', ')}]`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const imageId = uuidFrom(`${context.seed}|image|${sha}`);
  // Returned largest first; past MaxFaces the smallest are left out, each with its reason.
  const faces = seenOnImage(context, bytes).slice(0, 100);
  const kept = faces.slice(0, maxFaces ?? 100);
  const records = kept.map((face) => {
    const stored: StoredFace = {
      FaceId: uuidFrom(`${context.seed}|face|${collection.id}|${sha}|${face.person}|${(collection.indexed += 1)}`),
      ImageId: imageId,
      ...(typeof externalImageId === 'string' ? { ExternalImageId: externalImageId } : {}),
      BoundingBox: face.box,
      Confidence: face.confidence,
      IndexFacesModelVersion: FACE_MODEL_VERSION,
      person: face.person,
    };
    collection.faces.set(stored.FaceId, stored);
    return { Face: publicFace(stored), FaceDetail: faceDetail(face.box, face.confidence) };
  });
  return {
    FaceRecords: records,
    FaceModelVersion: FACE_MODEL_VERSION,
    UnindexedFaces: faces.slice(kept.length).map((face) => ({ Reasons: ['EXCEEDS_MAX_FACES'], FaceDetail: faceDetail(face.box, face.confidence) })),
  };
}

function listFaces(collection: FakeCollection, body: Body) {
  const maxResults = body['MaxResults'] ?? 1000;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > 4096) {
    throw validation('maxResults', maxResults, 'Member must have value less than or equal to 4096');
  }
  const all = [...collection.faces.values()].sort((a, b) => a.FaceId.localeCompare(b.FaceId));
  const token = body['NextToken'];
  let offset = 0;
  if (token !== undefined) {
    const parsed = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8').replace(/^faces:/, '')) : NaN;
    if (!Number.isInteger(parsed) || parsed < 0 || parsed >= all.length) throw wireError('rekognition', 'InvalidPaginationTokenException', 'Invalid Pagination Token');
    offset = parsed;
  }
  const end = offset + maxResults;
  return {
    Faces: all.slice(offset, end).map(publicFace),
    FaceModelVersion: FACE_MODEL_VERSION,
    ...(end < all.length ? { NextToken: Buffer.from(`faces:${end}`).toString('base64') } : {}),
  };
}

function searchFacesByImage(context: FakeAwsContext, collection: FakeCollection, body: Body) {
  const bytes = imageBytes(body);
  const maxFaces = body['MaxFaces'] ?? 80;
  if (typeof maxFaces !== 'number' || !Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > 4096) {
    throw validation('maxFaces', maxFaces, 'Member must have value between 1 and 4096');
  }
  const threshold = matchThreshold(body);
  const quality = body['QualityFilter'];
  if (quality !== undefined && !QUALITY_FILTERS.includes(quality as string)) {
    throw validation('qualityFilter', quality, `Member must satisfy enum value set: [${QUALITY_FILTERS.join(', ')}]`);
  }
  // Only the largest face of the image is searched.
  const [largest] = seenOnImage(context, bytes);
  if (!largest) throw invalid('There are no faces in the image. Should be at least 1.');
  return {
    SearchedFaceBoundingBox: largest.box,
    SearchedFaceConfidence: largest.confidence,
    FaceMatches: matchesFor(context, collection, largest.person, threshold).slice(0, maxFaces),
    FaceModelVersion: FACE_MODEL_VERSION,
  };
}

/** FaceMatchThreshold, percent: 80 unless given, as the API reference says. */
export function matchThreshold(body: Body): number {
  const threshold = body['FaceMatchThreshold'] ?? 80;
  if (typeof threshold !== 'number' || threshold < 0 || threshold > 100) throw invalid('FaceMatchThreshold must be between 0 and 100.');
  return threshold;
}

/** The collection's faces of this identity, best first, at or above the threshold. */
function matchesFor(context: FakeAwsContext, collection: FakeCollection, person: string, threshold: number) {
  return [...collection.faces.values()]
    .filter((face) => face.person === person)
    .map((face) => ({ Similarity: round(90 + seededRandom(hashSeed(`${context.seed}|similar|${face.FaceId}|${person}`))() * 9.9), Face: publicFace(face) }))
    .filter((match) => match.Similarity >= threshold)
    .sort((a, b) => b.Similarity - a.Similarity);
}

function publicFace({ person: _hidden, ...face }: StoredFace) {
  return face;
}

/**
 * StartFaceDetection / StartFaceSearch results, generated when the job starts (a face indexed
 * later is not in a job already running): FaceDetection items, or PersonMatch items with the
 * collection's matches (empty FaceMatches for a stranger), in time order.
 */
export function faceJobResults(context: FakeAwsContext, job: JobInfo & { mediaSeconds: number; resultCount: number }, collection: FakeCollection | undefined): unknown[] {
  const random = seededRandom(hashSeed(`${context.seed}|${job.family}|${job.bucket}/${job.key}`));
  const durationMs = Math.max(1000, Math.round(job.mediaSeconds * 1000));
  const scripted: ScriptedVideoFace[] | undefined = context.config.videoFaces?.(job);
  const sightings: { time: number; person: string; index: number }[] = [];
  if (scripted) {
    scripted.forEach((face, index) => {
      for (let ms = Math.round(face.start * 1000); ms <= Math.min(durationMs, Math.round(face.end * 1000)); ms += VIDEO_SIGHTING_MS) sightings.push({ time: ms, person: face.person, index });
    });
  } else {
    for (let i = 0; i < job.resultCount; i++) sightings.push({ time: Math.floor((i * durationMs) / Math.max(1, job.resultCount)), person: `${job.key}#stranger${i % 2}`, index: i % 2 });
  }
  sightings.sort((a, b) => a.time - b.time || a.index - b.index);
  const threshold = job.family === 'FaceSearch' ? matchThreshold(job.request) : 0;
  return sightings.map(({ time, person, index }) => {
    const box = { Width: 0.2, Height: 0.3, Left: round(Math.min(0.75, 0.1 + index * 0.25)), Top: 0.2 };
    const Face = faceDetail(box, round(98 + random() * 1.99));
    if (job.family === 'FaceDetection') return { Timestamp: time, Face };
    return {
      Timestamp: time,
      Person: { Index: index, BoundingBox: box, Face },
      FaceMatches: collection ? matchesFor(context, collection, person, threshold) : [],
    };
  });
}

/** Checks StartFaceSearch's collection (it must exist) and StartFaceDetection's attributes. */
export function checkFaceJobRequest(context: FakeAwsContext, family: string, body: Body): FakeCollection | undefined {
  if (family === 'FaceDetection') {
    const attributes = body['FaceAttributes'];
    if (attributes !== undefined && attributes !== 'DEFAULT' && attributes !== 'ALL') throw validation('faceAttributes', attributes, 'Member must satisfy enum value set: [ALL, DEFAULT]');
    return undefined;
  }
  matchThreshold(body);
  return existing(context, body);
}

function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
