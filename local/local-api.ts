import { serve, type ServerType } from '@hono/node-server';
import { createServer } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { buildApiDeps } from '../api/api-deps';
import { createApp } from '../api/app';
import { loadApiConfig } from '../api/config';
import type { PortalAssets } from '../api/portal-routes';
import { loadIntakeConfig } from '../intake/config';
import { DEV_TOKEN_CLAIMS, startDevIssuer, type DevIssuer } from './dev-issuer';

/** A port the API or its issuer was asked to listen on is held by another process. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number, options?: { cause?: unknown }) {
    super(`port ${port} on 127.0.0.1 is in use`, options);
  }
}

export interface LocalApi {
  /** Base URL of the API, e.g. http://127.0.0.1:8080 */
  url: string;
  issuer: DevIssuer;
  stop(): Promise<void>;
}

/**
 * The media API on a real loopback socket, with the local dev issuer as its token issuer, wired
 * by buildApiDeps against the stores and task queue named in `env` (a local stack's). Stopping
 * it closes the socket, the issuer and the API's store clients; the Temporal client is the
 * caller's.
 */
export async function startLocalApi(options: {
  env: NodeJS.ProcessEnv;
  temporal: Client;
  logger: Logger;
  /** 0 picks a free port. */
  apiPort: number;
  issuerPort: number;
  /** The built web portal, served at `/` when given. */
  portal?: PortalAssets;
}): Promise<LocalApi> {
  // The issuer's own listen has no error path (a taken port would crash the process past every
  // cleanup), so its port is tried first.
  if (options.issuerPort !== 0) await ensureFree(options.issuerPort);
  const issuer = await startDevIssuer({ port: options.issuerPort });
  try {
    const config = loadApiConfig({
      ...options.env,
      // The dev issuer signs for whoever asks: neither it nor an API trusting it leaves loopback.
      REELSCOPE_API_HOST: '127.0.0.1',
      REELSCOPE_API_PORT: String(options.apiPort),
      REELSCOPE_AUTH_ISSUER: issuer.issuer,
      REELSCOPE_AUTH_JWKS_URL: issuer.jwksUrl,
      REELSCOPE_AUTH_CLIENT_ID: issuer.clientId,
      REELSCOPE_AUTH_TENANT_CLAIM: DEV_TOKEN_CLAIMS.tenantClaim,
      REELSCOPE_AUTH_ROLES_CLAIM: DEV_TOKEN_CLAIMS.rolesClaim,
    });
    const { deps, destroy } = buildApiDeps({ config, starter: loadIntakeConfig(options.env), temporal: options.temporal, logger: options.logger });
    const app = createApp({ ...deps, ...(options.portal ? { portal: options.portal } : {}) });
    let server: ServerType;
    try {
      server = await listen(app.fetch, config.host, config.port);
    } catch (err) {
      destroy();
      throw err;
    }
    const port = (server.address() as { port: number }).port;
    // The portal's callback is its own origin's `/`, as the page is opened by either name.
    try {
      for (const host of [config.host, 'localhost']) issuer.allowRedirect(`http://${host}:${port}/`);
      if (config.portalAuth.redirectUrl) issuer.allowRedirect(config.portalAuth.redirectUrl);
    } catch (err) {
      await close(server);
      destroy();
      throw err;
    }
    return {
      url: `http://${config.host}:${port}`,
      issuer,
      async stop() {
        await close(server);
        destroy();
        await issuer.stop();
      },
    };
  } catch (err) {
    await issuer.stop();
    throw err;
  }
}

/** Resolves once the socket listens; a port already taken rejects instead of crashing later. */
function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: err }) : err);
    const server = serve({ fetch, hostname, port }, () => {
      server.off('error', failed);
      resolve(server);
    });
    server.once('error', failed);
  });
}

/** Rejects with PortInUseError when the loopback port cannot be listened on now. */
function ensureFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: err }) : err));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Closes the socket without waiting for idle keep-alive connections (a curl, a browser tab) to time out. */
function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
