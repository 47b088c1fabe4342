import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/**
 * A flagged upload through the API waits for review; the detail shows live progress, and a
 * reviewer decides it with the identity from the token. The fake Rekognition's moderation
 * labels are at or above 50% and the worker flags from 50%, so the upload is flagged.
 */
describe('API review of a flagged upload (aws backend against the fake AWS)', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let worker: TestWorker;
  let api: ApiHarness;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    fake.config.mediaDurationSeconds = () => 21;
    bundle = await bundleWorkflows();
    worker = await startTestWorker(bundle, {}, (d) => d, awsBackendEnv(fake, { REELSCOPE_MODERATION_THRESHOLD: '0.5', REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '20' }));
    api = await startApiHarness({
      temporal: worker.client,
      taskQueue: worker.taskQueue,
      env: { REELSCOPE_REVIEW_TENANTS: 'umbrella', REELSCOPE_REVIEW_THRESHOLD: '0.5', REELSCOPE_REVIEW_DEADLINE_SECONDS: '3600' },
    });
  });
  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await fake?.close();
  });

  it('shows AWAITING_REVIEW with live progress, and records the token subject as reviewer', async () => {
    // Arrange
    const clip = await readFile(await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-api-review-')), 'sample.mp4')));
    const uploader = await api.token('umbrella', ['uploader']);
    const reviewer = await api.token('umbrella', ['reviewer'], 'alice-sub');
    const init = (await (await api.call('/v1/uploads', { token: uploader, json: { fileName: 'flagged.mp4', sizeBytes: clip.length, contentType: 'video/mp4' } })).json()) as { uploadId: string; upload: { url: string } };
    await fetch(init.upload.url, { method: 'PUT', body: new Uint8Array(clip) });
    const media = (await (await api.call(`/v1/uploads/${init.uploadId}/complete`, { token: uploader, method: 'POST' })).json()) as { mediaId: string; workflowId: string };
    let detail: { status?: string; progress?: { status: string; percent: number } } = {};
    // A bounded wait for the workflow to reach the gate, as the human-review test waits.
    for (let i = 0; i < 600 && detail.progress?.status !== 'AWAITING_REVIEW'; i++) {
      detail = (await (await api.call(`/v1/media/${media.mediaId}`, { token: reviewer })).json()) as typeof detail;
      if (detail.progress?.status !== 'AWAITING_REVIEW') await new Promise((r) => setTimeout(r, 100));
    }

    // Act
    const response = await api.call(`/v1/media/${media.mediaId}/review`, { token: reviewer, json: { decision: 'approve', reason: 'satire, fine' } });
    const decision = (await response.json()) as Record<string, unknown>;
    const result = (await worker.client.workflow.getHandle(media.workflowId).result()) as AnalyzeMediaResult;

    // Assert
    expect(detail.progress).toMatchObject({ status: 'AWAITING_REVIEW', percent: expect.any(Number) });
    expect(response.status).toBe(200);
    expect(decision).toMatchObject({ decision: 'approve', reviewer: 'alice-sub', decidedBy: 'reviewer' });
    expect(result.status).toBe('COMPLETED');
    expect(result.review).toMatchObject({ decision: 'approve', reviewer: 'alice-sub', reason: 'satire, fine' });
    // The transcript's subtitles are linked with the rest, and served as subtitles.
    const { artefacts } = (await (await api.call(`/v1/media/${media.mediaId}/artefacts`, { token: reviewer })).json()) as { artefacts: { name: string; url: string }[] };
    const vtt = await fetch(artefacts.find((a) => a.name === 'transcript/subtitles.vtt')?.url ?? 'http://127.0.0.1:9/none');
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await vtt.text()).toMatch(/^WEBVTT/);
    expect(artefacts.map((a) => a.name)).toContain('transcript/subtitles.srt');
  });
});
