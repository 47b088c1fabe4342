import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireRole } from '../../auth/caller';
import type { ApiEnv } from '../api-env';
import type { ControlService } from '../control-service';
import { problemResponses } from '../problem-responses';

const params = z.object({ mediaId: z.string().regex(/^[0-9a-f]{24}$/, 'a media id (24 hex digits)') });
const security = [{ bearer: [] }];
const run = z.object({ workflowId: z.string(), runId: z.string().optional() }).openapi('Run');

// Strict: a body naming a reviewer is refused, not ignored; the reviewer is the token's subject.
const decision = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().max(2000).optional().openapi({ description: 'Required for a rejection.' }) })
  .strict()
  .openapi('ReviewDecisionRequest');

const recorded = z
  .object({ decision: z.enum(['approve', 'reject']), reviewer: z.string(), reason: z.string().optional(), decidedAt: z.string(), decidedBy: z.enum(['reviewer', 'deadline']) })
  .openapi('ReviewDecision');

const reviewRoute = createRoute({
  method: 'post',
  path: '/v1/media/{mediaId}/review',
  tags: ['control'],
  summary: 'Decide a media awaiting review (reviewer role)',
  security,
  request: { params, body: { required: true, content: { 'application/json': { schema: decision } } } },
  responses: { 200: { description: 'Decision recorded', content: { 'application/json': { schema: recorded } } }, ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
});

const retryRoute = createRoute({
  method: 'post',
  path: '/v1/media/{mediaId}/retry',
  tags: ['control'],
  summary: 'Analyse a finished media again, as a new run of its workflow (uploader role)',
  security,
  request: { params, body: { required: false, content: { 'application/json': { schema: z.object({ force: z.boolean().default(false) }).strict().openapi('RetryRequest') } } } },
  responses: { 202: { description: 'New run started', content: { 'application/json': { schema: run } } }, ...problemResponses(400, 401, 403, 404, 409, 429) },
});

// Names are checked against the known analyses by the operation, which says which are known.
const rerunRequest = z
  .object({
    analyses: z.array(z.string().max(40)).max(16).default([]).openapi({ description: 'Analyses to run again (e.g. labels, transcript); the others keep their outcomes.' }),
    reportOnly: z.boolean().default(false).openapi({ description: 'Re-write the report only, with the current writer or model.' }),
  })
  .strict()
  .openapi('RerunRequest');

const rerunRoute = createRoute({
  method: 'post',
  path: '/v1/media/{mediaId}/rerun',
  tags: ['control'],
  summary: 'Re-run some analyses of a completed media, or its report only, reusing the other outputs (uploader role)',
  security,
  request: { params, body: { required: true, content: { 'application/json': { schema: rerunRequest } } } },
  responses: {
    202: { description: 'New run started', content: { 'application/json': { schema: run.extend({ analyses: z.array(z.string()) }).openapi('RerunRun') } } },
    ...problemResponses(400, 401, 403, 404, 409, 422, 429),
  },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/v1/media/{mediaId}/cancel',
  tags: ['control'],
  summary: 'Cancel a running analysis (uploader role)',
  security,
  request: { params },
  responses: { 202: { description: 'Cancellation requested', content: { 'application/json': { schema: run } } }, ...problemResponses(400, 401, 403, 404, 409, 429) },
});

/** Review, retry, re-run, cancel. The role is checked first: a refusal then says nothing of which ids exist. */
export function registerControlRoutes(app: OpenAPIHono<ApiEnv>, control: ControlService): void {
  app.openapi(reviewRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'reviewer');
    const result = await control.review(caller, c.req.valid('param').mediaId, c.req.valid('json'));
    c.get('log').info({ mediaId: c.req.valid('param').mediaId, decision: result.decision }, 'review recorded');
    return c.json(result, 200);
  });

  app.openapi(retryRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : { force: false };
    return c.json(await control.retry(caller, c.req.valid('param').mediaId, body.force), 202);
  });

  app.openapi(rerunRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    return c.json(await control.rerun(caller, c.req.valid('param').mediaId, c.req.valid('json')), 202);
  });

  app.openapi(cancelRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    return c.json(await control.cancel(caller, c.req.valid('param').mediaId), 202);
  });
}
