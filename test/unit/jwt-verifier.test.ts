import { SignJWT, generateKeyPair } from 'jose';
import { requireRole, ForbiddenError, UnauthenticatedError } from '../../auth/caller';
import { createJwtVerifier } from '../../auth/jwt-verifier';
import { DEV_TOKEN_CLAIMS, startDevIssuer, type DevIssuer } from '../../local/dev-issuer';

describe('JWT verification (the dev issuer standing in for Cognito)', () => {
  let issuer: DevIssuer;
  let verify: ReturnType<typeof createJwtVerifier>;

  beforeAll(async () => {
    issuer = await startDevIssuer();
    verify = createJwtVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clientId: issuer.clientId, ...DEV_TOKEN_CLAIMS });
  });
  afterAll(() => issuer?.stop());

  it('reads subject, canonical tenant and known roles from a token signed by the issuer', async () => {
    const token = await issuer.mint({ subject: 'u-1', name: 'ana', tenant: 'ACME', roles: ['reviewer', 'root' as never] });

    expect(await verify(`Bearer ${token}`)).toEqual({ subject: 'u-1', name: 'ana', tenant: 'acme', roles: ['reviewer'] });
  });

  it.each<[string, () => Promise<string | undefined>, RegExp]>([
    ['no header', async () => undefined, /bearer token is required/],
    ['not a bearer token', async () => `Basic ${Buffer.from('a:b').toString('base64')}`, /bearer token is required/],
    ['an expired token', async () => `Bearer ${await issuer.mint({ subject: 'u', tenant: 'acme', roles: [], ttlSeconds: -120 })}`, /ERR_JWT_EXPIRED/],
    ['a token signed by another key', async () => `Bearer ${await foreignToken(issuer.issuer)}`, /not valid/],
    ['a tampered payload', async () => `Bearer ${tamper(await issuer.mint({ subject: 'u', tenant: 'acme', roles: [] }))}`, /not valid/],
  ])('refuses %s', async (_name, header, reason) => {
    await expect(verify(await header())).rejects.toThrow(UnauthenticatedError);
    await expect(verify(await header())).rejects.toThrow(reason);
  });

  it('refuses a token of another issuer or another app client, and one with no tenant', async () => {
    const token = await issuer.mint({ subject: 'u', tenant: 'acme', roles: [] });
    const otherIssuer = createJwtVerifier({ issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x', jwksUrl: issuer.jwksUrl, clientId: issuer.clientId, ...DEV_TOKEN_CLAIMS });
    const otherClient = createJwtVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clientId: 'someone-else', ...DEV_TOKEN_CLAIMS });

    await expect(otherIssuer(`Bearer ${token}`)).rejects.toThrow(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
    await expect(otherClient(`Bearer ${token}`)).rejects.toThrow(/not issued to this application/);
    await expect(verify(`Bearer ${await issuer.mint({ subject: 'u', tenant: 'ac me', roles: [] })}`)).rejects.toThrow(/names no tenant/);
  });

  it('requires roles by name; admin holds every role', () => {
    const base = { subject: 'u', name: 'u', tenant: 'acme' };
    expect(() => requireRole({ ...base, roles: ['viewer'] }, 'reviewer')).toThrow(ForbiddenError);
    expect(() => requireRole({ ...base, roles: ['reviewer'] }, 'reviewer')).not.toThrow();
    expect(() => requireRole({ ...base, roles: ['admin'] }, 'reviewer')).not.toThrow();
  });
});

async function foreignToken(iss: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ token_use: 'access', client_id: 'reelscope-local', 'custom:tenant': 'acme' }).setProtectedHeader({ alg: 'ES256', kid: 'other' }).setIssuer(iss).setSubject('u').setExpirationTime('1h').sign(privateKey);
}

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  return [header, Buffer.from(JSON.stringify({ ...claims, 'custom:tenant': 'other' })).toString('base64url'), signature].join('.');
}
