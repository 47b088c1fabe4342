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
  stop(): Promise<void>;
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

/**
 * A small OAuth2 issuer for the embedded default: its own ES256 key, its JWKS on loopback,
 * tokens minted on request, and the authorization-code + PKCE endpoints Cognito's hosted UI
 * has (`/oauth2/authorize`, `/oauth2/token`), so the portal signs in the same way against
 * both and the API verifies local tokens with exactly the code that verifies Cognito's. It
 * signs for whoever asks and so never listens beyond 127.0.0.1.
 */
export async function startDevIssuer(port = 0, clock: () => number = Date.now): Promise<DevIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
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
      const asked = authorizeRequestOf(params);
      if (typeof asked === 'string') return sendText(res, 400, asked);
      if (req.method === 'GET') return sendForm(res, asked);
      const signIn = signInOf(params);
      if (typeof signIn === 'string') return sendForm(res, asked, signIn);
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
      const params = await readForm(req);
      if (!params) return sendTokenError(res, 'invalid_request', 'the request is too large');
      const grant = await exchange(params);
      if ('error' in grant) return sendTokenError(res, grant.error, grant.description);
      res.writeHead(200, { ...TOKEN_HEADERS, 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: grant.token, token_type: 'Bearer', expires_in: SIGNED_IN_TOKEN_SECONDS }));
      return;
    }
    if (url.pathname === '/oauth2/token' && req.method === 'OPTIONS') {
      res.writeHead(204, { ...TOKEN_HEADERS, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' }).end();
      return;
    }
    res.writeHead(404).end();
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
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    clientId: DEV_CLIENT_ID,
    mint,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// The portal is served from another origin than this issuer, and its page calls the token
// endpoint with fetch; a code is useless without the verifier only that page holds.
const TOKEN_HEADERS = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };

function authorizeRequestOf(params: URLSearchParams): AuthorizeRequest | string {
  if (params.get('response_type') !== 'code') return 'response_type must be code';
  if (params.get('client_id') !== DEV_CLIENT_ID) return 'unknown client_id';
  if (params.get('code_challenge_method') !== 'S256') return 'code_challenge_method must be S256';
  const challenge = params.get('code_challenge') ?? '';
  if (!CODE_CHALLENGE.test(challenge)) return 'code_challenge must be a base64url SHA-256';
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!isLoopbackUrl(redirectUri)) return 'redirect_uri must be an http URL on this machine (127.0.0.1 or localhost)';
  const state = params.get('state') ?? undefined;
  if (state !== undefined && !STATE.test(state)) return 'state must be 1–256 URL-safe characters';
  return { redirectUri, challenge, ...(state ? { state } : {}) };
}

/** The dev issuer's clients all run on this machine; a code is never sent anywhere else. */
function isLoopbackUrl(value: string): boolean {
  if (value.length > 2048) return false;
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

function sendTokenError(res: ServerResponse, error: string, description: string): void {
  res.writeHead(400, { ...TOKEN_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify({ error, error_description: description }));
}

/** The form posts here, and its answer redirects to the client: browsers hold both to form-action. */
function formPolicy(redirectUri: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${new URL(redirectUri).origin}; frame-ancestors 'none'`;
}

function sendForm(res: ServerResponse, asked: AuthorizeRequest, problem?: string): void {
  const hidden = { response_type: 'code', client_id: DEV_CLIENT_ID, redirect_uri: asked.redirectUri, code_challenge: asked.challenge, code_challenge_method: 'S256', ...(asked.state ? { state: asked.state } : {}) };
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
