import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, KEY_ID_METADATA } from '../../codec/aes-gcm-payload-codec';
import { bearerTokenCheck } from '../../codec/bearer-token-check';
import { startCodecServer, type CodecServer, type CodecServerOptions } from '../../codec/codec-server';
import { CodecServerConfigError } from '../../codec/codec-server-config-error';
import { parseKeyring } from '../../codec/payload-keyring';

const UI = 'http://localhost:8233';
const TOKEN = randomBytes(32).toString('base64');
const KEY_ID = 'operators-key-2026';
const codec = new AesGcmPayloadCodec(parseKeyring(`${KEY_ID}:${randomBytes(32).toString('base64')}`));
const PLAINTEXT = 'private words';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http rather than fetch, which will not send a Host header of the caller's choosing; one connection per request. */
function send(server: CodecServer, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${server.url}${path}`, { method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const asJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

const encryptedBody = async () => JSON.stringify({ payloads: (await codec.encode([defaultPayloadConverter.toPayload({ transcript: PLAINTEXT })])).map(asJson) });

const decodedData = (reply: Reply) => {
  const { payloads } = JSON.parse(reply.body) as { payloads: { metadata: Record<string, string>; data: string }[] };
  return JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString()) as unknown;
};

describe('codec server with a bearer token', () => {
  let server: CodecServer;
  beforeAll(async () => {
    server = await startCodecServer({ codec, port: 0, allowedOrigins: [UI], authTokens: [TOKEN], namespaces: ['default'] });
  });
  afterAll(() => server.close());

  const asTheUi = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, 'X-Namespace': 'default', Origin: UI };
  const post = (path: string, body: string, headers: Record<string, string | undefined> = {}) => {
    const merged = Object.fromEntries(Object.entries({ ...asTheUi, ...headers }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return send(server, path, { headers: merged, body });
  };

  it('decodes what the worker encrypted, in the JSON the Web UI sends, with CORS for the UI', async () => {
    // Arrange
    const body = await encryptedBody();

    // Act
    const reply = await post('/decode', body);

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(UI);
    expect(reply.headers['access-control-allow-credentials']).toBe('true');
    expect(decodedData(reply)).toEqual({ transcript: PLAINTEXT });
  });

  it('encodes for a caller with the token, so `temporal workflow signal --codec-endpoint --codec-auth` can send encrypted input', async () => {
    // Act
    const reply = await post('/encode', JSON.stringify({ payloads: [asJson(defaultPayloadConverter.toPayload('hello'))] }));

    // Assert
    const { payloads } = JSON.parse(reply.body) as { payloads: { metadata: Record<string, string> }[] };
    expect(Buffer.from(payloads[0]!.metadata['encoding']!, 'base64').toString()).toBe('binary/encrypted');
  });

  it('answers the browser preflight for the UI origin, without a token, and refuses it for any other', async () => {
    // Arrange
    const preflight = (origin: string) =>
      send(server, '/decode', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace,authorization' } });

    // Act
    const [allowed, refused] = await Promise.all([preflight(UI), preflight('https://evil.example')]);

    // Assert
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(UI);
    expect(allowed.headers['access-control-allow-headers']).toMatch(/X-Namespace/);
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a request from another origin before decrypting anything, token or not', async () => {
    // Arrange
    const body = await encryptedBody();

    // Act
    const reply = await post('/decode', body, { Origin: 'https://evil.example' });

    // Assert
    expect(reply.status).toBe(403);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.body).not.toContain(Buffer.from(JSON.stringify({ transcript: PLAINTEXT })).toString('base64'));
    expect(reply.body).not.toContain('payloads');
  });

  it.each([
    ['a Host of another name (DNS rebinding)', { Host: `evil.example:8888` }, 403],
    ['no token', { Authorization: undefined }, 401],
    ['a token without the Bearer scheme', { Authorization: TOKEN }, 401],
    ['a wrong token of the same length', { Authorization: `Bearer ${randomBytes(32).toString('base64')}` }, 401],
    ['a wrong token of another length', { Authorization: 'Bearer nope' }, 401],
    ['the token with a suffix', { Authorization: `Bearer ${TOKEN}x` }, 401],
    ['a text/plain body (what a page can send without a preflight)', { 'Content-Type': 'text/plain' }, 415],
    ['no content type', { 'Content-Type': undefined }, 415],
    ['another namespace', { 'X-Namespace': 'payments' }, 403],
  ])('refuses %s', async (_, headers, status) => {
    // Arrange
    const body = await encryptedBody();

    // Act
    const reply = await post('/decode', body, headers);

    // Assert
    expect(reply.status).toBe(status);
    expect((JSON.parse(reply.body) as { message: string }).message).toEqual(expect.any(String));
    expect(reply.body).not.toContain('payloads');
  });

  it('refuses /encode without a token, as /decode', async () => {
    // Act
    const reply = await post('/encode', JSON.stringify({ payloads: [asJson(defaultPayloadConverter.toPayload('forged input'))] }), { Authorization: undefined });

    // Assert
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['a body that is not JSON', '/decode', '{"payloads": [', 400],
    ['a body of the wrong shape', '/decode', JSON.stringify({ payload: [] }), 400],
    ['an unknown path', '/decrypt', JSON.stringify({ payloads: [] }), 404],
    ['a body over 8 MiB', '/decode', 'x'.repeat(9 * 1024 * 1024), 413],
  ])('refuses %s with a clear status', async (_, path, body, status) => {
    // Act
    const reply = await post(path, body);

    // Assert
    expect(reply.status).toBe(status);
    expect((JSON.parse(reply.body) as { message: string }).message).toEqual(expect.any(String));
  });

  it.each([
    ['a key it does not hold', 'retired-key-2019'],
    ['ciphertext it cannot authenticate', KEY_ID],
  ])('names no key id when it cannot decrypt: %s', async (_, payloadKeyId) => {
    // Arrange
    const metadata = { encoding: Buffer.from('binary/encrypted').toString('base64'), [KEY_ID_METADATA]: Buffer.from(payloadKeyId).toString('base64') };
    const body = JSON.stringify({ payloads: [{ metadata, data: randomBytes(40).toString('base64') }] });

    // Act
    const reply = await post('/decode', body);

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain(KEY_ID);
    expect(reply.body).not.toContain(payloadKeyId);
  });
});

describe('codec server on a developer machine (loopbackDevelopment)', () => {
  let server: CodecServer;
  beforeAll(async () => {
    server = await startCodecServer({ codec, port: 0, allowedOrigins: [UI], loopbackDevelopment: true });
  });
  afterAll(() => server.close());

  it('decodes without a token for the local UI, reached by a loopback name', async () => {
    // Arrange
    const port = new URL(server.url).port;
    const body = await encryptedBody();

    // Act
    const reply = await send(server, '/decode', { headers: { Host: `localhost:${port}`, 'Content-Type': 'application/json', Origin: UI }, body });

    // Assert
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(reply.status).toBe(200);
    expect(decodedData(reply)).toEqual({ transcript: PLAINTEXT });
  });

  it('refuses a page that rebound its own name to 127.0.0.1', async () => {
    // Act
    const reply = await send(server, '/decode', { headers: { Host: `rebound.evil.example:${new URL(server.url).port}`, 'Content-Type': 'application/json' }, body: await encryptedBody() });

    // Assert
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('payloads');
  });
});

describe('codec server start-up', () => {
  const base: CodecServerOptions = { codec, port: 0, allowedOrigins: [UI] };

  it.each<[string, Partial<CodecServerOptions>, RegExp]>([
    ['without a token or the development switch', {}, /without authentication/],
    ['with the development switch on a non-loopback address', { loopbackDevelopment: true, host: '0.0.0.0' }, /127\.0\.0\.1 or ::1 only/],
    ['with the development switch on a name that may not resolve to loopback', { loopbackDevelopment: true, host: 'localhost' }, /127\.0\.0\.1 or ::1 only/],
    ['with the development switch and other host names', { loopbackDevelopment: true, allowedHosts: ['codec.example'] }, /loopback host names only/],
    ['on a non-loopback address without the host names it answers to', { authTokens: [TOKEN], host: '0.0.0.0' }, /allowedHosts/],
    ['with a short token', { authTokens: ['operators-only-token'] }, /at least 32 characters/],
  ])('is refused %s', async (_, options, message) => {
    // Act
    const starting = startCodecServer({ ...base, ...options });

    // Assert
    await expect(starting).rejects.toThrow(CodecServerConfigError);
    await expect(starting).rejects.toThrow(message);
  });
});

describe('bearerTokenCheck', () => {
  it('accepts each configured token (rotation) and nothing near them', () => {
    // Arrange
    const [current, next] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const check = bearerTokenCheck([current, next]);

    // Act
    const verdicts = [`Bearer ${current}`, `bearer ${next}`, `Bearer ${current.slice(0, -1)}`, `Bearer ${current}${next}`, `Bearer `, current, undefined].map(check);

    // Assert
    expect(verdicts).toEqual([true, true, false, false, false, false, false]);
  });
});
