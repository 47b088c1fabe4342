import { createHash, randomBytes } from 'node:crypto';
import { createJwtVerifier } from '../../auth/jwt-verifier';
import { DEV_TOKEN_CLAIMS, startDevIssuer, type DevIssuer } from '../../local/dev-issuer';

const REDIRECT = 'http://127.0.0.1:4321/';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The dev issuer's authorization-code + PKCE flow, driven as the portal's browser drives it. */
describe('dev issuer authorization code flow', () => {
  let issuer: DevIssuer;
  let now = Date.now();

  beforeAll(async () => {
    issuer = await startDevIssuer(0, () => now);
  });
  afterAll(() => issuer?.stop());

  const authorizeParams = (challenge: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({ response_type: 'code', client_id: issuer.clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...extra });

  /** Submits the sign-in form; answers the redirect's code (or the response when there is none). */
  async function signIn(challenge: string, form: Record<string, string | string[]> = {}): Promise<{ response: Response; code?: string }> {
    const body = authorizeParams(challenge);
    const fields = { username: 'ana', tenant: 'acme', roles: ['viewer', 'reviewer'], ...form };
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    const response = await fetch(`${issuer.issuer}/oauth2/authorize`, { method: 'POST', body, redirect: 'manual' });
    const location = response.headers.get('location');
    const code = location ? (new URL(location).searchParams.get('code') ?? undefined) : undefined;
    return { response, ...(code ? { code } : {}) };
  }

  function exchange(code: string, verifier: string, redirectUri = REDIRECT): Promise<Response> {
    return fetch(`${issuer.issuer}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: issuer.clientId, code, code_verifier: verifier, redirect_uri: redirectUri }),
    });
  }

  it('shows the sign-in form for a well-formed request, offering every role', async () => {
    const { challenge } = pkcePair();
    const response = await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(challenge).toString()}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:4321");
    expect(html).toContain('name="username"');
    for (const role of ['viewer', 'uploader', 'reviewer', 'admin']) expect(html).toContain(`value="${role}"`);
  });

  it('redirects back with the state and a code that a matching verifier exchanges for a verifiable token', async () => {
    const { verifier, challenge } = pkcePair();
    const { response, code } = await signIn(challenge);
    const location = new URL(response.headers.get('location') ?? '');

    const tokenResponse = await exchange(code ?? '', verifier);
    const body = (await tokenResponse.json()) as { access_token: string; token_type: string };
    const verify = createJwtVerifier({ issuer: issuer.issuer, clientId: issuer.clientId, ...DEV_TOKEN_CLAIMS });

    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get('access-control-allow-origin')).toBe('*');
    expect(body.token_type).toBe('Bearer');
    expect(await verify(`Bearer ${body.access_token}`)).toEqual({ subject: 'ana', name: 'ana', tenant: 'acme', roles: ['viewer', 'reviewer'] });
  });

  it('refuses a verifier that does not match the challenge, and the code is spent afterwards', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(challenge);

    const wrong = await exchange(code ?? '', pkcePair().verifier);
    const retried = await exchange(code ?? '', verifier);

    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/code_verifier/) });
    expect(retried.status).toBe(400);
  });

  it('refuses a code used twice', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(challenge);

    const first = await exchange(code ?? '', verifier);
    const second = await exchange(code ?? '', verifier);

    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/unknown, used or expired/) });
  });

  it('refuses a redirect_uri other than the one the code was issued for', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(challenge);

    const response = await exchange(code ?? '', verifier, 'http://127.0.0.1:4321/elsewhere');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/redirect_uri/) });
  });

  it('refuses a code older than a minute', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(challenge);
    now += 61_000;

    const response = await exchange(code ?? '', verifier);

    expect(response.status).toBe(400);
  });

  it.each<[string, Record<string, string>]>([
    ['a redirect_uri off this machine', { redirect_uri: 'https://attacker.example/' }],
    ['a plain challenge method', { code_challenge_method: 'plain' }],
    ['another client', { client_id: 'someone-else' }],
    ['an implicit-flow request', { response_type: 'token' }],
    ['an oversized state', { state: 'x'.repeat(300) }],
  ])('refuses an authorization request with %s', async (_name, override) => {
    const response = await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(pkcePair().challenge, override).toString()}`, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it.each<[string, Record<string, string | string[]>, RegExp]>([
    ['an empty user name', { username: '' }, /User name/],
    ['a user name with markup', { username: '<script>' }, /User name/],
    ['a tenant with a slash', { tenant: 'acme/other' }, /Tenant/],
    ['no role', { roles: [] }, /at least one role/],
    ['an unknown role', { roles: ['root'] }, /Unknown role/],
  ])('shows the form again, with no code, for %s', async (_name, form, message) => {
    const { response, code } = await signIn(pkcePair().challenge, form);

    expect(response.status).toBe(400);
    expect(code).toBeUndefined();
    expect(await response.text()).toMatch(message);
  });

  it('refuses a form larger than it could ever need', async () => {
    const body = `${authorizeParams(pkcePair().challenge).toString()}&username=${'a'.repeat(10_000)}`;
    const response = await fetch(`${issuer.issuer}/oauth2/authorize`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    expect(response.status).toBe(413);
  });
});
