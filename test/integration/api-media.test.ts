import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Report } from '../../report/report-schema';
import { MediaRecords } from '../../storage/media-records';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/**
 * Media reads against one clip uploaded and analysed through the API, and the isolation
 * matrix: every route of the OpenAPI document walked with another tenant's token.
 */
describe('API media routes and tenant isolation', () => {
  let bundle: WorkflowBundle;
  let worker: TestWorker;
  let api: ApiHarness;
  let viewer: string;
  let stranger: string;
  let mediaId: string;
  let pendingUploadId: string;

  async function uploadThroughApi(token: string, bytes: Buffer, fileName: string): Promise<{ mediaId: string; workflowId: string }> {
    const init = (await (await api.call('/v1/uploads', { token, json: { fileName, sizeBytes: bytes.length, contentType: 'video/mp4' } })).json()) as { uploadId: string; upload: { url: string } };
    // The uploader's PUT names its own content type; a hostile one says text/html.
    const put = await fetch(init.upload.url, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'text/html' } });
    if (!put.ok) throw new Error(`the upload PUT answered ${put.status}`);
    return (await (await api.call(`/v1/uploads/${init.uploadId}/complete`, { token, method: 'POST' })).json()) as { mediaId: string; workflowId: string };
  }

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    worker = await startTestWorker(bundle);
    api = await startApiHarness({ temporal: worker.client, taskQueue: worker.taskQueue });
    const clip = await readFile(await makeVideoClip(await mkdtemp(join(tmpdir(), 'reelscope-api-media-'))));
    const uploader = await api.token('initech', ['uploader']);
    viewer = await api.token('initech', ['viewer']);
    stranger = await api.token('hooli', ['viewer', 'uploader', 'reviewer']);
    const media = await uploadThroughApi(uploader, clip, 'walkthrough.mp4');
    await worker.client.workflow.getHandle(media.workflowId).result();
    mediaId = media.mediaId;
    const pending = (await (await api.call('/v1/uploads', { token: uploader, json: { fileName: 'pending.mp4', sizeBytes: 10, contentType: 'video/mp4' } })).json()) as { uploadId: string };
    pendingUploadId = pending.uploadId;
  });
  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
  });

  it('shows the completed media in its detail, with outcomes and the report verdict', async () => {
    // Act
    const response = await api.call(`/v1/media/${mediaId}`, { token: viewer });
    const detail = (await response.json()) as Record<string, unknown>;

    // Assert
    expect(response.status).toBe(200);
    expect(detail).toMatchObject({ mediaId, status: 'COMPLETED', fileName: expect.stringMatching(/-walkthrough\.mp4$/), report: { verdict: expect.any(String) } });
    expect(detail['outcomes']).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'thumbnails', status: 'succeeded' })]));
    expect(detail).not.toHaveProperty('progress');
  });

  it('lists the tenant media, filtered by status, a page at a time', async () => {
    // Act
    const all = (await (await api.call('/v1/media?limit=1', { token: viewer })).json()) as { items: { mediaId: string }[]; nextCursor?: string };
    const completed = (await (await api.call('/v1/media?status=COMPLETED', { token: viewer })).json()) as { items: { mediaId: string }[] };
    const failed = (await (await api.call('/v1/media?status=FAILED', { token: viewer })).json()) as { items: unknown[] };
    const next = all.nextCursor ? ((await (await api.call(`/v1/media?limit=1&cursor=${all.nextCursor}`, { token: viewer })).json()) as { items: unknown[] }) : { items: [] };

    // Assert
    expect(all.items.map((i) => i.mediaId)).toEqual([mediaId]);
    expect(completed.items.map((i) => i.mediaId)).toEqual([mediaId]);
    expect(failed.items).toEqual([]);
    // One media only: a page after the first (when the store offers one) holds nothing more.
    expect(next.items).toEqual([]);
  });

  it('refuses a cursor that names another tenant, and one that is not a cursor', async () => {
    // Arrange
    const forged = Buffer.from(JSON.stringify({ tenant: 'hooli', mediaId: 'x', updatedAt: 'y' })).toString('base64url');

    // Act
    const forgedResponse = await api.call(`/v1/media?cursor=${forged}`, { token: viewer });
    const garbage = await api.call('/v1/media?cursor=not-json', { token: viewer });

    // Assert
    expect(forgedResponse.status).toBe(400);
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ type: 'urn:reelscope:problem:invalid-cursor' });
  });

  it('serves the report as JSON and as HTML under a policy that runs no script', async () => {
    // Act
    const json = await api.call(`/v1/media/${mediaId}/report`, { token: viewer });
    const html = await api.call(`/v1/media/${mediaId}/report.html`, { token: viewer });

    // Assert
    expect(json.status).toBe(200);
    expect(await json.json()).toHaveProperty('summary');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await html.text()).toMatch(/^<!doctype html>/i);
  });

  it('links the artefacts with short-lived presigned URLs that work', async () => {
    // Act
    const response = await api.call(`/v1/media/${mediaId}/artefacts`, { token: viewer });
    const body = (await response.json()) as { expiresInSeconds: number; artefacts: { name: string; url: string }[] };
    const poster = body.artefacts.find((a) => a.name === 'thumbnails/poster');
    const fetched = await fetch(poster?.url ?? '');

    // Assert
    expect(response.status).toBe(200);
    expect(body.expiresInSeconds).toBeLessThanOrEqual(300);
    expect(body.artefacts.map((a) => a.name)).toEqual(expect.arrayContaining(['transcript', 'spine', 'report.json', 'report.html', 'thumbnails/poster']));
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/jpeg');
  });

  it('offers the EDL and CSV exports report.json names, as text/plain and text/csv downloads', async () => {
    // Act
    const report = (await (await api.call(`/v1/media/${mediaId}/report`, { token: viewer })).json()) as Report;
    const { artefacts } = (await (await api.call(`/v1/media/${mediaId}/artefacts`, { token: viewer })).json()) as { artefacts: { name: string; url: string }[] };
    const link = (name: string) => artefacts.find((a) => a.name === name)?.url ?? '';
    const [edl, csv] = await Promise.all([fetch(link('exports/shots.edl')), fetch(link('exports/chapters.csv'))]);

    // Assert
    expect(report.exports?.files.map((f) => f.name)).toEqual(['shots.edl', 'chapters.edl', 'shots.csv', 'chapters.csv']);
    expect(artefacts.map((a) => a.name)).toEqual(expect.arrayContaining(['exports/shots.edl', 'exports/chapters.edl', 'exports/shots.csv', 'exports/chapters.csv']));
    expect(edl.headers.get('content-type')).toBe('text/plain; charset=us-ascii');
    expect(edl.headers.get('content-disposition')).toBe('attachment');
    expect(await edl.text()).toMatch(/^TITLE: .+\r\nFCM: NON-DROP FRAME\r\n\r\n001 {2}\S{1,8} +B +C {8}00:00:00:00 \d{2}:\d{2}:\d{2}:\d{2} 01:00:00:00 /);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect((await csv.text()).split('\r\n')[0]).toBe('chapter,title,start_seconds,end_seconds,start_timecode,end_timecode,iab_category_id,iab_category,category_source,summary');
  });

  it('serves every link as what reelscope found it to be, never as the uploader declared it', async () => {
    // Arrange: the upload above was PUT, and is stored, as text/html.
    const source = (await new MediaRecords(api.clients.doc, api.config.tables).get(mediaId))?.['source'] as { bucket: string; key: string };
    const stored = await api.clients.s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }));
    expect(stored.ContentType).toBe('text/html');
    const { artefacts } = (await (await api.call(`/v1/media/${mediaId}/artefacts`, { token: viewer })).json()) as { artefacts: { name: string; url: string }[] };
    const link = (name: string) => artefacts.find((a) => a.name === name)?.url ?? '';

    // Act
    const [media, reportHtml, spine] = await Promise.all([fetch(link('source')), fetch(link('report.html')), fetch(link('spine'))]);

    // Assert
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('video/mp4');
    expect(reportHtml.headers.get('content-disposition')).toBe('attachment');
    expect(spine.headers.get('content-type')).toBe('application/json');
  });

  it("walks every route with another tenant's token: 404 everywhere, an empty list", async () => {
    // Arrange: every operation of the served document, with this tenant's ids filled in.
    const doc = (await (await api.call('/openapi.json', {})).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })));
    // A person id of the right form: whoever it names, it is never the stranger's.
    const concrete = (path: string) => path.replace('{mediaId}', mediaId).replace('{uploadId}', pendingUploadId).replace('{personId}', randomUUID());

    // Act
    const answers = await Promise.all(
      operations.map(async ({ method, path }) => {
        // Valid bodies, so each answer is the tenant check's and not the schema's.
        const json = path.endsWith('/review') ? { decision: 'approve' } : method === 'POST' ? {} : undefined;
        const response = await api.call(concrete(path), { token: stranger, method, ...(json ? { json } : {}) });
        return { method, path, status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );

    // Assert
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const answer of answers) {
      // Lists are of the caller's own tenant: the stranger's media and known people, none.
      if (answer.method === 'GET' && ['/v1/media', '/v1/people'].includes(answer.path)) expect(answer).toMatchObject({ status: 200, body: { items: [] } });
      // Init and enrolment write only into the caller's own tenant: the empty body is refused by its schema.
      else if (answer.method === 'POST' && ['/v1/uploads', '/v1/people'].includes(answer.path)) expect({ ...answer, body: undefined }).toEqual({ ...answer, body: undefined, status: 400 });
      else expect({ ...answer, body: answer.body['type'] }).toEqual({ ...answer, status: 404, body: 'urn:reelscope:problem:not-found' });
    }
  });

  it('refuses a review by a caller without the reviewer role 403, and one naming its own reviewer 400', async () => {
    // Arrange
    const reviewer = await api.token('initech', ['reviewer']);

    // Act
    const byViewer = await api.call(`/v1/media/${mediaId}/review`, { token: viewer, json: { decision: 'approve' } });
    const naming = await api.call(`/v1/media/${mediaId}/review`, { token: reviewer, json: { decision: 'approve', reviewer: 'someone-else' } });

    // Assert
    expect(byViewer.status).toBe(403);
    expect(naming.status).toBe(400);
  });

  it('answers a review of a media that is not awaiting one 409, and a rejection without a reason 422', async () => {
    // Arrange
    const reviewer = await api.token('initech', ['reviewer']);

    // Act
    const approve = await api.call(`/v1/media/${mediaId}/review`, { token: reviewer, json: { decision: 'approve' } });
    const reject = await api.call(`/v1/media/${mediaId}/review`, { token: reviewer, json: { decision: 'reject' } });

    // Assert
    expect(approve.status).toBe(409);
    expect(await approve.json()).toMatchObject({ type: 'urn:reelscope:problem:not-awaiting-review' });
    expect(reject.status).toBe(422);
    expect(await reject.json()).toMatchObject({ type: 'urn:reelscope:problem:invalid-review', detail: expect.stringContaining('a rejection needs a reason') });
  });

  it('answers cancel of a finished media 409', async () => {
    // Arrange
    const uploader = await api.token('initech', ['uploader']);

    // Act
    const response = await api.call(`/v1/media/${mediaId}/cancel`, { token: uploader, method: 'POST' });

    // Assert
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:not-running' });
  });

  // Near the end: it starts a new run of the media the other tests read.
  it('re-writes the report only, keeping the earlier report among the artefacts, and refuses unknown analyses', async () => {
    // Arrange
    const uploader = await api.token('initech', ['uploader']);
    const before = (await (await api.call(`/v1/media/${mediaId}`, { token: viewer })).json()) as { outcomes: { kind: string; runId?: string }[] };
    const { runId: firstRunId } = await worker.client.workflow.getHandle(`media-${mediaId}`).describe();

    // Act
    const unknown = await api.call(`/v1/media/${mediaId}/rerun`, { token: uploader, json: { analyses: ['lipreading'] } });
    const viewerTry = await api.call(`/v1/media/${mediaId}/rerun`, { token: viewer, json: { reportOnly: true } });
    const started = await api.call(`/v1/media/${mediaId}/rerun`, { token: uploader, json: { reportOnly: true } });
    const run = (await started.json()) as { workflowId: string; runId: string; analyses: string[] };
    await worker.client.workflow.getHandle(run.workflowId, run.runId).result();
    const detail = (await (await api.call(`/v1/media/${mediaId}`, { token: viewer })).json()) as Record<string, unknown> & { outcomes: { kind: string; runId?: string }[] };
    const { artefacts } = (await (await api.call(`/v1/media/${mediaId}/artefacts`, { token: viewer })).json()) as { artefacts: { name: string; url: string }[] };

    // Assert
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ type: 'urn:reelscope:problem:invalid-rerun', detail: expect.stringContaining('no such analysis: lipreading') });
    expect(viewerTry.status).toBe(403);
    expect(started.status).toBe(202);
    expect(run).toMatchObject({ workflowId: `media-${mediaId}`, analyses: [] });
    expect(detail).toMatchObject({ status: 'COMPLETED', rerunOf: { runId: firstRunId, analyses: [] }, previousReports: [expect.objectContaining({ runId: firstRunId })] });
    // Every output is the first run's: a report-only run analyses nothing.
    expect(detail.outcomes.filter((o) => o.runId !== undefined).map((o) => o.runId)).toEqual(before.outcomes.filter((o) => o.runId !== undefined).map(() => firstRunId));
    const previous = artefacts.find((a) => a.name === `previous/${firstRunId}/report.json`);
    expect(previous).toBeDefined();
    expect(((await (await fetch(previous!.url)).json()) as { summary: string }).summary.length).toBeGreaterThan(0);
  });

  // Last: it starts a new run of the media the other tests read.
  it('retries a completed media only with force, as a new run of the same workflow', async () => {
    // Arrange
    const uploader = await api.token('initech', ['uploader']);

    // Act
    const plain = await api.call(`/v1/media/${mediaId}/retry`, { token: uploader, method: 'POST' });
    const forced = await api.call(`/v1/media/${mediaId}/retry`, { token: uploader, json: { force: true } });
    const run = (await forced.json()) as { workflowId: string; runId: string };

    // Assert
    expect(plain.status).toBe(409);
    expect(await plain.json()).toMatchObject({ type: 'urn:reelscope:problem:not-retryable', detail: expect.stringContaining('"force": true') });
    expect(forced.status).toBe(202);
    expect(run.workflowId).toBe(`media-${mediaId}`);
    await worker.client.workflow.getHandle(run.workflowId, run.runId).result();
  });
});
