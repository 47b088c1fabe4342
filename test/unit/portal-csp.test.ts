import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../../api/api-env';
import { loadApiConfig } from '../../api/config';
import { registerPortalRoutes } from '../../api/portal-routes';

const REGION = 'eu-west-1';

/** The CSP directive's sources, e.g. `media-src` -> ['https://…']. */
function sourcesOf(policy: string, directive: string): string[] {
  const found = policy.split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === directive);
  return found?.slice(1) ?? [];
}

/**
 * The portal's CSP on AWS must let the page reach exactly where the SDK presigns the bucket's
 * URLs; the URLs here come from the real SDK presigner, as the API signs them (no endpoint set).
 */
describe('the portal CSP on AWS', () => {
  let assetsDir: string;

  beforeAll(async () => {
    assetsDir = await mkdtemp(join(tmpdir(), 'reelscope-portal-csp-'));
    await writeFile(join(assetsDir, 'index.html'), '<!doctype html><title>portal</title>');
  });

  async function policyFor(bucket: string): Promise<string> {
    const config = loadApiConfig({ REELSCOPE_AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/pool', REELSCOPE_AUTH_CLIENT_ID: 'client', REELSCOPE_BUCKET: bucket, AWS_REGION: REGION });
    const app = new OpenAPIHono<ApiEnv>();
    registerPortalRoutes(app, { assetsDir }, config);
    return (await app.request('/')).headers.get('content-security-policy') ?? '';
  }

  async function presignedOrigins(bucket: string): Promise<string[]> {
    const s3 = new S3Client({ region: REGION, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' } });
    try {
      const urls = await Promise.all([
        getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'acme/clip.mp4' }), { expiresIn: 300 }),
        getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'incoming/acme/clip.mp4' }), { expiresIn: 300 }),
      ]);
      return urls.map((url) => new URL(url).origin);
    } finally {
      s3.destroy();
    }
  }

  it.each([
    ['a plain bucket name, signed virtual-hosted', 'reelscope-media'],
    ['a dotted bucket name, signed path-style on the regional host', 'media.example.com'],
  ])('allows where the SDK presigns %s', async (_name, bucket) => {
    const policy = await policyFor(bucket);
    const origins = await presignedOrigins(bucket);

    for (const directive of ['media-src', 'connect-src', 'img-src']) {
      for (const origin of origins) expect(sourcesOf(policy, directive)).toContain(origin);
    }
  });

  it('names the regional S3 host only for a bucket that needs path-style', async () => {
    expect(sourcesOf(await policyFor('reelscope-media'), 'media-src')).not.toContain(`https://s3.${REGION}.amazonaws.com`);
  });
});
