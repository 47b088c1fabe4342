import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { buildApiDeps } from '../../api/api-deps';
import { createApp } from '../../api/app';
import { loadApiConfig } from '../../api/config';
import { DEV_TOKEN_CLAIMS, startDevIssuer, type DevIssuer } from '../../local/dev-issuer';
import { buildPortal } from '../../portal/build';
import { loadIntakeConfig } from '../../intake/config';

export interface PortalServer {
  /** The portal's origin, e.g. http://127.0.0.1:PORT */
  url: string;
  issuer: DevIssuer;
  stop(): Promise<void>;
}

/**
 * The API with the freshly built portal, served on a real loopback socket as api/main.ts
 * serves it, a real dev issuer for sign-in, and the suite's s3rver and dynalite. It listens on
 * the port global setup reserved, the one origin the suite's bucket allows in its CORS rule.
 */
export async function startPortalServer(options: { temporal: Client; taskQueue: string; env?: Record<string, string> }): Promise<PortalServer> {
  const port = Number(process.env['REELSCOPE_TEST_PORTAL_PORT']);
  if (!Number.isInteger(port) || port <= 0) throw new Error('REELSCOPE_TEST_PORTAL_PORT is not set: the suite\'s global setup reserves the portal\'s port');
  const url = `http://127.0.0.1:${port}`;
  const assetsDir = await mkdtemp(join(tmpdir(), 'reelscope-portal-'));
  await buildPortal(assetsDir);
  const issuer = await startDevIssuer({ redirectUris: [`${url}/`] });
  const env = {
    ...process.env,
    REELSCOPE_BUCKET: 'reelscope-test',
    REELSCOPE_AUTH_ISSUER: issuer.issuer,
    REELSCOPE_AUTH_CLIENT_ID: issuer.clientId,
    REELSCOPE_AUTH_TENANT_CLAIM: DEV_TOKEN_CLAIMS.tenantClaim,
    REELSCOPE_AUTH_ROLES_CLAIM: DEV_TOKEN_CLAIMS.rolesClaim,
    ...options.env,
  };
  const wired = buildApiDeps({
    config: loadApiConfig(env),
    starter: { ...loadIntakeConfig(env), taskQueue: options.taskQueue },
    temporal: options.temporal,
    logger: pino({ level: 'silent' }),
  });
  const app = createApp({ ...wired.deps, portal: { assetsDir } });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return {
    url,
    issuer,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await issuer.stop();
      wired.destroy();
    },
  };
}
