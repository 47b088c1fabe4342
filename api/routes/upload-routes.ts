import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireRole } from '../../auth/caller';
import type { ApiEnv } from '../api-env';
import { problemResponses } from '../problem-responses';
import type { UploadService } from '../upload-service';

const declaration = z
  .object({
    fileName: z.string().min(1).max(1024).openapi({ example: 'episode-12.mp4' }),
    sizeBytes: z.number().int().positive().openapi({ example: 73_400_320 }),
    contentType: z.string().min(3).max(255).regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'a media type such as video/mp4').openapi({ example: 'video/mp4' }),
  })
  .openapi('UploadDeclaration');

const uploadSession = z
  .object({
    uploadId: z.uuid(),
    key: z.string(),
    expiresAt: z.iso.datetime(),
    upload: z.discriminatedUnion('method', [
      z.object({ method: z.literal('PUT'), url: z.url().openapi({ description: 'PUT the whole file here (no extra headers needed).' }) }),
      z.object({
        method: z.literal('MULTIPART'),
        partBytes: z.number().int().openapi({ description: 'Every part but the last has exactly this size.' }),
        parts: z.array(z.object({ partNumber: z.number().int(), url: z.url() })).openapi({ description: 'PUT each part to its URL; keep the ETag header of each response.' }),
      }),
    ]),
  })
  .openapi('UploadSession');

const completion = z
  .object({
    parts: z
      .array(z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
      .max(10_000)
      .optional()
      .openapi({ description: 'Multipart uploads only: the ETag each part PUT answered with.' }),
  })
  .openapi('UploadCompletion');

const completed = z
  .object({ uploadId: z.uuid(), mediaId: z.string(), workflowId: z.string() })
  .openapi('UploadCompleted');

const initRoute = createRoute({
  method: 'post',
  path: '/v1/uploads',
  tags: ['uploads'],
  summary: 'Declare an upload and get presigned URLs for it',
  description: 'Name, size and type are checked against the tenant tier and the accepted kinds before anything is signed. Needs the uploader role.',
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: declaration } } } },
  responses: {
    201: { description: 'Upload session opened', content: { 'application/json': { schema: uploadSession } } },
    ...problemResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const completeRoute = createRoute({
  method: 'post',
  path: '/v1/uploads/{uploadId}/complete',
  tags: ['uploads'],
  summary: 'Finish an upload and start its analysis',
  description: 'Checks the object exists with the declared size, then starts the analysis. Repeating it answers with the same media. Needs the uploader role.',
  security: [{ bearer: [] }],
  request: {
    params: z.object({ uploadId: z.uuid() }),
    body: { required: false, content: { 'application/json': { schema: completion } } },
  },
  responses: {
    200: { description: 'Analysis started (or already started by an earlier complete)', content: { 'application/json': { schema: completed } } },
    ...problemResponses(400, 401, 403, 404, 409, 410, 422, 429),
  },
});

/** Upload init and complete. */
export function registerUploadRoutes(app: OpenAPIHono<ApiEnv>, uploads: UploadService): void {
  app.openapi(initRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    const started = await uploads.init(caller, c.req.valid('json'));
    c.get('log').info({ uploadId: started.uploadId, method: started.upload.method }, 'upload session opened');
    return c.json(started, 201);
  });

  app.openapi(completeRoute, async (c) => {
    const caller = c.get('caller');
    requireRole(caller, 'uploader');
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
    const result = await uploads.complete(caller, c.req.valid('param').uploadId, body.parts);
    c.get('log').info({ uploadId: result.uploadId, mediaId: result.mediaId }, 'upload completed');
    return c.json(result, 200);
  });
}
