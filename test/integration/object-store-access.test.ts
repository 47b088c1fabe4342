import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { freePort } from '../../local/free-port';
import { startObjectStoreServer, type LocalServer } from '../../local/object-store-server';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';

const BUCKET = 'access-test';
const PORTAL = 'http://127.0.0.1:4999';
const EVIL = 'https://evil.example';

/**
 * The local bucket as a web page on another origin would reach it: s3rver alone answers
 * unsigned requests and takes any SigV4 signature, so these go through the server the stack
 * starts, with its signature gate and its CORS rule.
 */
describe('the local object store refuses what S3 would refuse', () => {
  let store: LocalServer;
  let clients: AwsClients;

  beforeAll(async () => {
    store = await startObjectStoreServer({ directory: await mkdtemp(join(tmpdir(), 'reelscope-store-')), port: await freePort(), buckets: [BUCKET], corsOrigins: [PORTAL] });
    clients = createAwsClients({ region: 'us-east-1', s3Endpoint: store.endpoint });
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other-tenant/secret.txt', Body: 'not yours' }));
  });
  afterAll(async () => {
    clients?.destroy();
    await store?.stop();
  });

  const presign = (command: GetObjectCommand | PutObjectCommand, s3: S3Client = clients.s3) => getSignedUrl(s3, command, { expiresIn: 300 });

  it.each([
    ['GET of an object', 'GET', `/${BUCKET}/other-tenant/secret.txt`],
    ['PUT of an object', 'PUT', `/${BUCKET}/planted.txt`],
    ['bucket listing', 'GET', `/${BUCKET}?list-type=2`],
    ['service listing', 'GET', '/'],
  ])('refuses an unsigned %s with 403 and no CORS allow header, even from the allowed origin', async (_name, method, path) => {
    const response = await fetch(`${store.endpoint}${path}`, { method, headers: { origin: PORTAL }, ...(method === 'PUT' ? { body: 'planted' } : {}) });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stores nothing an unsigned PUT sent', async () => {
    await fetch(`${store.endpoint}/${BUCKET}/planted-too.txt`, { method: 'PUT', body: 'planted' });

    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'planted' }));

    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it('refuses header signatures made with the wrong secret', async () => {
    const forger = new S3Client({ region: 'us-east-1', endpoint: store.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'guessed' } });

    await expect(forger.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'other-tenant/secret.txt' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    forger.destroy();
  });

  it('refuses a presigned URL whose signature, key or expiry was changed after signing', async () => {
    const url = new URL(await presign(new GetObjectCommand({ Bucket: BUCKET, Key: 'other-tenant/secret.txt' })));
    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/planted.txt`;
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    const forged = new URL(url);
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));

    for (const tampered of [otherKey, longer, forged]) expect((await fetch(tampered)).status).toBe(403);
  });

  it('serves signed SDK calls: put, list and get', async () => {
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'acme/clip name (1).txt', Body: 'mine', ContentType: 'text/plain' }));

    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'acme/' }));
    const read = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'acme/clip name (1).txt' }));

    expect(listed.Contents?.map((o) => o.Key)).toEqual(['acme/clip name (1).txt']);
    expect(await read.Body?.transformToString()).toBe('mine');
  });

  it('serves a presigned PUT and a ranged presigned GET to the allowed origin, with the allow header and ETag exposed', async () => {
    const put = await fetch(await presign(new PutObjectCommand({ Bucket: BUCKET, Key: 'acme/upload.bin' })), { method: 'PUT', body: 'uploaded bytes', headers: { origin: PORTAL } });
    const get = await fetch(await presign(new GetObjectCommand({ Bucket: BUCKET, Key: 'acme/upload.bin' })), { headers: { origin: PORTAL, range: 'bytes=0-7' } });

    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(put.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(get.status).toBe(206);
    expect(await get.text()).toBe('uploaded');
    expect(get.headers.get('access-control-allow-origin')).toBe(PORTAL);
  });

  it('answers the allowed origin\'s preflight and gives no other origin an allow header', async () => {
    const preflight = (origin: string) =>
      fetch(`${store.endpoint}/${BUCKET}/acme/upload.bin`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight(PORTAL);
    const foreign = await preflight(EVIL);
    const foreignGet = await fetch(await presign(new GetObjectCommand({ Bucket: BUCKET, Key: 'acme/upload.bin' })), { headers: { origin: EVIL } });

    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreignGet.status).toBe(200);
    expect(foreignGet.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sets no CORS rule without origins, and drops the rule an earlier run left in the same directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'reelscope-store-'));
    const earlier = await startObjectStoreServer({ directory, port: await freePort(), buckets: [BUCKET], corsOrigins: [PORTAL] });
    await earlier.stop();
    const later = await startObjectStoreServer({ directory, port: await freePort(), buckets: [BUCKET] });
    try {
      const preflight = await fetch(`${later.endpoint}/${BUCKET}/x`, { method: 'OPTIONS', headers: { origin: PORTAL, 'access-control-request-method': 'GET' } });

      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await later.stop();
    }
  });

  it('refuses a CORS origin that is not a bare origin', async () => {
    const options = { directory: await mkdtemp(join(tmpdir(), 'reelscope-store-')), port: await freePort(), buckets: [BUCKET] };

    await expect(startObjectStoreServer({ ...options, corsOrigins: ['*'] })).rejects.toThrow(/scheme:\/\/host/);
    await expect(startObjectStoreServer({ ...options, corsOrigins: [`${PORTAL}/path`] })).rejects.toThrow(/scheme:\/\/host/);
  });
});
