import { createHash } from 'node:crypto';
import { DescribeCollectionCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { buildApiDeps } from '../../api/api-deps';
import { createApp } from '../../api/app';
import { loadIntakeConfig } from '../../intake/config';
import { maxPhotoBytes, openKnownPeople } from '../../operations/known-people';
import { ObjectStore } from '../../storage/object-store';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { startFakeAws, type FakeAws } from '../support/fake-aws';

/** A PNG by its signature: the fake reads the magic and the hash, never the pixels. */
const png = (label: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(label)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface PersonBody {
  personId: string;
  name: string;
  faces: number;
}

/**
 * /v1/people on the aws enroller: the app as buildApiDeps wires it plus the known-people
 * registry, against the fake Rekognition, s3rver and a real dev issuer; tenant from the token.
 */
describe('API known-people routes', () => {
  let fake: FakeAws;
  let api: ApiHarness;
  let connection: Connection;
  let rekognition: RekognitionClient;
  let app: ReturnType<typeof createApp>;
  let destroy: () => void;
  let uploader: string;
  let viewer: string;
  let stranger: string;
  const ada = png('ada alone');
  const pair = png('ada and a friend');

  const call = (path: string, init: { token: string; method?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> }) =>
    Promise.resolve(
      app.request(path, {
        method: init.method ?? (init.json === undefined && init.body === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${init.token}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        ...(init.json === undefined ? (init.body === undefined ? {} : { body: init.body }) : { body: JSON.stringify(init.json) }),
      }),
    );

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] as string });
    const temporal = new Client({ connection });
    api = await startApiHarness({ temporal, taskQueue: 'api-people' });
    rekognition = new RekognitionClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    const wired = buildApiDeps({ config: api.config, starter: loadIntakeConfig(process.env), temporal, logger: pino({ level: 'silent' }) });
    destroy = wired.destroy;
    const people = openKnownPeople({ backend: 'aws', rekognition, store: new ObjectStore(api.clients.s3, api.config.bucket) });
    app = createApp({ ...wired.deps, knownPeople: { people, maxPhotoBytes: maxPhotoBytes('aws') } });
    uploader = await api.token('initech', ['uploader']);
    viewer = await api.token('initech', ['viewer']);
    stranger = await api.token('hooli', ['viewer', 'uploader']);
  });
  beforeEach(() => {
    fake.reset();
    const scripted = new Map([
      [sha(ada), [{ person: 'ada' }]],
      [sha(pair), [{ person: 'ada' }, { person: 'friend' }]],
    ]);
    fake.config.imageFaces = (hash) => scripted.get(hash);
  });
  afterAll(async () => {
    destroy?.();
    rekognition?.destroy();
    await api?.stop();
    await connection?.close();
    await fake?.close();
  });

  it("enrols from a JSON base64 photo, lists by name for the token's tenant only, and forgets on DELETE", async () => {
    // Act
    const created = await call('/v1/people', { token: uploader, json: { name: 'Ada Lovelace', photo: ada.toString('base64') } });
    const person = (await created.json()) as PersonBody;
    const listed = (await (await call('/v1/people', { token: viewer })).json()) as { items: PersonBody[] };
    const elsewhere = (await (await call('/v1/people', { token: stranger })).json()) as { items: PersonBody[] };
    const crossTenantDelete = await call(`/v1/people/${person.personId}`, { token: stranger, method: 'DELETE' });
    const viewerDelete = await call(`/v1/people/${person.personId}`, { token: viewer, method: 'DELETE' });
    const facesBefore = (await rekognition.send(new DescribeCollectionCommand({ CollectionId: 'reelscope-initech' }))).FaceCount;
    const deleted = await call(`/v1/people/${person.personId}`, { token: uploader, method: 'DELETE' });
    const again = await call(`/v1/people/${person.personId}`, { token: uploader, method: 'DELETE' });
    const after = (await (await call('/v1/people', { token: viewer })).json()) as { items: PersonBody[] };

    // Assert
    expect(created.status).toBe(201);
    expect(person).toEqual({ personId: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Ada Lovelace', faces: 1, indexedAt: expect.any(String) });
    expect(listed.items).toEqual([person]);
    expect(elsewhere.items).toEqual([]);
    expect(crossTenantDelete.status).toBe(404);
    expect(viewerDelete.status).toBe(403);
    expect(facesBefore).toBe(1);
    expect(deleted.status).toBe(204);
    expect(again.status).toBe(404);
    expect(after.items).toEqual([]);
    expect((await rekognition.send(new DescribeCollectionCommand({ CollectionId: 'reelscope-initech' }))).FaceCount).toBe(0);
  });

  it('enrols from a multipart form, and adds a second face to the same person', async () => {
    // Arrange
    const form = new FormData();
    form.set('name', 'Grace Hopper');
    form.set('photo', new File([new Uint8Array(ada)], 'grace.png', { type: 'image/png' }));
    const second = png('grace again');
    fake.config.imageFaces = (hash) => (hash === sha(ada) || hash === sha(second) ? [{ person: 'grace' }] : undefined);

    // Act
    const created = await call('/v1/people', { token: uploader, body: form });
    const person = (await created.json()) as PersonBody;
    const more = await call('/v1/people', { token: uploader, json: { name: 'Grace Hopper', photo: second.toString('base64'), personId: person.personId } });

    // Assert
    expect(created.status).toBe(201);
    expect(person).toMatchObject({ name: 'Grace Hopper', faces: 1 });
    expect(more.status).toBe(201);
    expect(await more.json()).toMatchObject({ personId: person.personId, faces: 2 });
    await call(`/v1/people/${person.personId}`, { token: uploader, method: 'DELETE' });
  });

  it('refuses two faces, a non-image, an oversized photo, an unknown person and a viewer, as problems, storing nothing', async () => {
    // Act
    const two = await call('/v1/people', { token: uploader, json: { name: 'Two People', photo: pair.toString('base64') } });
    const text = await call('/v1/people', { token: uploader, json: { name: 'Notes', photo: Buffer.from('not a photo').toString('base64') } });
    const huge = await call('/v1/people', { token: uploader, json: { name: 'Huge', photo: Buffer.concat([ada, Buffer.alloc(5 * 1024 * 1024)]).toString('base64') } });
    const unknown = await call('/v1/people', { token: uploader, json: { name: 'Ada', photo: ada.toString('base64'), personId: '00000000-0000-4000-8000-000000000000' } });
    const noName = await call('/v1/people', { token: uploader, json: { photo: ada.toString('base64') } });
    const asViewer = await call('/v1/people', { token: viewer, json: { name: 'Ada', photo: ada.toString('base64') } });
    const plain = await call('/v1/people', { token: uploader, body: ada.toString('base64'), headers: { 'content-type': 'text/plain' } });

    // Assert
    expect(two.status).toBe(422);
    expect(await two.json()).toMatchObject({ type: 'urn:reelscope:problem:photo-refused', detail: 'the photo shows 2 faces; enrol a photo of the person alone' });
    expect(text.status).toBe(422);
    expect(await text.json()).toMatchObject({ detail: 'the photo must be a JPEG or PNG image' });
    expect(huge.status).toBe(413);
    expect(unknown.status).toBe(404);
    expect(noName.status).toBe(400);
    expect(asViewer.status).toBe(403);
    expect(plain.status).toBe(415);
    expect(((await (await call('/v1/people', { token: viewer })).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await rekognition.send(new DescribeCollectionCommand({ CollectionId: 'reelscope-initech' }))).FaceCount).toBe(0);
    // Only the pair reached IndexFaces (twice: the collection was created in between); the rest were refused before any call.
    expect(fake.counters.calls('IndexFaces')).toBe(2);
  });

  it('documents the routes in the OpenAPI document', async () => {
    // Act
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };

    // Assert
    expect(Object.keys(document.paths['/v1/people'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/v1/people/{personId}'] ?? {})).toEqual(['delete']);
  });
});
