import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { ROLES, type Role } from '../auth/caller';

/** The claims the local issuer writes, named as Cognito names them, so one verifier serves both. */
export const DEV_TOKEN_CLAIMS = { tenantClaim: 'custom:tenant', rolesClaim: 'cognito:groups' } as const;
export const DEV_CLIENT_ID = 'reelscope-local';

/** A code is exchanged by the page that asked for it moments later; Cognito's live 5 minutes. */
const CODE_SECONDS = 60;
/** Tokens from the sign-in form: a working session, like Cognito's default access token hour. */
const SIGNED_IN_TOKEN_SECONDS = 3600;
/** The form and the token request are a few short fields; anything larger is refused unread. */
const MAX_FORM_BYTES = 8 * 1024;
/** Unexchanged codes kept at most; a flood of sign-ins cannot grow the map without bound. */
const MAX_PENDING_CODES = 1000;
/** A person fills in the form in well under this; the same bound as Cognito's codes. */
const FORM_SECONDS = 300;
/** Forms shown and not yet submitted, kept at most, for the same reason as the codes. */
const MAX_PENDING_FORMS = 1000;
/** Enough for any callback URL a local portal has; longer ones are refused unread. */
const MAX_REDIRECT_URI_LENGTH = 2048;

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** RFC 7636: the challenge is a base64url SHA-256 (43 chars); a verifier is 43–128 unreserved chars. */
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const STATE = /^[A-Za-z0-9._~-]{1,256}$/;

export interface DevIssuer {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /** An access token shaped like Cognito's (token_use, client_id, groups), signed by this issuer. */
  mint(claims: { subject: string; tenant: string; roles: Role[]; name?: string; ttlSeconds?: number }): Promise<string>;
  /**
   * Registers one exact callback URL (like a Cognito app client's callback URLs), for hosts
   * that learn the portal's address after the issuer is up. Only loopback http(s) URLs.
   */
  allowRedirect(uri: string): void;
  stop(): Promise<void>;
}

export interface DevIssuerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  clock?: () => number;
  /** Exact callback URLs the authorize endpoint redirects to; more through `allowRedirect`. */
  redirectUris?: string[];
}

interface PendingCode {
  redirectUri: string;
  challenge: string;
  user: string;
  tenant: string;
  roles: Role[];
  expiresAt: number;
}

/** What /oauth2/authorize was asked for, once every parameter has been checked. */
interface AuthorizeRequest {
  redirectUri: string;
  state?: string;
  challenge: string;
}

/** A form shown for one authorization request: its nonce answers only that request, once. */
interface PendingForm {
  request: AuthorizeRequest;
  expiresAt: number;
}

/**
 * A small OAuth2 issuer for the embedded default: its own ES256 key, its JWKS on loopback,
 * tokens minted on request, and the authorization-code + PKCE endpoints Cognito's hosted UI
 * has (`/oauth2/authorize`, `/oauth2/token`), so the portal signs in the same way against
 * both and the API verifies local tokens with exactly the code that verifies Cognito's. It
 * signs for whoever asks and so never listens beyond 127.0.0.1; and because any web page the
 * developer opens can reach loopback, codes go only to registered callback URLs, the form
 * is answered only with the nonce it was shown with, and only those callbacks' pages may read
 * the token endpoint's answers.
 */
export async function startDevIssuer(options: DevIssuerOptions = {}): Promise<DevIssuer> {
  const clock = options.clock ?? Date.now;
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const forms = new Map<string, PendingForm>();
  const redirectUris = new Set<string>();
  const allowRedirect = (uri: string): void => {
    if (!isLoopbackUrl(uri)) throw new Error(`a dev issuer callback must be an http(s) URL on 127.0.0.1, localhost or [::1], without credentials or fragment, got "${uri.slice(0, 200)}"`);
    redirectUris.add(uri);
  };
  for (const uri of options.redirectUris ?? []) allowRedirect(uri);
  const callbackOrigins = () => new Set([...redirectUris].map((uri) => new URL(uri).origin));
  let issuer = '';

  const mint: DevIssuer['mint'] = ({ subject, tenant, roles, name, ttlSeconds = 12 * 3600 }) =>
    new SignJWT({
      token_use: 'access',
      client_id: DEV_CLIENT_ID,
      username: name ?? subject,
      [DEV_TOKEN_CLAIMS.tenantClaim]: tenant,
      [DEV_TOKEN_CLAIMS.rolesClaim]: roles,
    })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(issuer)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(privateKey);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (url.pathname === '/oauth2/authorize' && (req.method === 'GET' || req.method === 'POST')) {
      const params = req.method === 'GET' ? url.searchParams : await readForm(req);
      if (!params) return sendText(res, 413, 'the form is too large');
      const asked = authorizeRequestOf(params, redirectUris);
      if (typeof asked === 'string') return sendText(res, 400, asked);
      if (req.method === 'POST') {
        const nonce = params.get('sign_in_nonce') ?? '';
        const shown = forms.get(nonce);
        // Spent on any answer, right or wrong: a page that got hold of one cannot replay it.
        forms.delete(nonce);
        if (!shown || shown.expiresAt <= clock() || !sameRequest(shown.request, asked)) {
          return sendText(res, 400, 'this sign-in form has expired or was already used, or was never shown by this issuer; start the sign-in again from the portal');
        }
      }
      const signIn = req.method === 'POST' ? signInOf(params) : undefined;
      if (signIn === undefined || typeof signIn === 'string') {
        const formNonce = newFormNonce(asked);
        if (!formNonce) return sendText(res, 503, 'too many sign-ins in progress; try again in a few minutes');
        return sendForm(res, asked, formNonce, signIn);
      }
      dropExpired(codes, clock());
      if (codes.size >= MAX_PENDING_CODES) return sendText(res, 503, 'too many sign-ins in progress; try again in a minute');
      const code = randomBytes(32).toString('base64url');
      codes.set(code, { ...signIn, redirectUri: asked.redirectUri, challenge: asked.challenge, expiresAt: clock() + CODE_SECONDS * 1000 });
      const back = new URL(asked.redirectUri);
      back.searchParams.set('code', code);
      if (asked.state) back.searchParams.set('state', asked.state);
      res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' }).end();
      return;
    }
    if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      const cors = tokenCors(req);
      const params = await readForm(req);
      if (!params) return sendTokenError(res, cors, 'invalid_request', 'the request is too large');
      const grant = await exchange(params);
      if ('error' in grant) return sendTokenError(res, cors, grant.error, grant.description);
      res.writeHead(200, { ...cors, 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: grant.token, token_type: 'Bearer', expires_in: SIGNED_IN_TOKEN_SECONDS }));
      return;
    }
    if (url.pathname === '/oauth2/token' && req.method === 'OPTIONS') {
      const cors = tokenCors(req);
      if (!('access-control-allow-origin' in cors)) return void res.writeHead(403, cors).end();
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' }).end();
      return;
    }
    res.writeHead(404).end();
  }

  /** A nonce for the form about to be shown; undefined when too many forms are outstanding. */
  function newFormNonce(request: AuthorizeRequest): string | undefined {
    const now = clock();
    for (const [nonce, form] of forms) if (form.expiresAt <= now) forms.delete(nonce);
    if (forms.size >= MAX_PENDING_FORMS) return undefined;
    const nonce = randomBytes(32).toString('base64url');
    forms.set(nonce, { request, expiresAt: now + FORM_SECONDS * 1000 });
    return nonce;
  }

  /**
   * The portal calls the token endpoint with fetch from its own origin; only the registered
   * callbacks' pages may read the answer (the PKCE verifier already binds a code to its page).
   */
  function tokenCors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && callbackOrigins().has(origin);
    return { 'cache-control': 'no-store', vary: 'origin', ...(allowed ? { 'access-control-allow-origin': origin } : {}) };
  }

  async function exchange(params: URLSearchParams): Promise<{ token: string } | { error: string; description: string }> {
    if (params.get('grant_type') !== 'authorization_code') return { error: 'unsupported_grant_type', description: 'only authorization_code is supported' };
    if (params.get('client_id') !== DEV_CLIENT_ID) return { error: 'invalid_client', description: 'unknown client_id' };
    const code = params.get('code') ?? '';
    const pending = codes.get(code);
    // Deleted before any check: a code that failed once is spent, as RFC 6749 §4.1.2 asks.
    codes.delete(code);
    if (!pending || pending.expiresAt <= clock()) return { error: 'invalid_grant', description: 'the code is unknown, used or expired' };
    if (params.get('redirect_uri') !== pending.redirectUri) return { error: 'invalid_grant', description: 'redirect_uri does not match the authorization request' };
    const verifier = params.get('code_verifier') ?? '';
    if (!CODE_VERIFIER.test(verifier) || !sameText(createHash('sha256').update(verifier).digest('base64url'), pending.challenge)) {
      return { error: 'invalid_grant', description: 'code_verifier does not match the code_challenge' };
    }
    return { token: await mint({ subject: pending.user, tenant: pending.tenant, roles: pending.roles, ttlSeconds: SIGNED_IN_TOKEN_SECONDS }) };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    clientId: DEV_CLIENT_ID,
    mint,
    allowRedirect,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function authorizeRequestOf(params: URLSearchParams, redirectUris: ReadonlySet<string>): AuthorizeRequest | string {
  if (params.get('response_type') !== 'code') return 'response_type must be code';
  if (params.get('client_id') !== DEV_CLIENT_ID) return 'unknown client_id';
  if (params.get('code_challenge_method') !== 'S256') return 'code_challenge_method must be S256';
  const challenge = params.get('code_challenge') ?? '';
  if (!CODE_CHALLENGE.test(challenge)) return 'code_challenge must be a base64url SHA-256';
  const redirectUri = params.get('redirect_uri') ?? '';
  // Compared as the exact string registered, as Cognito compares callback URLs.
  if (!redirectUris.has(redirectUri)) return 'redirect_uri is not a callback URL registered with this issuer';
  const state = params.get('state') ?? undefined;
  if (state !== undefined && !STATE.test(state)) return 'state must be 1–256 URL-safe characters';
  return { redirectUri, challenge, ...(state ? { state } : {}) };
}

function sameRequest(a: AuthorizeRequest, b: AuthorizeRequest): boolean {
  return a.redirectUri === b.redirectUri && a.challenge === b.challenge && a.state === b.state;
}

/** The dev issuer's clients all run on this machine; a code is never sent anywhere else. */
function isLoopbackUrl(value: string): boolean {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && !url.username && !url.password && !url.hash;
  } catch {
    return false;
  }
}

function signInOf(params: URLSearchParams): { user: string; tenant: string; roles: Role[] } | string {
  const user = (params.get('username') ?? '').trim();
  if (!USER_NAME.test(user)) return 'User name: 1–64 letters, digits or . _ @ -, starting with a letter or digit.';
  const tenant = (params.get('tenant') ?? '').trim().toLowerCase();
  if (!TENANT.test(tenant)) return 'Tenant: 1–63 lower-case letters, digits, _ or -, starting with a letter or digit.';
  const asked = params.getAll('roles');
  if (asked.length === 0) return 'Pick at least one role.';
  if (asked.length > ROLES.length || !asked.every((r): r is Role => (ROLES as readonly string[]).includes(r))) return 'Unknown role.';
  return { user, tenant, roles: [...new Set(asked)] };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function dropExpired(codes: Map<string, PendingCode>, now: number): void {
  for (const [code, pending] of codes) if (pending.expiresAt <= now) codes.delete(code);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sendText(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(message);
}

function sendTokenError(res: ServerResponse, cors: Record<string, string>, error: string, description: string): void {
  res.writeHead(400, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify({ error, error_description: description }));
}

/** The form posts here, and its answer redirects to the client: browsers hold both to form-action. */
function formPolicy(redirectUri: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${new URL(redirectUri).origin}; frame-ancestors 'none'`;
}

function sendForm(res: ServerResponse, asked: AuthorizeRequest, nonce: string, problem?: string): void {
  const hidden = {
    response_type: 'code',
    client_id: DEV_CLIENT_ID,
    redirect_uri: asked.redirectUri,
    code_challenge: asked.challenge,
    code_challenge_method: 'S256',
    ...(asked.state ? { state: asked.state } : {}),
    sign_in_nonce: nonce,
  };
  const roleBoxes = ROLES.map((role) => `<label><input type="checkbox" name="roles" value="${role}"${role === 'viewer' ? ' checked' : ''}> ${role}</label>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>reelscope local sign-in</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.5rem 0}fieldset{margin:1rem 0}.problem{color:#a00}</style>
</head><body>
<h1>reelscope local sign-in</h1>
<p>The local development issuer signs whoever you say you are. It is not for production.</p>
${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/oauth2/authorize">
${Object.entries(hidden).map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`).join('\n')}
<label>User name <input name="username" required maxlength="64" autocomplete="username"></label>
<label>Tenant <input name="tenant" required maxlength="63" value="demo"></label>
<fieldset><legend>Roles</legend>
${roleBoxes}
</fieldset>
<button type="submit">Sign in</button>
</form>
</body></html>`;
  res.writeHead(problem ? 400 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': formPolicy(asked.redirectUri), 'x-frame-options': 'DENY' }).end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
