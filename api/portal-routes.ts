import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './api-env';
import type { ApiConfig } from './config';

/** Where the built portal is (see portal/build.ts): index.html plus content-hashed assets. */
export interface PortalAssets {
  assetsDir: string;
}

/** What the portal fetches before it signs in: how to reach the OAuth2 endpoints. */
export interface PortalConfig {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  scopes: string;
  /** The registered callback; absent, the portal uses its own origin's `/`. */
  redirectUri?: string;
  /** Token claims naming tenant and roles, for the portal to show who is signed in. */
  claims: { tenant: string; roles: string };
}

/** The only names the build writes; anything else is a 404, so no path reaches outside the folder. */
const ASSET_NAME = /^app-[A-Za-z0-9]{8,}\.(js|css)$/;
const CONTENT_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/**
 * Serves the portal at `/`, its hashed assets under `/portal/assets/`, and `/portal/config.json`.
 * None of these is under /v1, so the API's bearer auth is untouched: the page is public, the
 * data it shows is not.
 */
export function registerPortalRoutes(app: OpenAPIHono<ApiEnv>, portal: PortalAssets, config: ApiConfig): void {
  const policy = contentSecurityPolicy(config);
  const portalConfig: PortalConfig = {
    authorizeUrl: `${config.portalAuth.domain}/oauth2/authorize`,
    tokenUrl: `${config.portalAuth.domain}/oauth2/token`,
    clientId: config.auth.clientId,
    scopes: config.portalAuth.scopes,
    claims: { tenant: config.auth.tenantClaim, roles: config.auth.rolesClaim },
    ...(config.portalAuth.redirectUrl ? { redirectUri: config.portalAuth.redirectUrl } : {}),
  };
  const securityHeaders = {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };

  app.get('/', async (c) => {
    const html = await readFile(join(portal.assetsDir, 'index.html'), 'utf8');
    // index.html names the current hashed assets: it must never be served stale.
    return c.body(html, 200, { ...securityHeaders, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  });

  app.get('/portal/assets/:name', async (c) => {
    const name = c.req.param('name');
    const match = ASSET_NAME.exec(name);
    if (!match?.[1]) return c.notFound();
    let body: Buffer;
    try {
      body = await readFile(join(portal.assetsDir, name));
    } catch {
      return c.notFound();
    }
    // The hash is in the name, so a changed asset is a new URL.
    return c.body(new Uint8Array(body), 200, { ...securityHeaders, 'content-type': CONTENT_TYPES[match[1]] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' });
  });

  // Browsers ask for it unprompted; the portal has none, and a 404 would only be noise.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'public, max-age=86400' }));

  app.get('/portal/config.json', (c) => c.json(portalConfig, 200, { 'cache-control': 'no-store' }));
}

/**
 * Scripts and styles only from this origin, no inline anything; the page talks to this API,
 * the token endpoint and the bucket (presigned PUTs, the player's and the spine's GETs).
 */
function contentSecurityPolicy(config: ApiConfig): string {
  const auth = new URL(config.portalAuth.domain).origin;
  const storage = storageOrigins(config).join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' ${storage}`,
    `media-src ${storage}`,
    `connect-src 'self' ${auth} ${storage}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A bucket name the SDK addresses as a host of its own over https: DNS-safe and without dots
 * (a dotted name would not match S3's wildcard certificate).
 */
const VIRTUAL_HOSTABLE_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Where presigned URLs point: the configured endpoint (s3rver), else the hosts the SDK signs
 * for: the bucket's own virtual host, or for any other name the regional host, path-style.
 */
function storageOrigins(config: ApiConfig): string[] {
  if (config.aws.s3Endpoint) return [new URL(config.aws.s3Endpoint).origin];
  if (!VIRTUAL_HOSTABLE_BUCKET.test(config.bucket)) return [`https://s3.${config.aws.region}.amazonaws.com`];
  return [`https://${config.bucket}.s3.${config.aws.region}.amazonaws.com`, `https://${config.bucket}.s3.amazonaws.com`];
}
