import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { startDevIssuer, DEV_TOKEN_CLAIMS, type DevIssuer } from '../../local/dev-issuer';
import { buildPortal } from '../../portal/build';
import type { handler as lambdaHandler, HttpApiEvent } from '../../api/lambda';

/** What the Lambda's environment holds on AWS (the values are this test's own, nothing is called). */
const LAMBDA_ENV = {
  REELSCOPE_AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123xyz',
  REELSCOPE_AUTH_CLIENT_ID: '4h57kdsv8f0n2r6tq1example',
  REELSCOPE_AUTH_DOMAIN: 'https://reelscope-111122223333.auth.eu-west-1.amazoncognito.com',
  REELSCOPE_BUCKET: 'reelscope-media-1a2b3c',
  REELSCOPE_UPLOADS_TABLE: 'Reelscope-UploadSessions-1A2B3C',
  AWS_REGION: 'eu-west-1',
  LOG_LEVEL: 'silent',
};

/** An API Gateway HTTP API (payload format 2.0) request as the service sends it to the function. */
function httpApiEvent(routeKey: string, method: string, rawPath: string, headers: Record<string, string> = {}): HttpApiEvent {
  const event = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { accept: 'application/json', host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'curl/8.5.0', 'x-forwarded-proto': 'https', ...headers },
    requestContext: {
      accountId: '111122223333',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey,
      stage: '$default',
      time: '01/Dec/2026:22:00:00 +0000',
      timeEpoch: 1796162400000,
    },
    body: null,
    isBase64Encoded: false,
  };
  // The adapter's type insists on an authorizer block, which API Gateway leaves out of a route without one.
  return event as unknown as HttpApiEvent;
}

const context = { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', functionName: 'Reelscope-ApiFunction' } as Context;

/** Loads api/lambda.ts afresh with the given environment: its config is read at module load, as on a cold start. */
async function coldStart(env: Record<string, string | undefined>): Promise<typeof lambdaHandler> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  try {
    let loaded: typeof lambdaHandler | undefined;
    await jest.isolateModulesAsync(async () => {
      loaded = (await import('../../api/lambda')).handler;
    });
    if (!loaded) throw new Error('api/lambda.ts exported no handler');
    return loaded;
  } finally {
    process.env = saved;
  }
}

describe('API Lambda (hono/aws-lambda, HTTP API payload 2.0)', () => {
  let handler: typeof lambdaHandler;
  beforeAll(async () => {
    handler = await coldStart(LAMBDA_ENV);
  });

  it('answers /healthz without reaching Temporal or AWS', async () => {
    // Act
    const response = await handler(httpApiEvent('GET /healthz', 'GET', '/healthz'), context);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
  });

  it('refuses /v1/media without a token with a 401 problem: the app verifies tokens itself', async () => {
    // Act
    const response = await handler(httpApiEvent('ANY /v1/{proxy+}', 'GET', '/v1/media'), context);

    // Assert
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' });
    expect(JSON.parse(response.body)).toMatchObject({ status: 401, title: 'Unauthenticated', detail: 'a bearer token is required' });
  });

  it('fails the cold start naming a missing variable', async () => {
    await expect(coldStart({ ...LAMBDA_ENV, REELSCOPE_AUTH_CLIENT_ID: undefined })).rejects.toThrow(/REELSCOPE_AUTH_CLIENT_ID/);
  });
});

/** A loopback port nothing listens on: a client sent there is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('API Lambda on a fresh deploy, before the Temporal secrets can be read', () => {
  const saved = { ...process.env };
  let handler: typeof lambdaHandler;
  let issuer: DevIssuer;
  beforeAll(async () => {
    // Arrange: the secret ids the stack sets, and a Secrets Manager that refuses every read;
    // tokens from the dev issuer and records in the suite's dynalite, so a /v1 route gets as far as Temporal.
    issuer = await startDevIssuer();
    Object.assign(process.env, {
      ...LAMBDA_ENV,
      REELSCOPE_AUTH_ISSUER: issuer.issuer,
      REELSCOPE_AUTH_CLIENT_ID: issuer.clientId,
      REELSCOPE_AUTH_TENANT_CLAIM: DEV_TOKEN_CLAIMS.tenantClaim,
      REELSCOPE_AUTH_ROLES_CLAIM: DEV_TOKEN_CLAIMS.rolesClaim,
      REELSCOPE_TEMPORAL_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:reelscope-temporal-AbCdEf',
      REELSCOPE_CODEC_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:reelscope-codec-AbCdEf',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${await closedPort()}`,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_MAX_ATTEMPTS: '1',
    });
    handler = await coldStart({});
  });
  afterAll(async () => {
    process.env = saved;
    await issuer?.stop();
  });

  it('answers /healthz, never waiting on the secrets', async () => {
    // Act
    const response = await handler(httpApiEvent('GET /healthz', 'GET', '/healthz'), context);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
  });

  it('answers a route that needs Temporal with a 503 problem carrying the request id, and again on the next call', async () => {
    // Arrange: no record for this id, so cancel asks Temporal whose queued run it might be.
    const token = await issuer.mint({ subject: 'acme-user', tenant: 'acme', roles: ['uploader'] });
    const cancel = () =>
      handler(httpApiEvent('ANY /v1/{proxy+}', 'POST', '/v1/media/0123456789abcdef01234567/cancel', { authorization: `Bearer ${token}`, 'x-request-id': 'req-fresh-deploy-1' }), context);

    // Act
    const first = await cancel();
    const second = await cancel();

    // Assert
    for (const response of [first, second]) {
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '30' });
      expect(JSON.parse(response.body)).toEqual({
        type: 'urn:reelscope:problem:temporal-unavailable',
        title: 'Analysis service unavailable',
        status: 503,
        detail: 'the analysis service cannot be reached yet; try again later',
        instance: 'urn:reelscope:request:req-fresh-deploy-1',
      });
    }
  });
});

describe('API Lambda as the CDK bundles it (esbuild, with the portal beside the handler)', () => {
  let handler: typeof lambdaHandler;
  beforeAll(async () => {
    // Arrange: the bundle infra/lib/api-function.ts asks for (one CJS file, nothing external) and the portal next to it.
    const outDir = mkdtempSync(path.join(tmpdir(), 'reelscope-api-bundle-'));
    await build({ entryPoints: [path.join(__dirname, '..', '..', 'api', 'lambda.ts')], outfile: path.join(outDir, 'index.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node24', logLevel: 'error' });
    await buildPortal(path.join(outDir, 'portal'));
    const saved = { ...process.env };
    Object.assign(process.env, LAMBDA_ENV);
    try {
      handler = (await import(path.join(outDir, 'index.js'))).handler;
    } finally {
      process.env = saved;
    }
  }, 120_000);

  it('serves the portal page at / and the assets it names, and still guards /v1', async () => {
    // Act
    const page = await handler(httpApiEvent('GET /', 'GET', '/'), context);
    const script = /src="(\/portal\/assets\/app-[A-Za-z0-9]+\.js)"/.exec(page.body)?.[1];
    const asset = await handler(httpApiEvent('GET /portal/assets/{name}', 'GET', script ?? '/portal/assets/missing.js'), context);
    const media = await handler(httpApiEvent('ANY /v1/{proxy+}', 'GET', '/v1/media'), context);

    // Assert
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8' });
    expect(script).toBeDefined();
    expect(asset.statusCode).toBe(200);
    expect(asset.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8' });
    expect(media.statusCode).toBe(401);
  });
});
