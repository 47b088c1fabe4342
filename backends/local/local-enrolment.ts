import type { FaceEnroller } from '../known-people';

/** Which backend's faces an enrolment made: local descriptors are not searchable on aws. */
export const LOCAL_FACE_BACKEND = 'local';

/** An enrolment photo's bytes at most: a portrait needs far less, and it is decoded in the worker. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * The local enroller, its vision models loaded on first use: the API and the CLI import this
 * on every backend, and a process that never enrols locally (the API's Lambda, on aws) must not
 * evaluate the models' module, which resolves their package folder as it loads.
 */
export function lazyLocalFaceEnroller(): FaceEnroller {
  let loaded: Promise<FaceEnroller> | undefined;
  const enroller = () => (loaded ??= import('./local-faces').then((faces) => faces.createLocalFaceEnroller()));
  return {
    backend: LOCAL_FACE_BACKEND,
    enroll: async (tenant, personId, photo, signal) => (await enroller()).enroll(tenant, personId, photo, signal),
    forget: async (tenant, face, signal) => (await enroller()).forget(tenant, face, signal),
  };
}
