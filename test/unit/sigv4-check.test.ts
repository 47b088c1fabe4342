import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sigV4Refusal } from '../../local/sigv4-check';

const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const ENDPOINT = 'http://127.0.0.1:4569';
const SIGNED_AT = new Date('2026-03-01T12:00:00Z');

/** Presigned URLs made by the real SDK presigner, checked as they would arrive at the local bucket. */
describe('sigV4Refusal for presigned URLs', () => {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: ENDPOINT, forcePathStyle: true, credentials: CREDENTIALS });
  afterAll(() => s3.destroy());

  async function arrived(key: string, expiresIn = 300): Promise<{ method: string; url: string; headers: Record<string, string> }> {
    const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'media', Key: key }), { expiresIn, signingDate: SIGNED_AT }));
    return { method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host } };
  }

  it('accepts a URL within its lifetime, for a key with spaces, quotes and unicode', async () => {
    const request = await arrived("acme/it's a clip (final) — 2.mp4");

    expect(sigV4Refusal(request, CREDENTIALS, SIGNED_AT.getTime() + 299_000)).toBeUndefined();
  });

  it('refuses it once expired, and when signed for a time well in the future', async () => {
    const request = await arrived('acme/clip.mp4', 60);

    expect(sigV4Refusal(request, CREDENTIALS, SIGNED_AT.getTime() + 61_000)).toMatch(/expired/);
    expect(sigV4Refusal(request, CREDENTIALS, SIGNED_AT.getTime() - 16 * 60_000)).toMatch(/future/);
  });

  it.each<[string, (request: { method: string; url: string; headers: Record<string, string> }) => void, RegExp]>([
    ['another method', (r) => void (r.method = 'PUT'), /does not match/],
    ['another host', (r) => void (r.headers['host'] = 'localhost:4569'), /does not match/],
    ['an added query parameter', (r) => void (r.url += '&response-content-type=text%2Fhtml'), /does not match/],
    ['another secret', () => undefined, /does not match/],
    ['an authorization header as well', (r) => void (r.headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=y'), /not both/],
    ['a V2 signature', (r) => void (r.url = '/media/acme/clip.mp4?AWSAccessKeyId=S3RVER&Expires=9999999999&Signature=abc'), /AWS4-HMAC-SHA256/],
    ['no signature at all', (r) => void (r.url = '/media/acme/clip.mp4'), /not signed/],
    ['broken percent-encoding', (r) => void (r.url += '&x=%zz'), /malformed/],
  ])('refuses %s', async (name, tamper, reason) => {
    const request = await arrived('acme/clip.mp4');
    tamper(request);

    const credentials = name === 'another secret' ? { ...CREDENTIALS, secretAccessKey: 'guessed' } : CREDENTIALS;
    expect(sigV4Refusal(request, credentials, SIGNED_AT.getTime())).toMatch(reason);
  });
});
