import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requireRole } from '../../auth/caller';
import { KnownPersonRefusedError, type KnownPeople } from '../../backends/known-people';
import { personSummary } from '../../operations/known-people';
import type { ApiEnv } from '../api-env';
import { ProblemError } from '../problem';
import { problemResponses } from '../problem-responses';

const security = [{ bearer: [] }];
const personId = z.string().regex(/^[0-9a-f-]{36}$/, 'a person id (a UUID)').openapi({ example: '0f6c2a52-9b1e-4c55-8d3e-0a1b2c3d4e5f' });

const person = z
  .object({ personId: z.string(), name: z.string(), faces: z.number().int().openapi({ description: 'Photos enrolled for the person.' }), indexedAt: z.string() })
  .openapi('KnownPerson');

const jsonPhoto = z
  .object({
    name: z.string().min(1).max(100).openapi({ example: 'Ada Lovelace' }),
    photo: z.base64().openapi({ description: 'The photo, base64: a JPEG or PNG of the person alone, at most the size the backend takes (5 MB on aws).' }),
    personId: personId.optional().openapi({ description: 'Add this face to an enrolled person instead of enrolling a new one.' }),
  })
  .openapi('KnownPersonPhoto');

const formPhoto = z.object({
  name: z.string().min(1).max(100),
  photo: z.instanceof(File).openapi({ type: 'string', format: 'binary' }),
  personId: personId.optional(),
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/people',
  tags: ['people'],
  summary: "The caller's tenant's known people, by name",
  security,
  responses: { 200: { description: 'Everyone enrolled', content: { 'application/json': { schema: z.object({ items: z.array(person) }).openapi('KnownPeople') } } }, ...problemResponses(401, 429) },
});

const addRoute = createRoute({
  method: 'post',
  path: '/v1/people',
  tags: ['people'],
  summary: 'Enrol the one face on a photo as a known person the faces analysis names (uploader role)',
  security,
  request: {
    body: {
      // Not `required`: only then does each content type's validator run for its own requests alone.
      required: false,
      content: { 'application/json': { schema: jsonPhoto }, 'multipart/form-data': { schema: formPhoto } },
    },
  },
  responses: {
    201: { description: 'Enrolled', content: { 'application/json': { schema: person } } },
    ...problemResponses(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

const removeRoute = createRoute({
  method: 'delete',
  path: '/v1/people/{personId}',
  tags: ['people'],
  summary: 'Forget a known person and every face enrolled for them (uploader role)',
  security,
  request: { params: z.object({ personId }) },
  responses: { 204: { description: 'Forgotten' }, ...problemResponses(400, 401, 403, 404, 429) },
});

/**
 * Known people of the caller's tenant (the token's, never a parameter). Reads take any role,
 * as the media routes do; enrolling and forgetting take the uploader's. `maxPhotoBytes` bounds
 * the photo, and with base64's third and some form overhead, the whole body.
 */
export function registerPeopleRoutes(app: OpenAPIHono<ApiEnv>, people: KnownPeople, maxPhotoBytes: number): void {
  const maxBodyBytes = Math.ceil((maxPhotoBytes * 4) / 3) + 64 * 1024;
  app.on('POST', '/v1/people', bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new ProblemError(413, 'photo-too-large', 'Photo too large', `the photo may be at most ${maxPhotoBytes / 1024 / 1024} MB`);
    },
  }));

  app.openapi(listRoute, async (c) => {
    const items = (await people.list(c.get('caller').tenant, c.req.raw.signal)).map(personSummary);
    return c.json({ items }, 200);
  });

  app.openapi(addRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    const contentType = c.req.header('content-type') ?? '';
    const multipart = contentType.startsWith('multipart/form-data');
    if (!multipart && !/^application\/json\b/.test(contentType)) {
      throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'send the photo as application/json (base64) or multipart/form-data');
    }
    const body = multipart ? c.req.valid('form') : c.req.valid('json');
    const photo = typeof body.photo === 'string' ? Buffer.from(body.photo, 'base64') : Buffer.from(await body.photo.arrayBuffer());
    if (photo.length > maxPhotoBytes) throw new ProblemError(413, 'photo-too-large', 'Photo too large', `the photo may be at most ${maxPhotoBytes / 1024 / 1024} MB`);
    try {
      const enrolled = await people.index(caller.tenant, body.name, photo, { ...(body.personId ? { personId: body.personId } : {}), signal: c.req.raw.signal });
      c.get('log').info({ personId: enrolled.personId, faces: enrolled.faces.length }, 'known person enrolled');
      return c.json(personSummary(enrolled), 201);
    } catch (err) {
      if (!(err instanceof KnownPersonRefusedError)) throw err;
      // The refusal is written for the operator (no face, several, not an image); an unknown person id is a 404.
      if (body.personId && /^no known person/.test(err.message)) throw new ProblemError(404, 'not-found', 'Not found', `no known person ${body.personId}`, { cause: err });
      throw new ProblemError(422, 'photo-refused', 'Photo refused', err.message, { cause: err });
    }
  });

  app.openapi(removeRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    const { personId: id } = c.req.valid('param');
    if (!(await people.remove(caller.tenant, id, c.req.raw.signal))) throw new ProblemError(404, 'not-found', 'Not found', `no known person ${id}`);
    c.get('log').info({ personId: id }, 'known person forgotten');
    return c.body(null, 204);
  });
}
