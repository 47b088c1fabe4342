import { createHash } from 'node:crypto';
import {
  CreateCollectionCommand,
  DeleteFacesCommand,
  IndexFacesCommand,
  type IndexFacesCommandOutput,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { KnownPersonRefusedError, photoFormat, type EnrolledFace, type FaceEnroller } from '../known-people';

/** The image APIs take at most 5 MB of inline bytes. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/**
 * Two, not one: with MaxFaces 1 IndexFaces would quietly index the largest face of a group
 * photo. Asking for two lets a second face show, and the photo be refused.
 */
const MAX_FACES_PER_PHOTO = 2;

/** The tenant's face collection: one per tenant, so a search never crosses tenants. */
export function collectionIdFor(tenant: string): string {
  // Collection ids allow [a-zA-Z0-9_.-]; canonical tenant ids already fit, anything else is escaped.
  return `reelscope-${tenant.replace(/[^a-zA-Z0-9_.-]/g, '_')}`.slice(0, 255);
}

/** Refuses what Rekognition's image APIs would refuse, before any call is made (or billed). */
export function checkPhoto(photo: Buffer): void {
  photoFormat(photo, MAX_PHOTO_BYTES);
}

/**
 * Known people on the aws backend: each enrolled face is indexed in the tenant's Rekognition
 * collection (`reelscope-<tenant>`, created on the first enrolment) with the person id as its
 * ExternalImageId, which is how a face search names whom it matched.
 */
export function createAwsFaceEnroller(rekognition: RekognitionClient): FaceEnroller {
  return {
    backend: 'aws',
    async enroll(tenant, personId, photo, signal) {
      checkPhoto(photo);
      const collectionId = collectionIdFor(tenant);
      const indexed = await indexFaces(rekognition, collectionId, personId, photo, signal);
      const records = indexed.FaceRecords ?? [];
      const crowded = (indexed.UnindexedFaces ?? []).some((face) => face.Reasons?.includes('EXCEEDS_MAX_FACES'));
      if (records.length > 1 || crowded) {
        // Nothing of a refused photo stays in the collection: a later search must not find it.
        await deleteFaces(rekognition, collectionId, records.flatMap((r) => (r.Face?.FaceId ? [r.Face.FaceId] : [])), signal);
        throw new KnownPersonRefusedError(`the photo shows ${crowded ? 'more than two' : records.length} faces; enrol a photo of the person alone`);
      }
      const face = records[0]?.Face;
      if (!face?.FaceId) {
        const reasons = [...new Set((indexed.UnindexedFaces ?? []).flatMap((f) => f.Reasons ?? []))];
        throw new KnownPersonRefusedError(
          reasons.length > 0 ? `the face on the photo could not be used (${reasons.join(', ')})` : 'no face was found on the photo',
        );
      }
      return {
        photoSha256: createHash('sha256').update(photo).digest('hex'),
        faceId: face.FaceId,
        confidence: Math.round((face.Confidence ?? 0) * 10) / 1000,
      } satisfies EnrolledFace;
    },
    async forget(tenant, face, signal) {
      // A face enrolled on the local backend has no collection entry to remove.
      if (!face.faceId) return;
      await deleteFaces(rekognition, collectionIdFor(tenant), [face.faceId], signal);
    },
  };
}

/** IndexFaces into the collection, creating the collection when this is the tenant's first face. */
async function indexFaces(
  rekognition: RekognitionClient,
  collectionId: string,
  personId: string,
  photo: Buffer,
  signal: AbortSignal | undefined,
): Promise<IndexFacesCommandOutput> {
  const request = () =>
    rekognition.send(
      new IndexFacesCommand({
        CollectionId: collectionId,
        Image: { Bytes: photo },
        ExternalImageId: personId,
        MaxFaces: MAX_FACES_PER_PHOTO,
        QualityFilter: 'AUTO',
        DetectionAttributes: ['DEFAULT'],
      }),
      { abortSignal: signal },
    );
  try {
    return await request();
  } catch (err) {
    refuseUnreadable(err);
    if (awsErrorName(err) !== 'ResourceNotFoundException') throw err;
  }
  try {
    await rekognition.send(new CreateCollectionCommand({ CollectionId: collectionId, Tags: { application: 'reelscope' } }), { abortSignal: signal });
  } catch (err) {
    // Another enrolment for the same tenant created it first.
    if (awsErrorName(err) !== 'ResourceAlreadyExistsException') throw err;
  }
  try {
    return await request();
  } catch (err) {
    refuseUnreadable(err);
    throw err;
  }
}

/** The service's own verdict on the bytes, for a photo that passed the local checks. */
function refuseUnreadable(err: unknown): void {
  const name = awsErrorName(err);
  if (name === 'InvalidImageFormatException') throw new KnownPersonRefusedError('Rekognition cannot read the photo as an image', { cause: err });
  if (name === 'ImageTooLargeException') throw new KnownPersonRefusedError('the photo is too large for Rekognition (at most 15 megapixels)', { cause: err });
}

async function deleteFaces(rekognition: RekognitionClient, collectionId: string, faceIds: string[], signal: AbortSignal | undefined): Promise<void> {
  if (faceIds.length === 0) return;
  try {
    await rekognition.send(new DeleteFacesCommand({ CollectionId: collectionId, FaceIds: faceIds }), { abortSignal: signal });
  } catch (err) {
    // A deleted collection holds no faces: there is nothing left to forget.
    if (awsErrorName(err) !== 'ResourceNotFoundException') throw err;
  }
}

function awsErrorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}
