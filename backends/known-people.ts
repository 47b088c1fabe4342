import { createHash, randomUUID } from 'node:crypto';
import { RESULTS_PREFIX, toS3Uri } from '../common/s3-uri';
import type { ObjectStore } from '../storage/object-store';

/**
 * A tenant's "known people": people an operator indexed from labelled photos so the faces
 * analysis can name them. Never a public-figure database: only whom the tenant enrolled.
 */
export interface KnownPerson {
  personId: string;
  tenant: string;
  name: string;
  indexedAt: string;
  faces: EnrolledFace[];
}

/**
 * One face enrolled from one photo. The aws backend keeps the face in the tenant's Rekognition
 * collection (`faceId`); the local backend keeps the face's descriptor here.
 */
export interface EnrolledFace {
  /** sha256 of the photo, so the same photo is not enrolled twice. */
  photoSha256: string;
  /** Rekognition FaceId in the tenant's collection (aws). */
  faceId?: string;
  /** The face embedding the local detector computed (local). */
  descriptor?: number[];
  /** How sure the detector was that the photo shows a face, 0..1. */
  confidence: number;
}

/** What turns a labelled photo into an enrolled face, and removes one: per backend. */
export interface FaceEnroller {
  /** Which backend's faces these are: a person enrolled on one backend is not searchable on the other. */
  backend: string;
  /** Finds the one face on the photo; a photo with no face or several is refused with a reason. */
  enroll(tenant: string, personId: string, photo: Buffer, signal?: AbortSignal): Promise<EnrolledFace>;
  forget(tenant: string, face: EnrolledFace, signal?: AbortSignal): Promise<void>;
}

/** A photo or name the index cannot use: the operator is told why, nothing is stored. */
export class KnownPersonRefusedError extends Error {
  override readonly name = 'KnownPersonRefusedError';
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The checks every enroller makes before it spends a call or a decode on a photo: not empty,
 * at most `maxBytes` (the backend's own limit), and a JPEG or PNG by its magic bytes.
 */
export function photoFormat(photo: Buffer, maxBytes: number): 'jpg' | 'png' {
  if (photo.length === 0) throw new KnownPersonRefusedError('the photo is empty');
  if (photo.length > maxBytes) {
    throw new KnownPersonRefusedError(`the photo is ${(photo.length / 1024 / 1024).toFixed(1)} MB; at most ${maxBytes / 1024 / 1024} MB are accepted`);
  }
  const kind = photo[0] === 0xff && photo[1] === 0xd8 && photo[2] === 0xff ? 'jpg' : photo.subarray(0, 8).equals(PNG_MAGIC) ? 'png' : undefined;
  if (!kind) throw new KnownPersonRefusedError('the photo must be a JPEG or PNG image');
  return kind;
}

const MAX_NAME_LENGTH = 100;
const MAX_PEOPLE_LISTED = 1000;

/**
 * The tenant's known people, one JSON object each under `results/_known-people/<tenant>/` in
 * the results bucket: the CLI, the API and the faces analysis all read them here. Inside the
 * results prefix, so the grants that read results cover them; the underscore starts no tenant
 * id, so the folder never meets a tenant's own `results/<tenant>/`.
 */
export class KnownPeople {
  constructor(
    private readonly store: ObjectStore,
    private readonly enroller: FaceEnroller,
  ) {}

  /** Enrols the face on `photo` as `name`: a new person, or another face of `personId`. */
  async index(tenant: string, name: string, photo: Buffer, options: { personId?: string; signal?: AbortSignal } = {}): Promise<KnownPerson> {
    const cleanName = validName(name);
    const existing = options.personId ? await this.get(tenant, options.personId, options.signal) : undefined;
    if (options.personId && !existing) throw new KnownPersonRefusedError(`no known person ${options.personId} for tenant ${tenant}`);
    const personId = existing?.personId ?? randomUUID();
    // The same photo again enrols nothing: on aws a second IndexFaces would leave a face in the
    // collection that the record does not name, so remove() could never forget it.
    const photoSha256 = createHash('sha256').update(photo).digest('hex');
    if (existing?.faces.some((f) => f.photoSha256 === photoSha256)) return existing;
    const face = await this.enroller.enroll(tenant, personId, photo, options.signal);
    const person: KnownPerson = {
      personId,
      tenant,
      name: existing?.name ?? cleanName,
      indexedAt: new Date().toISOString(),
      faces: [...(existing?.faces ?? []), face],
    };
    try {
      await this.store.putJson(this.key(tenant, personId), person, options.signal);
    } catch (err) {
      // Unrecorded, the face would stay enrolled under a person nobody can list or remove.
      await this.enroller.forget(tenant, face).catch(() => undefined);
      throw err;
    }
    return person;
  }

  async get(tenant: string, personId: string, signal?: AbortSignal): Promise<KnownPerson | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(personId)) return undefined;
    const key = this.key(tenant, personId);
    if (!(await this.store.head(this.store.resultsBucket, key, signal))) return undefined;
    return this.store.getJson<KnownPerson>(toS3Uri(this.store.resultsBucket, key), signal);
  }

  /** Everyone the tenant enrolled, by name. */
  async list(tenant: string, signal?: AbortSignal): Promise<KnownPerson[]> {
    const people: KnownPerson[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.listPage(this.store.resultsBucket, this.prefix(tenant), { cursor, signal });
      for (const object of page.objects) {
        people.push(await this.store.getJson<KnownPerson>(toS3Uri(this.store.resultsBucket, object.key), signal));
      }
      cursor = page.nextCursor;
    } while (cursor && people.length < MAX_PEOPLE_LISTED);
    return people.sort((a, b) => a.name.localeCompare(b.name) || a.personId.localeCompare(b.personId));
  }

  /** Forgets a person and every face enrolled for them; false when there was no such person. */
  async remove(tenant: string, personId: string, signal?: AbortSignal): Promise<boolean> {
    const person = await this.get(tenant, personId, signal);
    if (!person) return false;
    for (const face of person.faces) await this.enroller.forget(tenant, face, signal);
    await this.store.deleteObject(this.store.resultsBucket, this.key(tenant, personId), undefined, signal);
    return true;
  }

  private prefix(tenant: string): string {
    return `${RESULTS_PREFIX}_known-people/${tenant}/`;
  }

  private key(tenant: string, personId: string): string {
    return `${this.prefix(tenant)}${personId}.json`;
  }
}

function validName(name: string): string {
  const clean = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  // Letters of any script, marks, digits, spaces and the punctuation names use.
  if (!clean || clean.length > MAX_NAME_LENGTH || !/^[\p{L}\p{M}\p{N} .'’-]+$/u.test(clean)) {
    throw new KnownPersonRefusedError(`a name is 1–${MAX_NAME_LENGTH} letters, digits, spaces and . ' -`);
  }
  return clean;
}
