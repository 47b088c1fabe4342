import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { MediaRecords } from '../../storage/media-records';
import type { ReviewPolicy } from '../../common/review';
import { STAGE } from '../../common/search-attributes';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../intake/start-analysis';
import type { analyzeMedia } from '../../workflows/analyze-media';
import { progressQuery, reviewUpdate } from '../../workflows/messages';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

const POLICY: ReviewPolicy = { threshold: 0.5, deadlineSeconds: 3600, onDeadline: 'reject' };

/**
 * Flagged media wait for a reviewer. The fake Rekognition's moderation labels are all at or
 * above 50% confidence, and the worker flags from 50%, so every upload here is flagged.
 */
describe('human review of flagged media (aws backend against the fake AWS)', () => {
  let fake: FakeAws;
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let clip: string;
  let records: MediaRecords;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    fake.config.mediaDurationSeconds = () => 21;
    bundle = await bundleWorkflows();
    harness = await startTestWorker(
      bundle,
      {},
      (d) => d,
      awsBackendEnv(fake, { REELSCOPE_MODERATION_THRESHOLD: '0.5', REELSCOPE_MAX_CONCURRENT_ACTIVITIES: '20' }),
    );
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-review-')), 'sample.mp4'));
    records = new MediaRecords(harness.clients.doc, harness.config.tables);
  });
  afterAll(async () => {
    await harness?.stop();
    await fake?.close();
  });

  async function startFlagged(name: string, policy: ReviewPolicy = POLICY): Promise<{ handle: WorkflowHandle<typeof analyzeMedia>; mediaId: string }> {
    const input = await harness.upload(clip, { name });
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, { ...input, review: policy });
    return { handle: harness.client.workflow.getHandle<typeof analyzeMedia>(workflowId), mediaId: input.mediaId };
  }

  async function untilAwaitingReview(handle: WorkflowHandle): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if ((await handle.query(progressQuery)).status === 'AWAITING_REVIEW') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the workflow never reached AWAITING_REVIEW');
  }

  it('waits in AWAITING_REVIEW with the report on the record, then completes with the approval', async () => {
    // Arrange
    const { handle, mediaId } = await startFlagged('approve.mp4');
    const early = handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', reviewer: 'ana' }] });
    await expect(early).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(early).rejects.toMatchObject({ cause: { message: 'this media is not awaiting review' } });
    await untilAwaitingReview(handle);
    const waiting = await records.get(mediaId);
    expect(waiting).toMatchObject({ status: 'AWAITING_REVIEW', flagged: true, report: { verdict: 'flagged' }, reviewDue: expect.any(String) });
    expect((await handle.describe()).typedSearchAttributes.get(STAGE)).toBe('AWAITING_REVIEW');

    // Act
    const decision = await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', reviewer: 'ana', reason: 'news footage' }] });
    const result = await handle.result();

    // Assert
    expect(decision).toMatchObject({ decision: 'approve', reviewer: 'ana', reason: 'news footage', decidedBy: 'reviewer' });
    expect(result).toMatchObject({ status: 'COMPLETED', review: decision });
    expect(await records.get(mediaId)).toMatchObject({ status: 'COMPLETED', review: decision });
  });

  it('validates the update: a rejection needs a reason, a reviewer is required', async () => {
    // Arrange
    const { handle, mediaId } = await startFlagged('reject.mp4');
    await untilAwaitingReview(handle);

    // Act
    const noReason = handle.executeUpdate(reviewUpdate, { args: [{ decision: 'reject', reviewer: 'ben' }] });
    const noReviewer = handle.executeUpdate(reviewUpdate, { args: [{ decision: 'approve', reviewer: ' ' }] });
    await expect(noReason).rejects.toMatchObject({ cause: { message: expect.stringMatching(/a rejection needs a reason/) } });
    await expect(noReviewer).rejects.toMatchObject({ cause: { message: expect.stringMatching(/reviewer is required/) } });
    const decision = await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'reject', reviewer: 'ben', reason: 'graphic violence' }] });
    const result = await handle.result();

    // Assert
    expect(result.review).toMatchObject({ decision: 'reject', reviewer: 'ben', reason: 'graphic violence', decidedBy: 'reviewer' });
    expect(await records.get(mediaId)).toMatchObject({ status: 'COMPLETED', review: decision });
    // Rejected updates leave nothing in history; the accepted one is there once.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
  });

  it('records the policy default when the deadline passes without a decision', async () => {
    // Arrange
    const { handle, mediaId } = await startFlagged('deadline.mp4', { ...POLICY, deadlineSeconds: 2, onDeadline: 'reject' });

    // Act
    const result = await handle.result();

    // Assert
    expect(result.review).toMatchObject({ decision: 'reject', decidedBy: 'deadline', reason: expect.stringMatching(/no review within 2 s/) });
    expect(await records.get(mediaId)).toMatchObject({ status: 'COMPLETED', review: { decidedBy: 'deadline' } });
  });

  it('does not wait when the tenant requires no review', async () => {
    const input = await harness.upload(clip, { name: 'no-review.mp4' });
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const result = (await harness.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    expect(result.status).toBe('COMPLETED');
    expect(result.review).toBeUndefined();
  });
});
