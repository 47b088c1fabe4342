import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { loadApiConfig } from '../../api/config';
import { startApiHarness, type ApiHarness } from '../support/api-harness';

/** The API's skeleton: OpenAPI document and page, problem details, request ids, auth, rate limit. */
describe('API app', () => {
  let connection: Connection;
  let api: ApiHarness;

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] });
    api = await startApiHarness({ temporal: new Client({ connection }), taskQueue: 'api-app-test-unused' });
  });
  afterAll(async () => {
    await api?.stop();
    await connection?.close();
  });

  it('serves an OpenAPI 3.1 document naming every route and the bearer scheme', async () => {
    // Act
    const response = await api.call('/openapi.json', {});
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: Record<string, unknown> } };

    // Assert
    expect(response.status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/media',
      '/v1/media/{mediaId}',
      '/v1/media/{mediaId}/artefacts',
      '/v1/media/{mediaId}/cancel',
      '/v1/media/{mediaId}/report',
      '/v1/media/{mediaId}/report.html',
      '/v1/media/{mediaId}/rerun',
      '/v1/media/{mediaId}/retry',
      '/v1/media/{mediaId}/review',
      '/v1/people',
      '/v1/people/{personId}',
      '/v1/uploads',
      '/v1/uploads/{uploadId}/complete',
    ]);
    expect(doc.paths['/v1/uploads']).toHaveProperty('post');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('renders a self-contained docs page from the document', async () => {
    // Act
    const response = await api.call('/docs', {});
    const html = await response.text();

    // Assert
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('/v1/uploads/{uploadId}/complete');
    expect(html).toContain('UploadDeclaration');
    expect(html).not.toMatch(/<script|<link|src="http/i);
  });

  it('answers a /v1 route without a token 401 as a problem, with no internals', async () => {
    // Act
    const response = await api.call('/v1/uploads', { json: { fileName: 'a.mp4', sizeBytes: 10, contentType: 'video/mp4' } });
    const body = await response.text();

    // Assert
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(body)).toMatchObject({ type: 'urn:reelscope:problem:unauthenticated', status: 401, title: 'Unauthenticated' });
    expect(body).not.toMatch(/at |\/work\/|node_modules|\.ts/);
  });

  it('answers a token from another issuer 401', async () => {
    // Arrange
    const { startDevIssuer } = await import('../../local/dev-issuer');
    const stranger = await startDevIssuer();
    const token = await stranger.mint({ subject: 'eve', tenant: 'acme', roles: ['uploader'] });
    await stranger.stop();

    // Act
    const response = await api.call('/v1/uploads', { token, json: { fileName: 'a.mp4', sizeBytes: 10, contentType: 'video/mp4' } });

    // Assert
    expect(response.status).toBe(401);
  });

  it('answers a caller without the uploader role 403', async () => {
    // Arrange
    const token = await api.token('acme', ['viewer']);

    // Act
    const response = await api.call('/v1/uploads', { token, json: { fileName: 'a.mp4', sizeBytes: 10, contentType: 'video/mp4' } });

    // Assert
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:forbidden', detail: 'this needs the uploader role' });
  });

  it('answers a body that breaks the schema 400, naming each field', async () => {
    // Arrange
    const token = await api.token('acme', ['uploader']);

    // Act
    const response = await api.call('/v1/uploads', { token, json: { fileName: '', sizeBytes: -1, contentType: 'video/mp4' } });
    const problem = (await response.json()) as { type: string; errors: { path: string }[] };

    // Assert
    expect(response.status).toBe(400);
    expect(problem.type).toBe('urn:reelscope:problem:invalid-request');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['fileName', 'sizeBytes']);
  });

  it('answers an unknown route 404 as a problem', async () => {
    // Act
    const response = await api.call('/nowhere', {});

    // Assert
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('echoes a well-formed request id, replaces a malformed one, and logs with it', async () => {
    // Act
    const kept = await api.call('/healthz', { headers: { 'x-request-id': 'client-req-0001' } });
    const replaced = await api.call('/healthz', { headers: { 'x-request-id': 'bad id <b>' } });

    // Assert
    expect(kept.headers.get('x-request-id')).toBe('client-req-0001');
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.logLines).toContainEqual(expect.objectContaining({ requestId: 'client-req-0001', route: '/healthz', status: 200 }));
    expect(api.logLines.every((line) => typeof line['requestId'] === 'string')).toBe(true);
  });

  it('limits each tenant on its own, with Retry-After', async () => {
    // Arrange
    const limited = await startApiHarness({
      temporal: new Client({ connection }),
      taskQueue: 'api-app-test-unused',
      env: { REELSCOPE_RATE_LIMIT_BURST: '2', REELSCOPE_RATE_LIMIT_PER_SECOND: '0.001' },
    });
    const busy = await limited.token('busy', ['viewer']);
    const quiet = await limited.token('quiet', ['viewer']);
    const body = { fileName: 'a.mp4', sizeBytes: 10, contentType: 'video/mp4' };

    try {
      // Act
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.call('/v1/uploads', { token: busy, json: body })).status);
      const refused = await limited.call('/v1/uploads', { token: busy, json: body });
      const other = await limited.call('/v1/uploads', { token: quiet, json: body });

      // Assert: the role check answers 403 while tokens remain; then 429.
      expect(statuses).toEqual([403, 403, 429]);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(other.status).toBe(403);
    } finally {
      await limited.stop();
    }
  });
});

describe('API served by @hono/node-server, as api/main.ts serves it', () => {
  it('answers over a real socket: the document, and 401 without a token', async () => {
    // Arrange
    const connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] });
    const api = await startApiHarness({ temporal: new Client({ connection }), taskQueue: 'api-app-test-unused' });
    const server = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    try {
      // Act
      const doc = await fetch(`${base}/openapi.json`);
      const refused = await fetch(`${base}/v1/media`);

      // Assert
      expect(doc.status).toBe(200);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await api.stop();
      await connection.close();
    }
  });
});

describe('API config', () => {
  it('names the missing variable', () => {
    // Act
    const load = () => loadApiConfig({ REELSCOPE_AUTH_CLIENT_ID: 'x' });

    // Assert
    expect(load).toThrow(/REELSCOPE_AUTH_ISSUER/);
  });

  it('names a multipart part size below S3 minimum', () => {
    // Act
    const load = () => loadApiConfig({ REELSCOPE_AUTH_ISSUER: 'https://issuer.example', REELSCOPE_AUTH_CLIENT_ID: 'x', REELSCOPE_MULTIPART_PART_BYTES: '1000' });

    // Assert
    expect(load).toThrow(/REELSCOPE_MULTIPART_PART_BYTES/);
  });
});
