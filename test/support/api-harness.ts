import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { buildApiDeps } from '../../api/api-deps';
import { createApp } from '../../api/app';
import { loadApiConfig, type ApiConfig } from '../../api/config';
import type { Role } from '../../auth/caller';
import { startDevIssuer, DEV_TOKEN_CLAIMS, type DevIssuer } from '../../local/dev-issuer';
import { loadIntakeConfig, type IntakeConfig } from '../../intake/config';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';

export interface ApiHarness {
  app: ReturnType<typeof createApp>;
  issuer: DevIssuer;
  config: ApiConfig;
  clients: AwsClients;
  /** Every log line the app wrote, parsed. */
  logLines: Record<string, unknown>[];
  /** Moves the app's clock (session expiry) by this many seconds. */
  advanceClock(seconds: number): void;
  token(tenant: string, roles: Role[], subject?: string): Promise<string>;
  /** `app.request` with a bearer token and a JSON body. */
  call(path: string, init: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The API app wired as api/main.ts wires it, against the suite's dynalite and s3rver, a real
 * dev issuer and the given Temporal client; requests go through `app.request` (the fetch API).
 */
export async function startApiHarness(options: { temporal: Client; taskQueue: string; env?: Record<string, string> }): Promise<ApiHarness> {
  const issuer = await startDevIssuer();
  const config = loadApiConfig({
    ...process.env,
    REELSCOPE_BUCKET: 'reelscope-test',
    REELSCOPE_AUTH_ISSUER: issuer.issuer,
    REELSCOPE_AUTH_CLIENT_ID: issuer.clientId,
    REELSCOPE_AUTH_TENANT_CLAIM: DEV_TOKEN_CLAIMS.tenantClaim,
    REELSCOPE_AUTH_ROLES_CLAIM: DEV_TOKEN_CLAIMS.rolesClaim,
    ...options.env,
  });
  const starter: IntakeConfig = { ...loadIntakeConfig({ ...process.env, ...options.env }), taskQueue: options.taskQueue };
  const clients = createAwsClients(config.aws);
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  let offsetMs = 0;
  const wired = buildApiDeps({
    config,
    starter,
    temporal: options.temporal,
    logger: pino({ level: 'info' }, sink),
    now: () => new Date(Date.now() + offsetMs),
  });
  const app = createApp(wired.deps);
  return {
    app,
    issuer,
    config,
    clients,
    logLines,
    advanceClock: (seconds) => {
      offsetMs += seconds * 1000;
    },
    token: (tenant, roles, subject = `${tenant}-user`) => issuer.mint({ subject, tenant, roles }),
    call: (path, init) =>
      Promise.resolve(
        app.request(path, {
          method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
          headers: {
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
            ...init.headers,
          },
          ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
        }),
      ),
    async stop() {
      await issuer.stop();
      wired.destroy();
      clients.destroy();
    },
  };
}
