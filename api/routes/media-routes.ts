import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_STATUSES as STATUSES } from '../../common/types';
import type { ApiEnv } from '../api-env';
import type { MediaService } from '../media-service';
import { problemResponses } from '../problem-responses';

const mediaId = z.string().regex(/^[0-9a-f]{24}$/, 'a media id (24 hex digits)').openapi({ example: 'eee2be7b5bf6ae9c657ccc71' });
const params = z.object({ mediaId });
const security = [{ bearer: [] }];

const summary = z
  .object({ mediaId: z.string(), status: z.enum(STATUSES), fileName: z.string(), updatedAt: z.string(), flagged: z.boolean().optional() })
  .openapi('MediaSummary');

const page = z.object({ items: z.array(summary), nextCursor: z.string().optional().openapi({ description: 'Pass as `cursor` for the next page; absent on the last.' }) }).openapi('MediaPage');

const detail = z
  .object({
    mediaId: z.string(),
    status: z.enum(STATUSES),
    fileName: z.string(),
    sizeBytes: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    flagged: z.boolean().optional(),
    reason: z.object({ step: z.string(), type: z.string(), message: z.string() }).optional(),
    media: z.record(z.string(), z.unknown()).optional().openapi({ description: 'What the probe found (kind, duration, streams).' }),
    outcomes: z
      .array(
        z.object({
          kind: z.string(),
          status: z.string(),
          summary: z.string(),
          counts: z.record(z.string(), z.number()).optional(),
          runId: z.string().optional().openapi({ description: 'The run that produced it; an earlier run for what a re-run reused.' }),
        }),
      )
      .optional(),
    cancellation: z
      .object({ step: z.string(), stopped: z.array(z.string()), runToEnd: z.array(z.string()), summary: z.string() })
      .optional()
      .openapi({ description: 'A cancelled run: the step it was in, the analyses stopped, and those left to finish (Rekognition Video jobs cannot be stopped).' }),
    rerunOf: z.object({ runId: z.string(), analyses: z.array(z.string()) }).optional().openapi({ description: 'A re-run: the run it re-ran and the analyses it ran again (none: report only).' }),
    previousReports: z
      .array(z.object({ runId: z.string(), verdict: z.string(), headline: z.string() }))
      .optional()
      .openapi({ description: 'Reports of earlier runs, newest first; their files are among the artefacts as previous/<run id>/report.json and .html.' }),
    report: z.object({ verdict: z.string(), headline: z.string(), coverage: z.string().optional() }).optional(),
    review: z.record(z.string(), z.unknown()).optional(),
    progress: z
      .object({ status: z.string(), percent: z.number(), branches: z.record(z.string(), z.string()) })
      .optional()
      .openapi({ description: "Live, from the workflow's progress query, while the analysis runs." }),
  })
  .openapi('MediaDetail');

const artefacts = z
  .object({ expiresInSeconds: z.number().int(), artefacts: z.array(z.object({ name: z.string(), url: z.url() })) })
  .openapi('Artefacts');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/media',
  tags: ['media'],
  summary: "The caller's tenant's media, newest first",
  security,
  request: {
    query: z.object({
      status: z.enum(STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2048).optional(),
    }),
  },
  responses: { 200: { description: 'One page', content: { 'application/json': { schema: page } } }, ...problemResponses(400, 401, 429) },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/v1/media/{mediaId}',
  tags: ['media'],
  summary: 'A media: its record and, while it runs, live progress',
  security,
  request: { params },
  responses: { 200: { description: 'The media', content: { 'application/json': { schema: detail } } }, ...problemResponses(400, 401, 404, 429) },
});

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/media/{mediaId}/report',
  tags: ['media'],
  summary: 'The report, as JSON',
  security,
  request: { params },
  responses: {
    200: { description: 'The report (schema: report/report-schema.ts)', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
    ...problemResponses(400, 401, 404, 409, 429),
  },
});

const reportHtmlRoute = createRoute({
  method: 'get',
  path: '/v1/media/{mediaId}/report.html',
  tags: ['media'],
  summary: 'The report, as a self-contained HTML page',
  security,
  request: { params },
  responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } }, ...problemResponses(400, 401, 404, 409, 429) },
});

const artefactsRoute = createRoute({
  method: 'get',
  path: '/v1/media/{mediaId}/artefacts',
  tags: ['media'],
  summary: 'Short-lived links to the uploaded source and the analysis outputs: thumbnails, transcript, spine, report',
  security,
  request: { params },
  responses: { 200: { description: 'Presigned GET links', content: { 'application/json': { schema: artefacts } } }, ...problemResponses(400, 401, 404, 429) },
});

/**
 * The report page is ours but holds uploaders' text (escaped when written): it may run no
 * script and load nothing, whatever it contains.
 */
const REPORT_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/** Media reads: list, detail, report, artefacts; every one scoped to the caller's tenant. */
export function registerMediaRoutes(app: OpenAPIHono<ApiEnv>, media: MediaService): void {
  app.openapi(listRoute, async (c) => c.json(await media.list(c.get('caller'), c.req.valid('query')), 200));

  app.openapi(detailRoute, async (c) => {
    const { record, progress } = await media.detail(c.get('caller'), c.req.valid('param').mediaId);
    const source = record['source'] as { key?: string; sizeBytes?: number } | undefined;
    const report = record['report'] as { verdict: string; headline: string; coverage?: string } | undefined;
    const outcomes = Array.isArray(record['outcomes']) ? (record['outcomes'] as { kind: string; status: string; summary: string; counts?: Record<string, number>; runId?: string }[]) : undefined;
    const previousReports = Array.isArray(record['previousReports']) ? (record['previousReports'] as { runId: string; verdict: string; headline: string }[]) : undefined;
    const body: z.infer<typeof detail> = {
      mediaId: String(record['mediaId']),
      status: record['status'] as (typeof STATUSES)[number],
      fileName: source?.key?.split('/').pop() ?? '',
      ...(source?.sizeBytes !== undefined ? { sizeBytes: source.sizeBytes } : {}),
      ...pick(record, ['createdAt', 'updatedAt', 'flagged', 'reason', 'media', 'review', 'cancellation', 'rerunOf']),
      ...(outcomes ? { outcomes: outcomes.map((o) => ({ kind: o.kind, status: o.status, summary: o.summary, ...(o.counts ? { counts: o.counts } : {}), ...(o.runId ? { runId: o.runId } : {}) })) } : {}),
      ...(previousReports ? { previousReports: previousReports.map((r) => ({ runId: r.runId, verdict: r.verdict, headline: r.headline })) } : {}),
      ...(report ? { report: { verdict: report.verdict, headline: report.headline, ...(report.coverage ? { coverage: report.coverage } : {}) } } : {}),
      ...(progress ? { progress: { status: progress.status, percent: progress.percent, branches: progress.branches } } : {}),
    };
    return c.json(body, 200);
  });

  app.openapi(reportRoute, async (c) => c.json((await media.reportJson(c.get('caller'), c.req.valid('param').mediaId)) as Record<string, unknown>, 200));

  app.openapi(reportHtmlRoute, async (c) => {
    const html = await media.reportHtml(c.get('caller'), c.req.valid('param').mediaId);
    c.header('content-security-policy', REPORT_PAGE_POLICY);
    return c.html(html, 200);
  });

  app.openapi(artefactsRoute, async (c) => c.json(await media.artefacts(c.get('caller'), c.req.valid('param').mediaId), 200));
}

function pick(record: Record<string, unknown>, fields: string[]): Record<string, never> {
  return Object.fromEntries(fields.filter((f) => record[f] !== undefined).map((f) => [f, record[f]])) as Record<string, never>;
}
