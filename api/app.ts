import { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ForbiddenError, UnauthenticatedError, type Caller } from '../auth/caller';
import type { KnownPeople } from '../backends/known-people';
import type { IntakeConfig } from '../intake/config';
import type { MediaRecords } from '../storage/media-records';
import type { ObjectStore } from '../storage/object-store';
import type { UploadSessions } from '../storage/upload-sessions';
import type { UploadUrls } from '../storage/upload-urls';
import type { ApiEnv } from './api-env';
import { authenticate } from './authenticate';
import type { ApiConfig } from './config';
import { renderDocsPage } from './docs-page';
import { ControlService } from './control-service';
import { MediaService } from './media-service';
import { registerPortalRoutes, type PortalAssets } from './portal-routes';
import { problemType, ProblemError, type Problem } from './problem';
import { TenantRateLimiter } from './rate-limiter';
import { requestContext } from './request-context';
import { registerControlRoutes } from './routes/control-routes';
import { registerMediaRoutes } from './routes/media-routes';
import { registerPeopleRoutes } from './routes/people-routes';
import { registerUploadRoutes } from './routes/upload-routes';
import { UploadService } from './upload-service';

/** What the app is built from: the same wiring locally (api/main.ts) and on AWS. */
export interface ApiDeps {
  config: ApiConfig;
  starter: IntakeConfig;
  verify: (authorization: string | undefined) => Promise<Caller>;
  temporal: Client;
  sessions: UploadSessions;
  urls: UploadUrls;
  records: MediaRecords;
  /** Reads reports and signs artefact links. */
  store: ObjectStore;
  logger: Logger;
  /** The clock for session expiry (tests move it). */
  now?: () => Date;
  /** The built web portal (portal/build.ts); when given, it is served at `/`. */
  portal?: PortalAssets;
  /**
   * The tenants' known people (operations/known-people.ts) and the largest photo their
   * enroller takes; when given, /v1/people is served.
   */
  knownPeople?: { people: KnownPeople; maxPhotoBytes: number };
}

const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'reelscope API',
    version: '1',
    description: 'Upload media, follow its analysis and read the results. Every /v1 route needs a bearer JWT; errors are RFC 9457 problem details.',
  },
};

/** Builds the HTTP API from its dependencies; serving it (node server, Lambda) is the caller's business. */
export function createApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    // Schema violations become one 400 problem listing each field, never the validator's own shape.
    defaultHook: (result) => {
      if (result.success) return;
      const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
      throw new ProblemError(400, 'invalid-request', 'Invalid request', 'the request does not match the schema', { errors });
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.use('*', requestContext(deps.logger));
  app.use('/v1/*', authenticate(deps.verify, new TenantRateLimiter(deps.config.rateLimit.perSecond, deps.config.rateLimit.burst)));

  const uploads = new UploadService({ ...deps, now: deps.now ?? (() => new Date()) });
  registerUploadRoutes(app, uploads);
  const media = new MediaService(deps);
  registerMediaRoutes(app, media);
  registerControlRoutes(app, new ControlService({ media, temporal: deps.temporal, records: deps.records, defaultTaskQueue: deps.starter.taskQueue }));
  if (deps.knownPeople) registerPeopleRoutes(app, deps.knownPeople.people, deps.knownPeople.maxPhotoBytes);

  app.doc31('/openapi.json', OPENAPI_INFO);
  app.get('/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document(OPENAPI_INFO) as Parameters<typeof renderDocsPage>[0])));
  app.get('/healthz', (c) => c.json({ ok: true }));
  if (deps.portal) registerPortalRoutes(app, deps.portal, deps.config);

  app.notFound((c) => problem(c, { status: 404, slug: 'not-found', title: 'Not found', detail: 'no such route' }));
  app.onError((err, c) => {
    if (err instanceof ProblemError) {
      return problem(c, { status: err.status, slug: err.slug, title: err.title, detail: err.message, ...(err.errors ? { errors: err.errors } : {}) }, err.headers);
    }
    if (err instanceof UnauthenticatedError) {
      return problem(c, { status: 401, slug: 'unauthenticated', title: 'Unauthenticated', detail: err.message }, { 'www-authenticate': 'Bearer' });
    }
    if (err instanceof ForbiddenError) return problem(c, { status: 403, slug: 'forbidden', title: 'Forbidden', detail: err.message });
    // Hono's own (a body that is not JSON): its message is written for callers.
    if (err instanceof HTTPException && err.status < 500) return problem(c, { status: err.status, slug: 'invalid-request', title: 'Invalid request', detail: err.message });
    // Anything else is ours: the caller gets the request id to quote, the log gets the error.
    c.get('log').error({ err }, 'request failed');
    return problem(c, { status: 500, slug: 'internal', title: 'Internal error', detail: 'the request failed; quote the request id when reporting it' });
  });
  return app;
}

function problem(c: Context<ApiEnv>, p: { status: number; slug: string; title: string; detail?: string; errors?: Problem['errors'] }, headers: Record<string, string> = {}): Response {
  const body: Problem = {
    type: problemType(p.slug),
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    instance: `urn:reelscope:request:${c.get('requestId')}`,
    ...(p.errors ? { errors: p.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': c.get('requestId'), ...headers },
  });
}
