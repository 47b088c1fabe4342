import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { buildApiDeps } from '../../api/api-deps';
import { loadApiConfig } from '../../api/config';
import { loadIntakeConfig } from '../../intake/config';

/** The API's environment on AWS: no endpoint override, so the clients are built exactly as on the Lambda. */
const AWS_ENV = {
  REELSCOPE_AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123xyz',
  REELSCOPE_AUTH_CLIENT_ID: '4h57kdsv8f0n2r6tq1example',
  REELSCOPE_BUCKET: 'reelscope-media-1a2b3c',
  AWS_REGION: 'eu-west-1',
  // Presigning is local arithmetic: these fake credentials sign, nothing is sent.
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE',
};

describe('presigned upload URLs as the Lambda signs them on AWS', () => {
  const saved = { ...process.env };
  let wired: ReturnType<typeof buildApiDeps>;
  beforeAll(() => {
    // Arrange: the AWS environment only; the suite's local endpoints would take the s3rver path.
    process.env = { ...saved, ...AWS_ENV };
    for (const name of ['REELSCOPE_S3_ENDPOINT', 'REELSCOPE_DYNAMODB_ENDPOINT', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3']) delete process.env[name];
    const config = loadApiConfig(process.env);
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:7233' }) });
    wired = buildApiDeps({ config, starter: loadIntakeConfig(process.env), temporal, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => {
    wired.destroy();
    process.env = saved;
  });

  it('a PUT URL carries no flexible checksum (the CRC32 of an empty body) and signs the declared Content-Length', async () => {
    // Act
    const url = new URL(await wired.deps.urls.presignPut('reelscope-media-1a2b3c', 'incoming/acme/1-clip.mp4', 7_340_032, 3600));

    // Assert
    expect(url.host).toBe('reelscope-media-1a2b3c.s3.eu-west-1.amazonaws.com');
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });

  it('an UploadPart URL carries no flexible checksum and signs that part\'s Content-Length', async () => {
    // Act
    const url = new URL(await wired.deps.urls.presignPart('reelscope-media-1a2b3c', 'incoming/acme/1-large.mp4', 'upload-id-1', { partNumber: 3, sizeBytes: 16_777_216 }, 3600));

    // Assert
    expect(url.searchParams.get('partNumber')).toBe('3');
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });
});
