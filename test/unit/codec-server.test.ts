import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-payload-codec';
import { startCodecServer, type CodecServer } from '../../codec/codec-server';
import { parseKeyring } from '../../codec/payload-keyring';

const UI = 'http://localhost:8233';
const TOKEN = 'operators-only-token';
const codec = new AesGcmPayloadCodec(parseKeyring(`k1:${randomBytes(32).toString('base64')}`));
let server: CodecServer;

beforeAll(async () => {
  server = await startCodecServer({ codec, port: 0, allowedOrigins: [UI], authToken: TOKEN, namespaces: ['default'] });
});
afterAll(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, 'X-Namespace': 'default', Origin: UI, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const asJson = (payload: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

describe('codec server', () => {
  it('decodes what the worker encrypted, in the JSON the Web UI sends, with CORS for the UI', async () => {
    const encrypted = await codec.encode([defaultPayloadConverter.toPayload({ transcript: 'private words' })]);
    const response = await post('/decode', { payloads: encrypted.map(asJson) });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    const { payloads } = (await response.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(payloads[0]!.metadata['encoding']!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual({ transcript: 'private words' });
  });

  it('encodes, so `temporal workflow signal --codec-endpoint` can send encrypted input', async () => {
    const response = await post('/encode', { payloads: [asJson(defaultPayloadConverter.toPayload('hello'))] });
    const { payloads } = (await response.json()) as { payloads: { metadata: Record<string, string> }[] };
    expect(Buffer.from(payloads[0]!.metadata['encoding']!, 'base64').toString()).toBe('binary/encrypted');
  });

  it('answers the browser preflight for the UI origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace,authorization' } });
    const allowed = await preflight(UI);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['no token', () => post('/decode', { payloads: [] }, { Authorization: '' }), 401],
    ['a wrong token', () => post('/decode', { payloads: [] }, { Authorization: 'Bearer nope' }), 401],
    ['another namespace', () => post('/decode', { payloads: [] }, { 'X-Namespace': 'payments' }), 403],
    ['a body that is not JSON', () => post('/decode', '{"payloads": ['), 400],
    ['a body of the wrong shape', () => post('/decode', { payload: [] }), 400],
    ['ciphertext it cannot authenticate', () => post('/decode', { payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('k1').toString('base64') }, data: randomBytes(40).toString('base64') }] }), 400],
    ['an unknown path', () => post('/decrypt', { payloads: [] }), 404],
    ['a body over 8 MiB', () => post('/decode', 'x'.repeat(9 * 1024 * 1024)), 413],
  ])('refuses %s with a clear status', async (_, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toEqual(expect.any(String));
  });
});
