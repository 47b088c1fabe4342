import { createHash, randomBytes } from 'node:crypto';
import { createJwtVerifier } from '../../auth/jwt-verifier';
import { DEV_TOKEN_CLAIMS, startDevIssuer, type DevIssuer } from '../../local/dev-issuer';

const REDIRECT = 'http://127.0.0.1:4321/';
/** Registered too: a callback whose query holds markup, which the form must echo escaped. */
const MARKUP_REDIRECT = 'http://127.0.0.1:4321/cb?next="><b>x</b>';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The dev issuer's authorization-code + PKCE flow, driven as the portal's browser drives it. */
describe('dev issuer authorization code flow', () => {
  let issuer: DevIssuer;
  let now = Date.now();

  beforeAll(async () => {
    issuer = await startDevIssuer({ clock: () => now, redirectUris: [REDIRECT, MARKUP_REDIRECT] });
  });
  afterAll(() => issuer?.stop());

  const authorizeParams = (challenge: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({ response_type: 'code', client_id: issuer.clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...extra });

  /** The form's hidden fields, as a browser would submit them. */
  async function shownForm(challenge: string, extra: Record<string, string> = {}): Promise<URLSearchParams> {
    const html = await (await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(challenge, extra).toString()}`)).text();
    return hiddenFields(html);
  }

  function post(body: URLSearchParams): Promise<Response> {
    return fetch(`${issuer.issuer}/oauth2/authorize`, { method: 'POST', body, redirect: 'manual' });
  }

  /** Opens and submits the sign-in form; answers the redirect's code (or the response when there is none). */
  async function signIn(challenge: string, form: Record<string, string | string[]> = {}): Promise<{ response: Response; code?: string }> {
    const body = await shownForm(challenge);
    const fields = { username: 'ana', tenant: 'acme', roles: ['viewer', 'reviewer'], ...form };
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    const response = await post(body);
    const location = response.headers.get('location');
    const code = location ? (new URL(location).searchParams.get('code') ?? undefined) : undefined;
    return { response, ...(code ? { code } : {}) };
  }

  function exchange(code: string, verifier: string, redirectUri = REDIRECT, origin = 'http://127.0.0.1:4321'): Promise<Response> {
    return fetch(`${issuer.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { origin },
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
    expect(tokenResponse.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4321');
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
    ['an unregistered path on the registered origin', { redirect_uri: 'http://127.0.0.1:4321/elsewhere' }],
    ['an unregistered loopback port', { redirect_uri: 'http://127.0.0.1:4322/' }],
    ['loopback as the user part of another host', { redirect_uri: 'http://127.0.0.1@evil/' }],
    ['a host that only starts with localhost', { redirect_uri: 'http://localhost.evil/' }],
    ['the registered callback with a fragment', { redirect_uri: `${REDIRECT}#x` }],
    ['a plain challenge method', { code_challenge_method: 'plain' }],
    ['another client', { client_id: 'someone-else' }],
    ['an implicit-flow request', { response_type: 'token' }],
    ['an oversized state', { state: 'x'.repeat(300) }],
  ])('refuses an authorization request with %s', async (_name, override) => {
    const response = await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(pkcePair().challenge, override).toString()}`, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses to sign in for an unregistered redirect_uri even when the form is posted directly', async () => {
    const body = await shownForm(pkcePair().challenge);
    body.set('redirect_uri', 'http://127.0.0.1:4321/elsewhere');
    for (const [name, value] of Object.entries({ username: 'ana', tenant: 'acme', roles: 'admin' })) body.append(name, value);

    const response = await post(body);

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('redirects to a callback registered after start, and refuses to register one off loopback', async () => {
    const late = 'http://localhost:4400/portal/';
    const before = await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(pkcePair().challenge, { redirect_uri: late }).toString()}`);
    issuer.allowRedirect(late);
    const after = await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(pkcePair().challenge, { redirect_uri: late }).toString()}`);

    expect(before.status).toBe(400);
    expect(after.status).toBe(200);
    for (const foreign of ['https://attacker.example/', 'http://127.0.0.1@evil/', 'http://localhost.evil/', 'http://ana:pw@127.0.0.1/']) expect(() => issuer.allowRedirect(foreign)).toThrow(/127\.0\.0\.1, localhost/);
  });

  it('echoes the redirect_uri in the form HTML-escaped', async () => {
    const response = await fetch(`${issuer.issuer}/oauth2/authorize?${authorizeParams(pkcePair().challenge, { redirect_uri: MARKUP_REDIRECT }).toString()}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('name="redirect_uri" value="http://127.0.0.1:4321/cb?next=&#34;&#62;&#60;b&#62;x&#60;/b&#62;"');
    expect(html).not.toContain('<b>x</b>');
    expect(hiddenFields(html).get('redirect_uri')).toBe(MARKUP_REDIRECT);
  });

  it.each<[string, (form: URLSearchParams) => Promise<void>]>([
    ['without its nonce', (form) => Promise.resolve(form.delete('sign_in_nonce'))],
    ['with a nonce this issuer never issued', (form) => Promise.resolve(form.set('sign_in_nonce', randomBytes(32).toString('base64url')))],
    ['with the nonce of a form shown for another request', async (form) => void form.set('sign_in_nonce', (await shownForm(pkcePair().challenge)).get('sign_in_nonce') ?? '')],
    [
      'with a nonce older than five minutes',
      () => {
        now += 301_000;
        return Promise.resolve();
      },
    ],
  ])('refuses a sign-in form posted %s, with no code', async (_name, tamper) => {
    const form = await shownForm(pkcePair().challenge);
    await tamper(form);
    for (const [name, value] of Object.entries({ username: 'ana', tenant: 'acme', roles: 'admin' })) form.append(name, value);

    const response = await post(form);

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/start the sign-in again/);
  });

  it('spends a form nonce once: the same form posted twice signs in once', async () => {
    const form = await shownForm(pkcePair().challenge);
    for (const [name, value] of Object.entries({ username: 'ana', tenant: 'acme', roles: 'viewer' })) form.append(name, value);

    const first = await post(form);
    const second = await post(form);

    expect(first.status).toBe(302);
    expect(second.status).toBe(400);
    expect(second.headers.get('location')).toBeNull();
  });

  it('lets only the registered callbacks\' origins read the token endpoint', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await signIn(challenge);
    const foreign = await exchange(code ?? '', verifier, REDIRECT, 'https://evil.example');
    const preflight = (origin: string) => fetch(`${issuer.issuer}/oauth2/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const foreignPreflight = await preflight('http://127.0.0.1:9999');
    const ownPreflight = await preflight('http://127.0.0.1:4321');

    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreignPreflight.status).toBe(403);
    expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(ownPreflight.status).toBe(204);
    expect(ownPreflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4321');
  });

  it.each<[string, Record<string, string | string[]>, RegExp]>([
    ['an empty user name', { username: '' }, /User name/],
    ['a user name with markup', { username: '<script>' }, /User name/],
    ['a tenant with a slash', { tenant: 'acme/other' }, /Tenant/],
    ['no role', { roles: [] }, /at least one role/],
    ['an unknown role', { roles: ['root'] }, /Unknown role/],
  ])('shows the form again, with no code and a fresh nonce, for %s', async (_name, form, message) => {
    const { response, code } = await signIn(pkcePair().challenge, form);
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(code).toBeUndefined();
    expect(html).toMatch(message);
    // Whatever was typed is never echoed unescaped: the page has no markup but its own.
    expect(html).not.toContain('<script');
    expect(hiddenFields(html).get('sign_in_nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a form larger than it could ever need', async () => {
    const body = `${authorizeParams(pkcePair().challenge).toString()}&username=${'a'.repeat(10_000)}`;
    const response = await fetch(`${issuer.issuer}/oauth2/authorize`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    expect(response.status).toBe(413);
  });
});

/** The name/value pairs of the form's hidden inputs, unescaped as a browser reads them. */
function hiddenFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const [, name = '', value = ''] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.append(name, value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))));
  }
  return fields;
}
