import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A request as it reached the socket: the path and query exactly as sent, headers as Node parsed them. */
export interface ArrivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3's limits: a signed header request may be 15 minutes off, a presigned URL lives at most a week. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
/** Far beyond any real S3 request line; a longer one is refused before it is parsed. */
const MAX_URL_LENGTH = 16 * 1024;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const SIGNED_HEADERS = /^[a-z0-9-]{1,64}(;[a-z0-9-]{1,64}){0,63}$/;
const REGION = /^[a-z0-9-]{1,32}$/;
const HEADER_AUTHORIZATION = /^AWS4-HMAC-SHA256 +Credential=([^, ]+), *SignedHeaders=([^, ]+), *Signature=([^, ]+)$/;

/** How the request claims to be signed, with everything the signature covers. */
interface SignatureClaim {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  payloadHash: string;
  /** Query pairs the canonical request covers (a presigned URL's own signature excluded). */
  query: [string, string][];
}

/**
 * Checks an S3 request's Signature Version 4 (an `Authorization: AWS4-HMAC-SHA256` header or a
 * presigned URL's `X-Amz-*` query) against one key pair, as S3 computes it. Answers why the
 * request is refused, or undefined when the signature is right and current. The body is not
 * hashed: like S3 with `UNSIGNED-PAYLOAD`, the signature covers the declared payload hash only.
 */
export function sigV4Refusal(request: ArrivedRequest, credentials: SigningCredentials, now: number): string | undefined {
  if (request.url.length > MAX_URL_LENGTH) return 'the request line is too long';
  const queryStart = request.url.indexOf('?');
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const pairs = queryPairs(queryStart < 0 ? '' : request.url.slice(queryStart + 1));
  if (!pairs) return 'the query string is malformed';
  const claim = claimOf(request.headers, pairs, now);
  if (typeof claim === 'string') return claim;

  const [accessKeyId, day, region, service, terminator, ...rest] = claim.credential.split('/');
  if (accessKeyId !== credentials.accessKeyId) return 'the access key is unknown';
  if (rest.length > 0 || service !== 's3' || terminator !== 'aws4_request' || !region || !REGION.test(region)) return 'the credential scope is malformed';
  if (day !== claim.amzDate.slice(0, 8)) return 'the credential scope date is not the request date';
  if (!SIGNED_HEADERS.test(claim.signedHeaders)) return 'the signed headers are malformed';
  const headerNames = claim.signedHeaders.split(';');
  if (!headerNames.includes('host')) return 'the host header must be signed';
  const canonicalHeaders: string[] = [];
  for (const name of headerNames) {
    const value = request.headers[name];
    if (value === undefined) return `the signed header ${name} is missing`;
    canonicalHeaders.push(`${name}:${[value].flat().join(',').trim().replace(/\s+/g, ' ')}\n`);
  }
  const canonicalRequest = [request.method, path || '/', canonicalQuery(claim.query), canonicalHeaders.join(''), claim.signedHeaders, claim.payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = [ALGORITHM, claim.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [day, region, 's3', 'aws4_request'].reduce<Buffer>((key, part) => hmac(key, part), Buffer.from(`AWS4${credentials.secretAccessKey}`));
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const provided = Buffer.from(claim.signature);
  return expected.length === provided.length && timingSafeEqual(expected, provided) ? undefined : 'the signature does not match';
}

function claimOf(headers: IncomingHttpHeaders, pairs: [string, string][], now: number): SignatureClaim | string {
  const query = new Map(pairs);
  const authorization = headers['authorization'];
  const presigned = query.has('X-Amz-Signature') || query.has('X-Amz-Algorithm') || query.has('Signature');
  if (authorization !== undefined && presigned) return 'a request is signed either by header or by query, not both';
  if (authorization !== undefined) {
    const parts = HEADER_AUTHORIZATION.exec(authorization);
    if (!parts) return 'only AWS4-HMAC-SHA256 authorization is accepted';
    const [, credential = '', signedHeaders = '', signature = ''] = parts;
    const amzDate = headers['x-amz-date'];
    const payloadHash = headers['x-amz-content-sha256'];
    if (typeof amzDate !== 'string' || !AMZ_DATE.test(amzDate)) return 'x-amz-date is missing or malformed';
    if (typeof payloadHash !== 'string' || payloadHash.length === 0 || payloadHash.length > 128) return 'x-amz-content-sha256 is missing';
    if (Math.abs(now - timeOf(amzDate)) > MAX_CLOCK_SKEW_MS) return 'the request time is too far from the server time';
    if (!SIGNATURE.test(signature)) return 'the signature is malformed';
    return { credential, signedHeaders, signature, amzDate, payloadHash, query: pairs };
  }
  if (!presigned) return 'the request is not signed';
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) return 'only AWS4-HMAC-SHA256 presigned URLs are accepted';
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  const signature = query.get('X-Amz-Signature') ?? '';
  if (!AMZ_DATE.test(amzDate)) return 'X-Amz-Date is missing or malformed';
  if (!/^\d{1,6}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_PRESIGNED_SECONDS) return 'X-Amz-Expires must be 1 to 604800 seconds';
  const signedAt = timeOf(amzDate);
  if (signedAt - now > MAX_CLOCK_SKEW_MS) return 'the URL is signed for a time in the future';
  if (now > signedAt + Number(expires) * 1000) return 'the URL has expired';
  if (!SIGNATURE.test(signature)) return 'the signature is malformed';
  return {
    credential: query.get('X-Amz-Credential') ?? '',
    signedHeaders: query.get('X-Amz-SignedHeaders') ?? '',
    signature,
    amzDate,
    payloadHash: query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
    query: pairs.filter(([name]) => name !== 'X-Amz-Signature'),
  };
}

/** Decoded name/value pairs in arrival order; undefined when a pair is not valid percent-encoding. */
function queryPairs(raw: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    try {
      pairs.push(eq < 0 ? [decodeURIComponent(part), ''] : [decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))]);
    } catch {
      return undefined;
    }
  }
  return pairs;
}

/** SigV4's canonical query: RFC 3986 encoded, sorted by name, then by value. */
function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([name, value]) => [escapeUri(name), escapeUri(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function timeOf(amzDate: string): number {
  const [, y, mo, d, h, mi, s] = AMZ_DATE.exec(amzDate) ?? [];
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
