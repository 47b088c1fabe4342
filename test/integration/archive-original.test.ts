import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { WorkflowBundle } from '@temporalio/worker';
import type { ArchiveNote } from '../../activities/record-status';
import { createListLibraryPageActivity } from '../../activities/list-library-page';
import { MediaService } from '../../api/media-service';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { ANALYSIS_KINDS, type AnalysisKind, type AnalyzeMediaInput, type AnalyzeMediaResult } from '../../common/types';
import { loadIntakeConfig } from '../../intake/config';
import { startAnalysis } from '../../intake/start-analysis';
import { lastRunInput } from '../../operations/last-run-input';
import { rerunMedia } from '../../operations/rerun-media';
import { retryMedia } from '../../operations/retry-media';
import type { HandledEvent } from '../../starter/handle-s3-event';
import { handleLambdaEvent } from '../../starter/lambda-event';
import type { StarterLog } from '../../starter/starter-log';
import { MediaRecords, type RecordKey, type RunFields, type RunIdentity } from '../../storage/media-records';
import type { MediaStatus } from '../../common/types';
import { ObjectStore, type CopiedObject, type ObjectVersion } from '../../storage/object-store';
import { loadWorkerConfig, type ArchiveSettings } from '../../worker/config';
import { eventFixture } from '../support/event-fixtures';
import { makeVideoClip } from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/** Archiving follows the record, whatever ran: two quick ffmpeg analyses keep each run short. */
const SKIP: AnalysisKind[] = ANALYSIS_KINDS.filter((kind) => kind !== 'shots' && kind !== 'thumbnails');
const ARCHIVING: ArchiveSettings = { enabled: true, intakePrefix: 'incoming/', archivePrefix: 'processed/' };
const silent: StarterLog = { info() {}, warn() {}, error() {}, withCorrelationId: () => silent };

/** A real fault: the uploaded object is gone by the time S3 is asked to copy it. */
class SourceRemovedBeforeCopy extends ObjectStore {
  override async copyObject(from: ObjectVersion, to: { bucket: string; key: string }, options?: Parameters<ObjectStore['copyObject']>[2]): Promise<CopiedObject> {
    await this.deleteObject(from.bucket, from.key, from.versionId);
    return super.copyObject(from, to, options);
  }
}

/** A store that refuses the COMPLETED write as DynamoDB refuses a denied one: the run fails at persist, recorded. */
class CompletedWriteRefused extends MediaRecords {
  override async update(key: RecordKey, run: RunIdentity, status: MediaStatus, fields?: RunFields): Promise<boolean> {
    if (status === 'COMPLETED') throw Object.assign(new Error('not authorized to write the record'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    return super.update(key, run, status, fields);
  }
}

/**
 * After COMPLETED the original moves from incoming/ to processed/ on the local stack (real dev
 * server, s3rver, dynalite): what reads the source later finds the copy, a copy that fails
 * leaves the media where it was and says why, and the switch off leaves everything as it was.
 */
describe('archiving the original after COMPLETED', () => {
  let bundle: WorkflowBundle;
  let archiving: TestWorker;
  let clip: string;
  let records: MediaRecords;
  let store: ObjectStore;
  // A tenant of its own: the backfill check lists its whole incoming/ folder.
  const tenant = `archive-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    archiving = await startTestWorker(bundle, {}, (deps) => ({ ...deps, archive: ARCHIVING }));
    clip = await makeVideoClip(await mkdtemp(join(tmpdir(), 'reelscope-archive-')), { seconds: 3 });
    records = new MediaRecords(archiving.clients.doc, archiving.config.tables);
    store = new ObjectStore(archiving.clients.s3, archiving.config.bucket);
  });
  afterAll(() => archiving?.stop());

  async function upload(worker: TestWorker, name?: string): Promise<AnalyzeMediaInput> {
    return { ...(await worker.upload(clip, { tenant, ...(name ? { name } : {}) })), skip: SKIP };
  }

  async function analyse(worker: TestWorker, input: AnalyzeMediaInput): Promise<AnalyzeMediaResult> {
    const { workflowId } = await startAnalysis(worker.client, worker.taskQueue, input);
    return (await worker.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
  }

  describe('an archived media', () => {
    let input: AnalyzeMediaInput;
    let result: AnalyzeMediaResult;
    const archivedKey = () => input.source.key.replace(/^incoming\//, 'processed/');

    beforeAll(async () => {
      input = await upload(archiving, 'archived clip.mp4');
      result = await analyse(archiving, input);
    });

    it('is under processed/ with the same bytes, the incoming key is gone, and the record points at the copy', async () => {
      // Arrange
      const uploaded = await readFile(clip);

      // Act
      const copy = await store.getBytes(`s3://${input.source.bucket}/${archivedKey()}`);
      const [original, archivedHead, record] = await Promise.all([store.head(input.source.bucket, input.source.key), store.head(input.source.bucket, archivedKey()), records.get(input.mediaId)]);

      // Assert
      expect(result.status).toBe('COMPLETED');
      expect(copy.equals(uploaded)).toBe(true);
      expect(original).toBeUndefined();
      expect(archivedHead?.sizeBytes).toBe(uploaded.length);
      expect(record).toMatchObject({
        status: 'COMPLETED',
        source: { bucket: input.source.bucket, key: archivedKey(), sizeBytes: uploaded.length, etag: input.source.etag },
        archivedFrom: input.source,
        archive: { status: 'archived' } satisfies ArchiveNote,
      });
    });

    it("serves the archived copy as the API's source link (what the portal plays)", async () => {
      // Arrange
      const api = new MediaService({ records, store, temporal: archiving.client });

      // Act
      const { artefacts } = await api.artefacts({ subject: 'u', name: 'viewer', tenant, roles: ['viewer'] }, input.mediaId);
      const source = artefacts.find((a) => a.name === 'source');
      const served = await fetch(source?.url ?? '');

      // Assert
      expect(new URL(source?.url ?? 'http://none').pathname).toContain('/processed/');
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(await readFile(clip))).toBe(true);
    });

    it('is retried and re-run from the archived copy, which a later run leaves where it is', async () => {
      // Act: what a retry starts with, then a report-only re-run to the end.
      const handle = archiving.client.workflow.getHandle(`media-${input.mediaId}`);
      const retryInput = await lastRunInput(archiving.client, handle);
      const rerun = await rerunMedia(archiving.client, records, input.mediaId, { analyses: [], reportOnly: true, defaultTaskQueue: archiving.taskQueue });
      const rerunResult = (await archiving.client.workflow.getHandle(rerun.workflowId, rerun.runId).result()) as AnalyzeMediaResult;
      const record = await records.get(input.mediaId);

      // Assert: the re-run probed and reported on the copy, and the record keeps where it came from.
      expect(retryInput.input.source).toMatchObject({ bucket: input.source.bucket, key: archivedKey() });
      expect(retryInput.input.mediaId).toBe(input.mediaId);
      expect(rerunResult.status).toBe('COMPLETED');
      expect(record).toMatchObject({ status: 'COMPLETED', runId: rerun.runId, source: { key: archivedKey() }, archivedFrom: input.source, rerunOf: { runId: rerun.previousRunId } });
      expect(await store.head(input.source.bucket, archivedKey())).toBeDefined();
    });

    it('is not analysed again when the same bytes are uploaded to its incoming key: same media id, already analysed', async () => {
      // Arrange: the same bytes at the same key, as a re-upload after the archive.
      await archiving.clients.s3.send(new PutObjectCommand({ Bucket: input.source.bucket, Key: input.source.key, Body: await readFile(clip) }));
      const listLibraryPage = createListLibraryPageActivity({ store, intake: () => loadIntakeConfig({}) });

      // Act: the backfill's listing of the tenant's incoming/ and of processed/.
      const incoming = await listLibraryPage({ bucket: input.source.bucket, prefix: `incoming/${tenant}/`, tenant, pageSize: 100 });
      const processed = await listLibraryPage({ bucket: input.source.bucket, prefix: `processed/${tenant}/`, tenant, pageSize: 100 });
      const starts = await Promise.all(incoming.candidates.map((c) => startAnalysis(archiving.client, archiving.taskQueue, c.input)));

      // Assert
      const reuploaded = incoming.candidates.find((c) => c.input.source.key === input.source.key);
      expect(reuploaded?.input.mediaId).toBe(input.mediaId);
      expect(starts.find((s) => s.mediaId === input.mediaId)).toMatchObject({ alreadyAnalysed: true });
      expect(processed.candidates).toEqual([]);
      expect(processed.refused).toEqual(expect.objectContaining({ [`key is outside the incoming/ prefix`]: expect.any(Number) }));
    });
  });

  it('completes when the copy fails, with the media where it was and the record saying why', async () => {
    // Arrange: a worker whose copy finds the source removed.
    let faultClients: AwsClients | undefined;
    const faulty = await startTestWorker(bundle, {}, (deps) => {
      faultClients = createAwsClients(loadWorkerConfig().aws);
      return { ...deps, archive: ARCHIVING, store: new SourceRemovedBeforeCopy(faultClients.s3, deps.store.resultsBucket) };
    });
    try {
      const input = await upload(faulty);

      // Act
      const result = await analyse(faulty, input);

      // Assert: COMPLETED, nothing under processed/, the record on the upload's key with the reason.
      const record = await records.get(input.mediaId);
      expect(result.status).toBe('COMPLETED');
      expect(await store.head(input.source.bucket, input.source.key.replace(/^incoming\//, 'processed/'))).toBeUndefined();
      expect(record).toMatchObject({ status: 'COMPLETED', source: { key: input.source.key }, archive: { status: 'failed', failureType: 'AwsResourceNotFound' } });
      expect((record?.['archive'] as ArchiveNote).reason).toMatch(/NoSuchKey/);
      expect(record?.['archivedFrom']).toBeUndefined();
    } finally {
      await faulty.stop();
      faultClients?.destroy();
    }
  });

  it('keeps the original when the run stops after the copy, before its COMPLETED record, and archives it on the retry', async () => {
    // Arrange: a worker whose store refuses the COMPLETED write, and after it a healthy one on the same queue.
    let faultClients: AwsClients | undefined;
    const refusing = await startTestWorker(bundle, {}, (deps) => {
      faultClients = createAwsClients(loadWorkerConfig().aws);
      return { ...deps, archive: ARCHIVING, records: new CompletedWriteRefused(faultClients.doc, archiving.config.tables) };
    });
    const input = await upload(refusing);
    const archivedKey = input.source.key.replace(/^incoming\//, 'processed/');
    const { workflowId } = await startAnalysis(refusing.client, refusing.taskQueue, input);
    const failed = await refusing.client.workflow.getHandle(workflowId).result().then(() => undefined, (err: unknown) => err);
    await refusing.stop();
    faultClients?.destroy();

    // Assert: the run failed at persist with the original in place, and the retry would analyse it.
    expect(failed).toBeDefined();
    expect(await records.get(input.mediaId)).toMatchObject({ status: 'FAILED', source: { key: input.source.key }, reason: { step: 'persist', type: 'AwsAccessDenied' } });
    expect(await store.head(input.source.bucket, input.source.key)).toMatchObject({ sizeBytes: input.source.sizeBytes });
    expect((await lastRunInput(archiving.client, archiving.client.workflow.getHandle(workflowId))).input.source).toEqual(input.source);

    // Act: the retry, on a healthy worker polling the queue the run started on.
    const healthy = await startTestWorker(bundle, {}, (deps) => ({ ...deps, archive: ARCHIVING }), { REELSCOPE_TASK_QUEUE: refusing.taskQueue });
    try {
      const retried = await retryMedia(healthy.client, input.mediaId, { force: false, defaultTaskQueue: healthy.taskQueue });
      const result = (await healthy.client.workflow.getHandle(workflowId, retried.runId).result()) as AnalyzeMediaResult;

      // Assert
      expect(result.status).toBe('COMPLETED');
      expect(await store.head(input.source.bucket, input.source.key)).toBeUndefined();
      expect((await store.getBytes(`s3://${input.source.bucket}/${archivedKey}`)).equals(await readFile(clip))).toBe(true);
      expect(await records.get(input.mediaId)).toMatchObject({ status: 'COMPLETED', runId: retried.runId, source: { key: archivedKey }, archivedFrom: input.source });
    } finally {
      await healthy.stop();
    }
  });

  it('keeps the original where it was uploaded with the switch off', async () => {
    // Arrange
    const off = await startTestWorker(bundle, {}, (deps) => ({ ...deps, archive: { ...ARCHIVING, enabled: false } }));
    try {
      const input = await upload(off);

      // Act
      const result = await analyse(off, input);

      // Assert
      const record = await records.get(input.mediaId);
      expect(result.status).toBe('COMPLETED');
      expect(await store.head(input.source.bucket, input.source.key)).toMatchObject({ sizeBytes: input.source.sizeBytes });
      expect(await store.head(input.source.bucket, input.source.key.replace(/^incoming\//, 'processed/'))).toBeUndefined();
      expect(record).toMatchObject({ status: 'COMPLETED', source: input.source });
      expect(record).not.toHaveProperty('archive');
      expect(record).not.toHaveProperty('archivedFrom');
    } finally {
      await off.stop();
    }
  });

  it('starts no analysis for the copy S3 announces under processed/', async () => {
    // Arrange: the EventBridge event of the archive's CopyObject.
    type ObjectCreated = { detail: { object: { key: string }; reason: string } };
    const event = eventFixture<ObjectCreated>('eventbridge-object-created.json');
    const key = `processed/${tenant}/copied-${randomUUID().slice(0, 8)}.mp4`;
    event.detail.object.key = key;
    event.detail.reason = 'CopyObject';
    const config = loadIntakeConfig({ REELSCOPE_TASK_QUEUE: `archive-starter-${randomUUID()}` });

    // Act
    const handled = (await handleLambdaEvent(event, archiving.client, config, silent)) as HandledEvent;

    // Assert
    expect(handled.started).toEqual([]);
    expect(handled.filtered).toEqual([{ key, reason: 'key is outside the incoming/ prefix' }]);
  });
});
