import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { AnalyzeMediaResult } from '../../common/types';
import { loadIntakeConfig } from '../../intake/config';
import { handleS3Event } from '../../starter/handle-s3-event';
import { mediaIdFor, workflowIdFor } from '../../intake/media-identity';
import { objectCreatedEvent } from '../../starter/object-created-event';
import type { StarterLog } from '../../starter/starter-log';
import { MediaRecords } from '../../storage/media-records';
import { UploadUrls } from '../../storage/upload-urls';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const MIB = 1024 * 1024;
const silent: StarterLog = { info() {}, warn() {}, error() {}, withCorrelationId: () => silent };

interface UploadSessionBody {
  uploadId: string;
  key: string;
  upload: { method: 'PUT'; url: string } | { method: 'MULTIPART'; partBytes: number; parts: { partNumber: number; url: string }[] };
}

/**
 * Upload init -> presigned PUT or parts -> complete -> analysis, against the suite's dev
 * server, s3rver and dynalite, with a real worker on its own task queue.
 */
describe('API uploads', () => {
  let bundle: WorkflowBundle;
  let worker: TestWorker;
  let api: ApiHarness;
  let clip: Buffer;
  let uploader: string;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    worker = await startTestWorker(bundle);
    // Multipart from 5 MiB, S3's smallest part, so a test file of a few MiB takes two parts.
    api = await startApiHarness({ temporal: worker.client, taskQueue: worker.taskQueue, env: { REELSCOPE_MULTIPART_THRESHOLD_BYTES: String(5 * MIB), REELSCOPE_MULTIPART_PART_BYTES: String(5 * MIB) } });
    clip = await readFile(await makeVideoClip(await mkdtemp(join(tmpdir(), 'reelscope-api-'))));
    uploader = await api.token('acme', ['uploader']);
  });
  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
  });

  async function init(declared: { fileName: string; sizeBytes: number; contentType: string }, token = uploader): Promise<Response> {
    return api.call('/v1/uploads', { token, json: declared });
  }

  async function openSession(declared: { fileName: string; sizeBytes: number; contentType: string }): Promise<UploadSessionBody> {
    const response = await init(declared);
    expect(response.status).toBe(201);
    return (await response.json()) as UploadSessionBody;
  }

  /** PUTs the whole body to a single-part session's presigned URL, as a browser or client would. */
  function putWhole(session: UploadSessionBody, bytes: Buffer): Promise<Response> {
    if (session.upload.method !== 'PUT') throw new Error(`expected a single PUT, got ${session.upload.method}`);
    return fetch(session.upload.url, { method: 'PUT', body: new Uint8Array(bytes) });
  }

  const complete = (uploadId: string, body?: unknown, token = uploader) => api.call(`/v1/uploads/${uploadId}/complete`, { token, method: 'POST', ...(body ? { json: body } : {}) });

  it('single upload: presigned PUT, complete, one workflow that runs to COMPLETED', async () => {
    // Arrange
    const session = await openSession({ fileName: 'My Clip (final).mp4', sizeBytes: clip.length, contentType: 'video/mp4' });
    expect(session.upload.method).toBe('PUT');
    const put = await putWhole(session, clip);
    expect(put.status).toBe(200);

    // Act
    const response = await complete(session.uploadId);
    const media = (await response.json()) as { mediaId: string; workflowId: string };
    const result = (await worker.client.workflow.getHandle(media.workflowId).result()) as AnalyzeMediaResult;

    // Assert
    expect(response.status).toBe(200);
    expect(session.key).toMatch(/^incoming\/acme\/[0-9a-f-]{36}-My_Clip_final_.mp4$/);
    expect(result.status).toBe('COMPLETED');
    const record = await new MediaRecords(worker.clients.doc, worker.config.tables).get(media.mediaId);
    // Archived after COMPLETED: the record's source is the copy, and it names the upload it came from.
    expect(record).toMatchObject({
      status: 'COMPLETED',
      tenant: 'acme',
      source: { key: session.key.replace(/^incoming\//, 'processed/'), sizeBytes: clip.length },
      archivedFrom: { key: session.key },
    });
  });

  it('a duplicate complete answers with the same media, and the S3 event for the object starts nothing new', async () => {
    // Arrange
    const session = await openSession({ fileName: 'twice.mp4', sizeBytes: clip.length, contentType: 'video/mp4' });
    await putWhole(session, clip);
    const first = (await (await complete(session.uploadId)).json()) as { mediaId: string; workflowId: string };
    const firstRun = (await worker.client.workflow.getHandle(first.workflowId).describe()).runId;
    const head = await new UploadUrls(api.clients.s3, api.clients.s3Presigner).head(api.config.bucket, session.key);

    // Act
    const again = await complete(session.uploadId);
    const event = objectCreatedEvent({ bucket: api.config.bucket, key: session.key, sizeBytes: head!.sizeBytes, ...(head?.etag ? { etag: head.etag } : {}) }, 'us-east-1');
    const handled = await handleS3Event(event, worker.client, { ...loadIntakeConfig(process.env), taskQueue: worker.taskQueue }, silent);

    // Assert
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(handled.started).toHaveLength(1);
    expect(handled.started[0]?.mediaId).toBe(first.mediaId);
    expect(handled.started[0]?.workflowId).toBe(first.workflowId);
    // Still running: the same run was reused; already closed: nothing was started.
    expect(handled.started[0]?.alreadyAnalysed || handled.started[0]?.runId === firstRun).toBe(true);
    await worker.client.workflow.getHandle(first.workflowId).result();
  });

  it('multipart upload: parts PUT to their presigned URLs, complete with their ETags', async () => {
    // Arrange: bytes that are no media: the workflow rejects them; the upload path is what is tested.
    const bytes = Buffer.concat([clip, randomBytes(5 * MIB + 1024 - clip.length)]);
    const session = await openSession({ fileName: 'large.mp4', sizeBytes: bytes.length, contentType: 'video/mp4' });
    if (session.upload.method !== 'MULTIPART') throw new Error('expected a multipart upload');
    const { partBytes, parts } = session.upload;
    const etags = [];
    for (const part of parts) {
      const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(bytes.subarray((part.partNumber - 1) * partBytes, part.partNumber * partBytes)) });
      expect(put.status).toBe(200);
      etags.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
    }

    // Act
    const response = await complete(session.uploadId, { parts: etags });
    const media = (await response.json()) as { mediaId: string; workflowId: string };

    // Assert
    expect(parts).toHaveLength(2);
    expect(response.status).toBe(200);
    expect((await new UploadUrls(api.clients.s3, api.clients.s3Presigner).head(api.config.bucket, session.key))?.sizeBytes).toBe(bytes.length);
    expect(media.workflowId).toBe(`media-${media.mediaId}`);
    await worker.client.workflow.getHandle(media.workflowId).result();
  });

  it('answers a 100 GiB declaration with at most 1,000 parts that add up to it, in a body under 1 MB', async () => {
    // Arrange: the largest standard-tier upload; 16 MiB parts would take 6,400 URLs, over Lambda's 6 MB response.
    const sizeBytes = 100 * 1024 * MIB;

    // Act
    const response = await init({ fileName: 'archive.mp4', sizeBytes, contentType: 'video/mp4' });
    const body = await response.text();
    const session = JSON.parse(body) as UploadSessionBody;

    // Assert
    expect(response.status).toBe(201);
    if (session.upload.method !== 'MULTIPART') throw new Error('expected a multipart upload');
    const { partBytes, parts } = session.upload;
    expect(parts.length).toBeLessThanOrEqual(1000);
    expect(parts.map((part) => part.partNumber)).toEqual(parts.map((_, i) => i + 1));
    expect(partBytes % MIB).toBe(0);
    expect(partBytes * (parts.length - 1)).toBeLessThan(sizeBytes);
    expect(partBytes * parts.length).toBeGreaterThanOrEqual(sizeBytes);
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
  });

  it('refuses a PUT or a part of another size than declared: the URLs sign Content-Length, and complete finds nothing', async () => {
    // Arrange: the local bucket checks SigV4 as S3 does (local/sigv4-check.ts), signed headers included.
    const single = await openSession({ fileName: 'short.mp4', sizeBytes: clip.length + 1, contentType: 'video/mp4' });
    const multi = await openSession({ fileName: 'short-parts.mp4', sizeBytes: 11 * MIB, contentType: 'video/mp4' });
    if (multi.upload.method !== 'MULTIPART') throw new Error('expected a multipart upload');
    const [firstPart] = multi.upload.parts;

    // Act
    const put = await putWhole(single, clip);
    const part = await fetch(firstPart!.url, { method: 'PUT', body: new Uint8Array(randomBytes(multi.upload.partBytes + 1)) });
    const response = await complete(single.uploadId);

    // Assert
    expect(multi.upload.parts).toHaveLength(3);
    expect(put.status).toBe(403);
    expect(part.status).toBe(403);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:upload-missing' });
    expect(await new UploadUrls(api.clients.s3, api.clients.s3Presigner).head(api.config.bucket, single.key)).toBeUndefined();
  });

  it('refuses at complete an object whose size does not match the declaration, and starts nothing', async () => {
    // Arrange: written with the API's own credentials, around the URL, so only complete's check stands.
    const session = await openSession({ fileName: 'short.mp4', sizeBytes: clip.length + 1, contentType: 'video/mp4' });
    await api.clients.s3.send(new PutObjectCommand({ Bucket: api.config.bucket, Key: session.key, Body: clip }));

    // Act
    const response = await complete(session.uploadId);

    // Assert
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:size-mismatch', detail: `declared ${clip.length + 1} bytes, stored ${clip.length}` });
    const head = await new UploadUrls(api.clients.s3, api.clients.s3Presigner).head(api.config.bucket, session.key);
    const mediaId = mediaIdFor({ bucket: api.config.bucket, key: session.key, ...(head?.etag ? { etag: head.etag } : {}) });
    await expect(worker.client.workflow.getHandle(workflowIdFor(mediaId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses a complete before anything was uploaded', async () => {
    // Arrange
    const session = await openSession({ fileName: 'never.mp4', sizeBytes: 100, contentType: 'video/mp4' });

    // Act
    const response = await complete(session.uploadId);

    // Assert
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:upload-missing' });
  });

  it.each([
    ['a content type of no accepted kind', { fileName: 'notes.mp4', contentType: 'text/plain' }, 415, 'unsupported-media-type'],
    ['an accepted type with an ending the starter ignores', { fileName: 'clip.exe', contentType: 'video/mp4' }, 422, 'upload-refused'],
    ['a kind the worker does not accept (audio, with video only)', { fileName: 'talk.mp3', contentType: 'audio/mpeg' }, 415, 'unsupported-media-type'],
  ])('refuses at init %s, before signing anything', async (_what, declared, status, slug) => {
    // Act
    const response = await init({ sizeBytes: 1000, ...declared });

    // Assert
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ type: `urn:reelscope:problem:${slug}` });
  });

  it("refuses at init a size over the tenant tier's limit", async () => {
    // Act
    const response = await init({ fileName: 'huge.mp4', sizeBytes: 200 * 1024 * MIB, contentType: 'video/mp4' });

    // Assert
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:upload-too-large' });
  });

  it('refuses an expired session, though dynalite still holds it', async () => {
    // Arrange
    const session = await openSession({ fileName: 'late.mp4', sizeBytes: clip.length, contentType: 'video/mp4' });
    await putWhole(session, clip);
    api.advanceClock(api.config.uploads.sessionSeconds + 1);

    try {
      // Act
      const response = await complete(session.uploadId);

      // Assert
      expect(response.status).toBe(410);
      expect(await response.json()).toMatchObject({ type: 'urn:reelscope:problem:upload-session-expired' });
    } finally {
      api.advanceClock(-(api.config.uploads.sessionSeconds + 1));
    }
  });

  it("answers another tenant's session 404, not 403", async () => {
    // Arrange
    const session = await openSession({ fileName: 'mine.mp4', sizeBytes: clip.length, contentType: 'video/mp4' });
    const other = await api.token('globex', ['uploader']);

    // Act
    const response = await complete(session.uploadId, undefined, other);

    // Assert
    expect(response.status).toBe(404);
  });
});
