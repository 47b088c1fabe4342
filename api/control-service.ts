import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Caller } from '../auth/caller';
import type { ReviewDecision } from '../common/review';
import { TENANT } from '../common/search-attributes';
import { cancelMedia, NotCancellableError } from '../operations/cancel-media';
import { NotRetryableError, retryMedia } from '../operations/retry-media';
import { InvalidRerunError, rerunMedia } from '../operations/rerun-media';
import type { MediaRecords } from '../storage/media-records';
import { InvalidReviewError, reviewMedia, ReviewRefusedError } from '../operations/review-media';
import { workflowIdFor } from '../intake/media-identity';
import type { MediaService } from './media-service';
import { ProblemError } from './problem';

/**
 * Review, retry and cancel through the operations the CLI uses, each after the media is found
 * in the caller's tenant (so another tenant's media is 404 here too).
 */
export class ControlService {
  constructor(private readonly deps: { media: MediaService; temporal: Client; records: MediaRecords; defaultTaskQueue: string }) {}

  /** The reviewer is the token's subject: the body cannot name anyone. */
  async review(caller: Caller, mediaId: string, decision: { decision: 'approve' | 'reject'; reason?: string }): Promise<ReviewDecision> {
    await this.deps.media.record(caller, mediaId);
    try {
      return await reviewMedia(this.deps.temporal, mediaId, { ...decision, reviewer: caller.subject });
    } catch (err) {
      if (err instanceof InvalidReviewError) throw new ProblemError(422, 'invalid-review', 'Invalid review', err.message, { cause: err });
      // An update to a closed run is answered "not found" by the server: the record exists, so it is over.
      if (err instanceof ReviewRefusedError || err instanceof WorkflowNotFoundError) throw new ProblemError(409, 'not-awaiting-review', 'Not awaiting review', `media ${mediaId} is not awaiting review`, { cause: err });
      throw mapped(err);
    }
  }

  async retry(caller: Caller, mediaId: string, force: boolean): Promise<{ workflowId: string; runId?: string }> {
    await this.deps.media.record(caller, mediaId);
    try {
      const outcome = await retryMedia(this.deps.temporal, mediaId, { force, defaultTaskQueue: this.deps.defaultTaskQueue });
      return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}) };
    } catch (err) {
      if (err instanceof NotRetryableError) {
        const detail = err.status === 'RUNNING' ? `media ${mediaId} is still running` : `media ${mediaId} ended ${err.status}; send {"force": true} to analyse it again`;
        throw new ProblemError(409, 'not-retryable', 'Not retryable', detail, { cause: err });
      }
      throw mapped(err);
    }
  }

  async rerun(caller: Caller, mediaId: string, request: { analyses: string[]; reportOnly: boolean }): Promise<{ workflowId: string; runId?: string; analyses: string[] }> {
    await this.deps.media.record(caller, mediaId);
    try {
      const outcome = await rerunMedia(this.deps.temporal, this.deps.records, mediaId, { ...request, defaultTaskQueue: this.deps.defaultTaskQueue });
      return { workflowId: outcome.workflowId, ...(outcome.runId ? { runId: outcome.runId } : {}), analyses: outcome.analyses };
    } catch (err) {
      if (err instanceof InvalidRerunError) throw new ProblemError(422, 'invalid-rerun', 'Invalid re-run', err.message, { cause: err });
      if (err instanceof NotRetryableError) throw new ProblemError(409, 'not-rerunnable', 'Not re-runnable', err.message, { cause: err });
      throw mapped(err);
    }
  }

  async cancel(caller: Caller, mediaId: string): Promise<{ workflowId: string; runId: string }> {
    await this.ownMediaOrQueuedRun(caller, mediaId);
    try {
      return await cancelMedia(this.deps.temporal, mediaId);
    } catch (err) {
      if (err instanceof NotCancellableError) throw new ProblemError(409, 'not-running', 'Not running', err.message, { cause: err });
      throw mapped(err);
    }
  }

  /**
   * The caller's media by its record or, while no worker has yet run a started workflow (a
   * queue with no worker up, a backlog), by the Tenant the starter gave that workflow: the
   * record is written by the run itself, and a queued media is the one most worth cancelling.
   * Another tenant's media stays 404 either way.
   */
  private async ownMediaOrQueuedRun(caller: Caller, mediaId: string): Promise<void> {
    try {
      await this.deps.media.record(caller, mediaId);
    } catch (err) {
      if (!(err instanceof ProblemError) || err.status !== 404) throw err;
      if ((await this.workflowTenant(mediaId)) !== caller.tenant) throw err;
    }
  }

  private async workflowTenant(mediaId: string): Promise<string | undefined> {
    try {
      const description = await this.deps.temporal.workflow.getHandle(workflowIdFor(mediaId)).describe();
      return description.typedSearchAttributes.get(TENANT);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
}

/** A record with no workflow behind it (history deleted by retention) is answered as absent. */
function mapped(err: unknown): unknown {
  return err instanceof WorkflowNotFoundError ? new ProblemError(404, 'not-found', 'Not found', 'no media with this id', { cause: err }) : err;
}
