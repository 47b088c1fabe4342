/** How to sign in, as GET /portal/config.json answers: the server's own type, erased from the bundle. */
import type { PortalConfig } from '../../api/portal-routes';
export type { PortalConfig };

/** The signed-in caller: the token, and what its claims say (for display; the API decides). */
export interface Session {
  token: string;
  user: string;
  tenant: string;
  roles: string[];
  expiresAt: number;
}

// sessionStorage: the tab's own, gone with it, never in a URL and never in a cookie.
const TOKEN_KEY = 'reelscope.token';
const PENDING_KEY = 'reelscope.signin';

interface PendingSignIn {
  verifier: string;
  state: string;
  redirectUri: string;
  returnTo: string;
}

export async function loadPortalConfig(): Promise<PortalConfig> {
  const response = await fetch('/portal/config.json');
  if (!response.ok) throw new Error(`the portal settings did not load (HTTP ${response.status})`);
  return (await response.json()) as PortalConfig;
}

/** Starts the authorization-code flow with PKCE (S256): the same request to Cognito and the dev issuer. */
export async function beginSignIn(config: PortalConfig): Promise<void> {
  const verifier = randomUrlSafe(48);
  const state = randomUrlSafe(24);
  const redirectUri = config.redirectUri ?? `${location.origin}/`;
  const pending: PendingSignIn = { verifier, state, redirectUri, returnTo: location.hash };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: config.scopes,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * Finishes a sign-in when the page was opened by the issuer's redirect: checks the state,
 * exchanges the code with the verifier, and takes the code out of the address bar. An answer
 * whose state is not the one this tab sent (a crafted link, another tab's) is dropped unread:
 * its error text is not shown and the sign-in this tab has in progress is kept.
 */
export async function completeSignIn(config: PortalConfig): Promise<Session | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return undefined;
  const pending = readPending();
  if (!pending || params.get('state') !== pending.state) {
    history.replaceState(null, '', `${location.pathname}${location.hash}`);
    return undefined;
  }
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `${location.pathname}${pending.returnTo}`);
  if (error) throw new Error(`sign-in was refused: ${params.get('error_description') ?? error}`);
  const response = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code: code ?? '', redirect_uri: pending.redirectUri, code_verifier: pending.verifier }),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token) throw new Error(`the token exchange failed: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}`);
  sessionStorage.setItem(TOKEN_KEY, body.access_token);
  return sessionOf(body.access_token, config.claims);
}

/** The session this tab holds, unless it has expired. */
export function currentSession(config: PortalConfig): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const session = token ? sessionOf(token, config.claims) : undefined;
  if (!session || session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

function readPending(): PendingSignIn | undefined {
  try {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as Partial<PendingSignIn> | null;
    const fields = [pending?.verifier, pending?.state, pending?.redirectUri, pending?.returnTo];
    return fields.every((field) => typeof field === 'string') ? (pending as PendingSignIn) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the claims the portal shows; it verifies nothing (the API does), so a bad token just fails there. */
function sessionOf(token: string, claims: PortalConfig['claims']): Session | undefined {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const roles = payload[claims.roles];
    const text = (...values: unknown[]) => values.find((v): v is string => typeof v === 'string') ?? '';
    return {
      token,
      user: text(payload['username'], payload['cognito:username'], payload['email'], payload['sub']),
      tenant: text(payload[claims.tenant]),
      roles: Array.isArray(roles) ? roles.map(String) : [],
      expiresAt: typeof payload['exp'] === 'number' ? payload['exp'] * 1000 : 0,
    };
  } catch {
    return undefined;
  }
}

function randomUrlSafe(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
