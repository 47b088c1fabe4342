import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { open, stat } from 'node:fs/promises';
import { createAwsFaceEnroller, MAX_PHOTO_BYTES } from '../backends/aws/face-collection';
import { KnownPeople, KnownPersonRefusedError, type KnownPerson } from '../backends/known-people';
import { lazyLocalFaceEnroller, MAX_PHOTO_BYTES as LOCAL_MAX_PHOTO_BYTES } from '../backends/local/local-enrolment';
import type { ObjectStore } from '../storage/object-store';

/** Where known people are kept and which backend's face detector enrols them. */
export interface KnownPeopleSources {
  backend: 'local' | 'aws';
  rekognition: RekognitionClient;
  store: ObjectStore;
}

/**
 * The tenant's known people with the enroller of the configured backend (REELSCOPE_BACKEND):
 * the CLI, the API and the worker each open it this way, so a person enrolled through one is
 * the person the faces analysis of the same backend searches for.
 */
export function openKnownPeople(sources: KnownPeopleSources): KnownPeople {
  const enroller = sources.backend === 'aws' ? createAwsFaceEnroller(sources.rekognition) : lazyLocalFaceEnroller();
  return new KnownPeople(sources.store, enroller);
}

/** The largest photo the backend's enroller takes: Rekognition's image APIs take 5 MB. */
export function maxPhotoBytes(backend: KnownPeopleSources['backend']): number {
  return backend === 'aws' ? MAX_PHOTO_BYTES : LOCAL_MAX_PHOTO_BYTES;
}

/** A photo file read whole, refused before reading when it is larger than the enroller takes. */
export async function readPhoto(path: string, maxBytes: number): Promise<Buffer> {
  const info = await stat(path);
  if (!info.isFile()) throw new KnownPersonRefusedError(`${path} is not a file`);
  if (info.size > maxBytes) throw new KnownPersonRefusedError(`the photo is ${(info.size / 1024 / 1024).toFixed(1)} MB; at most ${maxBytes / 1024 / 1024} MB are accepted`);
  const file = await open(path);
  try {
    return await file.readFile();
  } finally {
    await file.close();
  }
}

/** A person as shown to operators: never the face ids or descriptors themselves. */
export function personSummary(person: KnownPerson): { personId: string; name: string; faces: number; indexedAt: string } {
  return { personId: person.personId, name: person.name, faces: person.faces.length, indexedAt: person.indexedAt };
}
