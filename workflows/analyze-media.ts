import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ReelscopeActivities } from '../activities/create-activities';
import type { ArchiveCopy } from '../activities/archive-original';
import type { AnalysedRecord, PersistInput } from '../activities/record-status';
import type { ReviewDecision, ReviewPolicy } from '../common/review';
import { analysisActivityName } from '../common/analysis-activities';
import { jobWaitTag } from '../common/job-wait-tag';
import { isRejectionType, STEP_FAILED } from '../common/failure-types';
import { announcementWorkflowId, outcomeEvent, type OutcomeFacts } from '../common/outcome-event';
import { DURATION_SECONDS, FLAGGED, MEDIA_KIND, STAGE } from '../common/search-attributes';
import type {
  AnalysisInput,
  AnalysisKind,
  AnalysisOutcome,
  AnalysisPlan,
  AnalyzeMediaInput,
  JobQuota,
  AnalyzeMediaResult,
  BackendCapabilities,
  BranchState,
  CancellationInfo,
  FailureInfo,
  JobCompletion,
  JobFinishedNotice,
  MediaFacts,
  MediaStatus,
  ReportSummary,
  SpineSummary,
  Stage,
} from '../common/types';
import { announceOutcome } from './announce-outcome';
import { progressQuery } from './messages';
import { planAnalyses } from './plan';
import {
  analysisOptions,
  archiveCopyOptions,
  jobWaitOptions,
  permitOptions,
  playbackProxyOptions,
  persistOptions,
  probeOptions,
  quotaRequestOptions,
  recordOptions,
  reduceAndReportOptions,
  removeOriginalOptions,
} from './policies';
import { ProgressTracker } from './progress-tracker';
import { ReviewGate } from './review-gate';
import { QuotaPermits } from './quota-permits';
import { SharedPermit } from './shared-permit';

const { recordStage } = proxyLocalActivities<ReelscopeActivities>(recordOptions);
const { requestQuotaPermit } = proxyLocalActivities<ReelscopeActivities>(quotaRequestOptions);
const { probeMedia } = proxyActivities<ReelscopeActivities>(probeOptions);
const { persistRecord, recordFailure } = proxyActivities<ReelscopeActivities>(persistOptions);
const { removeArchivedOriginal } = proxyActivities<ReelscopeActivities>({ ...removeOriginalOptions, summary: 'remove the archived original' });

type Step = 'probe' | 'plan' | 'analyse' | 'reduce' | 'report' | 'review' | 'persist';

/**
 * A REJECTED outcome the store would not take is recorded as a failure, like any other
 * outcome; runs that started before this patch let the persist error fail them unrecorded.
 */
const RECORD_UNPERSISTED_REJECTION = 'record-unpersisted-rejection';
/** A stage write the store would not take is logged and the run goes on; before, the run failed. */
const BEST_EFFORT_STAGE_WRITES = 'best-effort-stage-writes';
/** Media no browser plays get an H.264/AAC proxy rendition, made beside the analyses. */
const PLAYBACK_PROXY = 'playback-proxy';
/** Every outcome is announced (event bus, tenant webhook) once recorded; earlier runs ended silently. */
const ANNOUNCE_OUTCOMES = 'announce-outcomes';
/**
 * A cancelled run waits for its analyses to stop, records CANCELLED with the step and what was
 * stopped, and closes cancelled; earlier runs recorded a FAILED with type Cancelled at once.
 */
const RECORD_CANCELLED = 'record-cancelled';
/**
 * After COMPLETED the original moves from the intake prefix to the archive prefix: copied, the
 * record written with the copy as its source, then the original removed. Earlier runs left it.
 */
const ARCHIVE_ORIGINAL = 'archive-original';
/**
 * An analysis whose job notifies its end (the probe's capability says so) waits for the
 * completion relay instead of polling in its activity: a wait, then a read of the finished job.
 * Only runs with such a capability call it, so runs of a polling worker replay unchanged.
 */
const NOTIFIED_JOBS = 'notified-jobs';
/**
 * Fewer orchestration events and actions per media: no RECEIVED or REDUCING record write (the
 * start set the Stage attribute and PROBING follows at once; the report follows reduce within
 * seconds); search attributes upserted together, only at stages that last (ANALYZING with the
 * media's kind and duration; AWAITING_REVIEW or the outcome with the flag) instead of one upsert
 * per stage and fact; one quota permit per media and quota, holding a slot for each of its jobs,
 * instead of one per job; and no asking for the older patches (see `has`).
 */
const LEAN_ORCHESTRATION = 'lean-orchestration';
/** Stages short enough (seconds) that the Web UI's Stage attribute skips them under LEAN_ORCHESTRATION; the outcome or review that follows carries their attributes. */
const TRANSIENT_STAGES: ReadonlySet<MediaStatus> = new Set(['RECEIVED', 'PROBING', 'REDUCING', 'REPORTING']);

type CompletedRecord = Extract<PersistInput, { status: 'COMPLETED' | 'AWAITING_REVIEW' }>;

/** Reports of earlier runs a record keeps readable; older ones stay in the bucket, unnamed. */
const MAX_PREVIOUS_REPORTS = 10;

/**
 * Analyses one uploaded media file: probe, plan, parallel analyses, reduce, report, persist.
 * Bad media ends REJECTED with a reason and no retries; a required step that runs out of
 * retries is recorded (step, type, message) before the workflow fails.
 */
export async function analyzeMedia(input: AnalyzeMediaInput): Promise<AnalyzeMediaResult> {
  const progress = new ProgressTracker(input.mediaId);
  setHandler(progressQuery, () => progress.snapshot());
  const pipeline = new MediaPipeline(input, progress, new QuotaPermits(requestQuotaPermit), new ReviewGate());
  try {
    return await pipeline.run();
  } catch (err) {
    pipeline.stopPlaybackProxy();
    if (isCancellation(err) && pipeline.has(RECORD_CANCELLED)) {
      await pipeline.recordCancelled();
      throw err;
    }
    const failure = pipeline.describeFailure(err);
    if (isRejectionType(failure.type) && !isCancellation(err)) return await rejectOrFail(pipeline, failure);
    return await failRecorded(pipeline, failure, err);
  }
}

/** Ends the run REJECTED; when that record cannot be written, the run fails at persist, recorded. */
async function rejectOrFail(pipeline: MediaPipeline, reason: FailureInfo): Promise<AnalyzeMediaResult> {
  try {
    return await pipeline.reject(reason);
  } catch (err) {
    if (!pipeline.has(RECORD_UNPERSISTED_REJECTION)) throw err;
    return await failRecorded(pipeline, pipeline.describeFailure(err), err);
  }
}

/** Records the failure (which step, why), then fails the workflow with it. */
async function failRecorded(pipeline: MediaPipeline, failure: FailureInfo, err: unknown): Promise<never> {
  await pipeline.recordFailed(failure);
  throw ApplicationFailure.create({
    type: STEP_FAILED,
    message: `${failure.step} failed: ${failure.type}: ${failure.message}`,
    nonRetryable: true,
    cause: err instanceof Error ? err : undefined,
  });
}

class MediaPipeline {
  private step: Step = 'probe';
  private plan?: AnalysisPlan;
  private outcomes: AnalysisOutcome[] = [];
  /** Set once written: a run cancelled while awaiting review was billed for its report too. */
  private report?: ReportSummary;
  /**
   * Orders this run's record writes after those of earlier runs of the same media: this run's
   * own start, not the chain's, so a reset or a retried run is newer than the run it replaces.
   */
  private readonly runStartedAt = workflowInfo().runStartTime.getTime();
  /** The playback proxy's own scope: a run that ends without a record to name it stops the encode. */
  private readonly proxyScope = new CancellationScope();
  /** What the worker's backend can do, from the probe: how each analysis learns its job ended. */
  private capabilities?: BackendCapabilities;
  /** Set once at the start: whether this run writes, upserts and asks for permits the lean way. */
  private lean = false;
  /** Search attributes held for the next upsert (LEAN_ORCHESTRATION). */
  private pendingAttributes: SearchAttributeUpdatePair[] = [];
  /** LEAN_ORCHESTRATION: the one permit per quota that this media's analyses share. */
  private readonly sharedPermits = new Map<JobQuota, SharedPermit>();
  /** Analyses waiting for their job's notification: a cancellation leaves those jobs to finish. */
  private readonly waiting = new Set<AnalysisKind>();

  constructor(
    private readonly input: AnalyzeMediaInput,
    private readonly progress: ProgressTracker,
    private readonly permits: QuotaPermits,
    private readonly reviews: ReviewGate,
  ) {}

  async run(): Promise<AnalyzeMediaResult> {
    const { mediaId, tenant, source, tier } = this.input;
    this.lean = patched(LEAN_ORCHESTRATION);
    if (this.lean) this.moveTo('RECEIVED', 'received');
    else await this.enter('RECEIVED');

    await this.enter('PROBING');
    const probe = await probeMedia({ mediaId, tenant, tier, source });
    const media = probe.media;
    this.capabilities = probe.capabilities;
    this.searchAttributes([
      { key: MEDIA_KIND, value: media.kind },
      { key: DURATION_SECONDS, value: media.durationSeconds },
    ]);

    this.step = 'plan';
    const plan = planAnalyses(media, probe.capabilities, this.input.skip, this.input.rerun);
    this.plan = plan;
    log.info('analyses planned', { mediaId, plan: summarizePlan(plan), ...(this.input.rerun ? { rerunOf: this.input.rerun.fromRunId } : {}) });

    this.step = 'analyse';
    await this.enter('ANALYZING');
    const playback = this.proxyScope.run(() => this.playbackProxy(media, probe.needsPlaybackProxy === true));
    // Awaited after the analyses; a cancellation that ends the run first must not leave it unobserved.
    playback.catch(() => undefined);
    this.outcomes = await this.runAnalyses(plan, media);

    this.step = 'reduce';
    // Reducing takes seconds and the report follows at once: the record goes from ANALYZING to REPORTING.
    if (this.lean) this.moveTo('REDUCING', 'reducing');
    else await this.enter('REDUCING');
    const { reduceSpine, writeReport } = proxyActivities<ReelscopeActivities>(
      reduceAndReportOptions(media.durationSeconds),
    );
    const spine = await reduceSpine({ mediaId, tenant, media, outcomes: this.outcomes });
    this.searchAttributes([{ key: FLAGGED, value: spine.flagged }]);

    this.step = 'report';
    await this.enter('REPORTING');
    const report = await writeReport({ mediaId, tenant, source, media, plan, outcomes: this.outcomes, spine });
    this.report = report;

    const playbackRef = await playback;
    const analysed: AnalysedRecord = {
      mediaId,
      tenant,
      source,
      media,
      plan,
      outcomes: this.outcomes,
      spine,
      report,
      ...(playbackRef ? { playbackRef } : {}),
      ...this.rerunFields(),
    };
    const reviewPolicy = this.reviewPolicyFor(spine);
    const review = reviewPolicy ? await this.awaitReview(reviewPolicy, analysed) : undefined;

    this.step = 'persist';
    const completed: CompletedRecord = { ...analysed, status: 'COMPLETED', runStartedAt: this.runStartedAt, ...(review ? { review } : {}) };
    const persistCompleted = () => (this.has(ARCHIVE_ORIGINAL) ? this.completeAndArchive(completed, media.sizeBytes) : persistRecord(completed));
    // Once everything is done, a cancellation that lands during the final write does not undo
    // it: the write finishes and the run completes, instead of a COMPLETED write racing a CANCELLED one.
    // The archive's copy and removal go with it: a removal cut short would leave both copies.
    await (this.has(RECORD_CANCELLED) ? CancellationScope.nonCancellable(persistCompleted) : persistCompleted());
    this.moveTo('COMPLETED', review ? `${review.decision} by ${review.reviewer}` : `report ready: ${report.verdict}`);
    await this.announce({
      mediaId,
      tenant,
      status: 'COMPLETED',
      verdict: report.verdict,
      headline: report.headline,
      report: { jsonRef: report.jsonRef, htmlRef: report.htmlRef },
      ...(review ? { review: { decision: review.decision, reviewer: review.reviewer, decidedAt: review.decidedAt, decidedBy: review.decidedBy } } : {}),
    });
    return { mediaId, status: 'COMPLETED', report, outcomes: this.outcomes, ...(review ? { review } : {}) };
  }

  /**
   * Records COMPLETED and archives the original around that write, in the one order that loses
   * nothing whenever the run stops: copy, record the copy as the source (the upload's place as
   * `archivedFrom`), remove the original. Archiving is housekeeping, not analysis: a copy or a
   * removal that keeps failing is logged and noted on the record, and the run completes with the
   * media where it is (never lost; at worst in both places).
   */
  private async completeAndArchive(completed: CompletedRecord, sizeBytes: number): Promise<void> {
    const { mediaId, source } = this.input;
    const copy = await this.copyOriginal(sizeBytes);
    if (copy.status === 'kept') return persistRecord(completed);
    if (copy.status === 'failed') return persistRecord({ ...completed, archive: { status: 'failed', failureType: copy.type, reason: copy.message } });
    const archived: CompletedRecord = { ...completed, source: copy.archived, archivedFrom: source, archive: { status: 'archived' } };
    await persistRecord(archived);
    const removal = await this.removeOriginal(copy.archived);
    if (removal.status === 'removed') return;
    try {
      await persistRecord({ ...archived, archive: { status: 'original-kept', reason: removal.reason } });
    } catch (err) {
      // The record is COMPLETED with the copy as its source already; this note only adds why the original is still there.
      log.warn('could not note the kept original on the record', { mediaId, ...failureCause(err) });
    }
  }

  /** The original copied to the archive prefix, left where it is (switched off, not intake), or a failure that leaves it there. */
  private async copyOriginal(sizeBytes: number): Promise<ArchiveCopy | { status: 'failed'; type: string; message: string }> {
    const { mediaId, source } = this.input;
    const { archiveOriginal } = proxyActivities<ReelscopeActivities>({ ...archiveCopyOptions(sizeBytes), summary: `archive the original of ${mediaId}` });
    try {
      return await archiveOriginal({ mediaId, source });
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = failureCause(err);
      log.warn('original not archived; it stays where it was uploaded', { mediaId, ...cause });
      return { status: 'failed', ...cause };
    }
  }

  /** Removes the original once the record names the copy; a removal that fails leaves both, said why. */
  private async removeOriginal(archived: CompletedRecord['source']): Promise<{ status: 'removed' } | { status: 'kept'; reason: string }> {
    const { mediaId, source } = this.input;
    try {
      return await removeArchivedOriginal({ mediaId, original: source, archived });
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = failureCause(err);
      log.warn('archived original not removed; it is in both places', { mediaId, ...cause });
      return { status: 'kept', reason: `not removed: ${cause.type}: ${cause.message}` };
    }
  }

  /**
   * Starts the browser proxy of a media no browser plays as uploaded, beside the analyses.
   * Optional like an analysis: a failed proxy is logged and the media is recorded without one.
   */
  private async playbackProxy(media: MediaFacts, needed: boolean): Promise<string | undefined> {
    // A re-run analyses the same bytes: the earlier run's proxy plays them, so none is encoded again.
    if (this.input.rerun) return this.input.rerun.playbackRef;
    if (!needed || !this.has(PLAYBACK_PROXY)) return undefined;
    const { mediaId, tenant, source } = this.input;
    const { makePlaybackProxy } = proxyActivities<ReelscopeActivities>({ ...playbackProxyOptions(media.durationSeconds), summary: `playback proxy of ${mediaId}` });
    try {
      return (await makePlaybackProxy({ mediaId, tenant, source, media })).ref;
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('playback proxy failed; the media is recorded without one', { mediaId, ...failureCause(err) });
      return undefined;
    }
  }

  /**
   * What a re-run's record says of its history: which run it re-ran and what, and the earlier
   * reports, still readable where their runs wrote them.
   */
  private rerunFields(): Pick<AnalysedRecord, 'rerunOf' | 'previousReports'> {
    const rerun = this.input.rerun;
    if (!rerun) return {};
    return {
      rerunOf: { runId: rerun.fromRunId, analyses: rerun.analyses },
      previousReports: rerun.previousReports.slice(0, MAX_PREVIOUS_REPORTS),
    };
  }

  /** The tenant's review policy when this media's moderation score reaches its threshold. */
  private reviewPolicyFor(spine: SpineSummary): ReviewPolicy | undefined {
    const policy = this.input.review;
    return policy && spine.flagged && spine.maxModerationScore >= policy.threshold ? policy : undefined;
  }

  /** Records the media as awaiting review (with its report) and waits for the decision. */
  private async awaitReview(policy: ReviewPolicy, analysed: AnalysedRecord): Promise<ReviewDecision> {
    this.step = 'review';
    const reviewDue = new Date(Date.now() + policy.deadlineSeconds * 1000).toISOString();
    await persistRecord({ ...analysed, status: 'AWAITING_REVIEW', reviewDue, runStartedAt: this.runStartedAt });
    this.moveTo('AWAITING_REVIEW', `moderation score ${analysed.spine.maxModerationScore} ≥ ${policy.threshold}; default ${policy.onDeadline} at ${reviewDue}`);
    return this.reviews.await(policy);
  }

  /**
   * Runs every planned analysis at once; one that waits for another starts when it is done.
   * A re-run's reused analyses resolve at once with the outcome their run recorded.
   */
  private async runAnalyses(plan: AnalysisPlan, media: MediaFacts): Promise<AnalysisOutcome[]> {
    const { mediaId, tenant, source } = this.input;
    const base: AnalysisInput = { mediaId, tenant, source, media };
    const branches = new Map<AnalysisKind, Promise<AnalysisOutcome>>();
    if (this.lean) this.sharePermits(plan, media);
    for (const planned of plan.analyses) {
      if (planned.decision === 'skip') {
        this.setBranch(planned.kind, 'skipped');
        branches.set(planned.kind, Promise.resolve(skipped(planned.kind, planned.reason)));
      } else if (planned.decision === 'reuse') {
        const outcome = this.reused(planned.kind, planned.fromRunId);
        this.setBranch(planned.kind, outcome.status, outcome.jobId);
        branches.set(planned.kind, Promise.resolve(outcome));
      } else {
        this.setBranch(planned.kind, 'pending');
        const prerequisite = planned.after ? branches.get(planned.after) : undefined;
        branches.set(planned.kind, this.runBranch(planned.kind, base, prerequisite, planned.quota, this.completionOf(planned.kind)));
      }
    }
    const all = [...branches.values()];
    try {
      return await Promise.all(all);
    } catch (err) {
      // Only a cancellation gets here (a branch's own failure is its outcome): let every branch
      // finish stopping its job before the run records what it stopped, and keep the outcomes
      // that finished first, which were billed all the same.
      if (isCancellation(err) && this.has(RECORD_CANCELLED)) {
        const settled = await Promise.allSettled(all);
        this.outcomes = settled.flatMap((branch) => (branch.status === 'fulfilled' ? [branch.value] : []));
      }
      throw err;
    }
  }

  /**
   * One permit per quota for the analyses that start at once; one that waits for another (it
   * could start hours later) keeps asking for its own.
   */
  private sharePermits(plan: AnalysisPlan, media: MediaFacts): void {
    const users = new Map<JobQuota, number>();
    for (const planned of plan.analyses) {
      if (planned.decision === 'run' && planned.quota && !planned.after) users.set(planned.quota, (users.get(planned.quota) ?? 0) + 1);
    }
    for (const [quota, count] of users) {
      const { leaseTimeoutMs, maxWaitMs } = permitOptions(media.durationSeconds);
      // The lease outlives every analysis under it even when they take turns one at a time.
      const options = { quota, leaseId: `${workflowInfo().runId}/${quota}`, permits: count, leaseTimeoutMs: leaseTimeoutMs * count, maxWaitMs };
      this.sharedPermits.set(quota, new SharedPermit(this.permits, options, count));
    }
  }

  /**
   * Whether this run has a workflow change. A run that began with lean orchestration began on
   * code that had every change before it (and notified jobs, which came with it), so it asks for
   * none of them: each patch asked for costs a marker and a search-attribute upsert.
   */
  has(patch: string): boolean {
    return this.lean || patched(patch);
  }

  /** How the analysis learns its job ended, when a notification tells it; undefined: it polls. */
  private completionOf(kind: AnalysisKind): JobCompletion | undefined {
    const capability = this.capabilities?.analyses[kind];
    return capability?.available ? capability.completion : undefined;
  }

  /**
   * A notified job's analysis: the wait (the job started and left to its notification; an
   * analysis without a job, like a still image's, ends there with its outcome), then the read
   * of the finished job, holding the quota permit throughout.
   */
  private async waitThenRead(kind: AnalysisKind, input: AnalysisInput, completion: JobCompletion): Promise<AnalysisOutcome> {
    const { durationSeconds } = input.media;
    const activity = analysisActivityName(kind);
    // The relay completes the wait by this id, which the job's tag carries.
    const activityId = `${kind}-job`;
    const waits = proxyActivities<ReelscopeActivities>({
      ...jobWaitOptions(durationSeconds, completion.safetyNetSeconds),
      activityId,
      summary: `${kind} of ${input.mediaId}, waiting for its job`,
    });
    this.waiting.add(kind);
    let waited: AnalysisOutcome | JobFinishedNotice;
    try {
      waited = await waits[activity]({ ...input, awaitJob: true });
      this.waiting.delete(kind);
    } catch (err) {
      // A cancelled wait stays listed: the record says its job was left to finish.
      if (!isCancellation(err)) this.waiting.delete(kind);
      throw err;
    }
    if (!isJobNotice(waited)) return waited;
    const { workflowId, runId } = workflowInfo();
    const tag = jobWaitTag({ workflowId, runId, activityId });
    // The activity gave its job this tag, so it is one; a wait without one polled and never ends with a notice.
    if (!tag) throw ApplicationFailure.create({ type: 'AnalysisJobFailed', message: `${kind}: a notice for a wait that had no tag`, nonRetryable: true });
    const reads = proxyActivities<ReelscopeActivities>({ ...analysisOptions(durationSeconds), summary: `${kind} of ${input.mediaId}` });
    return reads[activity]({ ...input, job: { jobId: waited.jobId, tag, ...(waited.api ? { api: waited.api } : {}) } });
  }

  /** The earlier run's outcome of an analysis this re-run keeps, naming the run that produced it. */
  private reused(kind: AnalysisKind, fromRunId: string): AnalysisOutcome {
    const earlier = this.input.rerun?.reuse.find((outcome) => outcome.kind === kind);
    if (!earlier) return skipped(kind, 'not re-run, and the earlier run has no outcome of it');
    return { ...earlier, runId: earlier.runId ?? fromRunId };
  }

  /** One optional analysis: its failure is recorded in the outcome, never fails the run. */
  private async runBranch(
    kind: AnalysisKind,
    base: AnalysisInput,
    prerequisite?: Promise<AnalysisOutcome>,
    quota?: JobQuota,
    completion?: JobCompletion,
  ): Promise<AnalysisOutcome> {
    let input = base;
    if (prerequisite) {
      const before = await prerequisite;
      if (before.status !== 'succeeded' || !before.ref) {
        this.setBranch(kind, 'skipped');
        return skipped(kind, `needs ${before.kind}, which ${before.status === 'failed' ? 'failed' : 'was skipped'}`);
      }
      input = { ...base, transcriptRef: before.ref };
    }
    const activities = proxyActivities<ReelscopeActivities>({
      ...analysisOptions(base.media.durationSeconds),
      // Histories from before cancelled runs waited for their analyses replay as they ran: the
      // cancellation resolved at once, without waiting for the activities to stop.
      ...(this.has(RECORD_CANCELLED) ? {} : { cancellationType: ActivityCancellationType.TRY_CANCEL }),
      summary: `${kind} of ${base.mediaId}`,
    });
    // A branch waiting for a quota permit stays 'pending' in the progress query.
    const analyse = () => {
      this.setBranch(kind, 'running');
      if (completion && this.has(NOTIFIED_JOBS)) return this.waitThenRead(kind, input, completion);
      return activities[analysisActivityName(kind)](input);
    };
    try {
      // Service jobs count against account quotas: hold a permit for the job's lifetime.
      const shared = quota && !prerequisite ? this.sharedPermits.get(quota) : undefined;
      const outcome = shared
        ? await shared.run(analyse)
        : quota
        ? await this.permits.withPermit(
            // The run id alone is unique, and unlike the workflow id it is the same when a history is replayed under another id.
            { quota, leaseId: `${workflowInfo().runId}/${kind}`, ...permitOptions(base.media.durationSeconds) },
            analyse,
          )
        : await analyse();
      this.setBranch(kind, outcome.status, outcome.jobId);
      return { ...outcome, runId: workflowInfo().runId };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const { type, message } = failureCause(err);
      log.warn('optional analysis failed', { mediaId: base.mediaId, kind, type, message });
      this.setBranch(kind, 'failed');
      return { kind, status: 'failed', failureType: type, summary: message, runId: workflowInfo().runId };
    }
  }

  async reject(reason: FailureInfo): Promise<AnalyzeMediaResult> {
    const { mediaId, tenant, source } = this.input;
    this.step = 'persist';
    await persistRecord({ mediaId, tenant, source, status: 'REJECTED', reason, outcomes: [], runStartedAt: this.runStartedAt });
    this.moveTo('REJECTED', `${reason.type}: ${reason.message}`, reason);
    await this.announce({ mediaId, tenant, status: 'REJECTED', reason });
    return { mediaId, status: 'REJECTED', reason, outcomes: [] };
  }

  /**
   * Records CANCELLED with the step the run was in and what became of its running analyses,
   * then announces it. Runs outside the cancelled scope: the record is the one thing a
   * cancelled run must still do. The outcomes are those finished before the cancellation.
   */
  async recordCancelled(): Promise<void> {
    const { mediaId, tenant, source } = this.input;
    const cancellation = this.describeCancellation();
    const reason: FailureInfo = { step: this.step, type: 'Cancelled', message: cancellation.summary };
    try {
      await CancellationScope.nonCancellable(() =>
        persistRecord({
          mediaId,
          tenant,
          source,
          status: 'CANCELLED',
          reason,
          cancellation,
          outcomes: this.outcomes,
          ...(this.report?.cost ? { reportCost: this.report.cost } : {}),
          ...this.rerunFields(),
          runStartedAt: this.runStartedAt,
        }),
      );
    } catch (err) {
      log.error('could not record the cancellation', { mediaId, cancellation, error: failureCause(err).message });
    }
    this.moveTo('CANCELLED', cancellation.summary, reason);
    await this.announce({ mediaId, tenant, status: 'CANCELLED', reason });
  }

  /**
   * What the cancellation stopped: the branches that were running when it came. A Transcribe
   * job is deleted and a local process killed; Rekognition Video has no call that stops a job.
   */
  private describeCancellation(): CancellationInfo {
    const running = this.progress.runningBranches();
    const quotaOf = (kind: AnalysisKind) => this.plan?.analyses.find((a) => a.kind === kind && a.decision === 'run');
    const unstoppable = running.filter((kind) => {
      const planned = quotaOf(kind);
      return planned?.decision === 'run' && planned.quota === 'rekognition-video';
    });
    // A job waited for has no worker to stop it: it finishes, billed, whatever its service.
    const waitedFor = running.filter((kind) => this.waiting.has(kind) && !unstoppable.includes(kind));
    const runToEnd = [...unstoppable, ...waitedFor];
    const stopped = running.filter((kind) => !runToEnd.includes(kind));
    const parts = [`cancelled while ${STEP_WORDS[this.step]}`];
    if (stopped.length > 0) parts.push(`stopped: ${stopped.join(', ')}`);
    if (unstoppable.length > 0) parts.push(`left to finish (Rekognition Video jobs cannot be stopped, and are billed): ${unstoppable.join(', ')}`);
    if (waitedFor.length > 0) parts.push(`left to finish (their jobs were waited for, not polled, and are billed): ${waitedFor.join(', ')}`);
    return { step: this.step, stopped, runToEnd, summary: parts.join('; ') };
  }

  /** Records the failure even when the workflow is being cancelled, then marks it FAILED. */
  async recordFailed(failure: FailureInfo): Promise<void> {
    const { mediaId, tenant, source } = this.input;
    try {
      await CancellationScope.nonCancellable(() =>
        recordFailure({ mediaId, tenant, source, failure, outcomes: this.outcomes, runStartedAt: this.runStartedAt }),
      );
    } catch (err) {
      log.error('could not record the failure', { mediaId, failure, error: failureCause(err).message });
    }
    this.moveTo('FAILED', `${failure.step} failed: ${failure.type}`, failure);
    await this.announce({ mediaId, tenant, status: 'FAILED', reason: failure });
  }

  /**
   * Tells downstream systems how the media ended, after its record is written: starts the
   * announcement as a workflow of its own and leaves it (ParentClosePolicy ABANDON), so its
   * retries never hold this run open. Not cancellable (a cancelled run announces its FAILED
   * too), and never fails the run: an announcement that cannot start is logged, and the
   * record stays the truth.
   */
  private async announce(facts: OutcomeFacts): Promise<void> {
    if (!this.has(ANNOUNCE_OUTCOMES)) return;
    const event = outcomeEvent(workflowInfo().runId, new Date(), facts);
    try {
      await CancellationScope.nonCancellable(() =>
        startChild(announceOutcome, {
          args: [event],
          // One announcement per outcome of a run: the id says which, and cannot repeat. Built from
          // the input and the run id, which a history replayed under another workflow id keeps.
          workflowId: announcementWorkflowId(facts.mediaId, event.eventId),
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${event.detailType}: ${facts.mediaId}`,
        }),
      );
    } catch (err) {
      log.warn('outcome not announced', { mediaId: facts.mediaId, eventId: event.eventId, ...failureCause(err) });
    }
  }

  stopPlaybackProxy(): void {
    this.proxyScope.cancel();
  }

  describeFailure(err: unknown): FailureInfo {
    if (isCancellation(err)) return { step: this.step, type: 'Cancelled', message: 'the workflow was cancelled' };
    return { step: this.step, ...failureCause(err) };
  }

  /**
   * Moves to a stage and records it, best effort: a stage the store would not take within its
   * budget is logged and the run goes on, since the outcome's persist carries the truth.
   */
  private async enter(stage: Stage): Promise<void> {
    this.moveTo(stage, stage.toLowerCase());
    const { mediaId, tenant, source } = this.input;
    try {
      // A re-run's first write takes the record over from the run it re-runs: the earlier reports go with it, so they stay named whatever this run comes to.
      await recordStage({ mediaId, tenant, source, status: stage, runStartedAt: this.runStartedAt, ...this.rerunFields() });
    } catch (err) {
      // Runs from before best-effort stage writes failed here (recording the failure): replay
      // them that way, or their histories would diverge at the first failed stage write.
      if (isCancellation(err) || !this.has(BEST_EFFORT_STAGE_WRITES)) throw err;
      log.warn('stage not recorded; the run goes on', { mediaId, stage, ...failureCause(err) });
    }
  }

  /** Current details are UI metadata, not history: updating them per branch replays unchanged. */
  private setBranch(kind: AnalysisKind, state: BranchState, jobId?: string): void {
    this.progress.setBranch(kind, state, jobId);
    if (this.progress.current === 'ANALYZING') setCurrentDetails(`**ANALYZING**\n\n${this.progress.branchDetails()}`);
  }

  /** Upserts at once, or (LEAN_ORCHESTRATION) with the next stage that lasts. */
  private searchAttributes(pairs: SearchAttributeUpdatePair[]): void {
    if (this.lean) this.pendingAttributes.push(...pairs);
    else upsertSearchAttributes(pairs);
  }

  private flushSearchAttributes(): void {
    // The latest value of each key: a stage held back is replaced by the one that lasts.
    const latest = new Map(this.pendingAttributes.map((pair) => [pair.key.name, pair]));
    this.pendingAttributes = [];
    if (latest.size > 0) upsertSearchAttributes([...latest.values()]);
  }

  private moveTo(status: MediaStatus, details: string, failure?: FailureInfo): void {
    this.progress.moveTo(status, failure);
    if (!this.lean) upsertSearchAttributes([{ key: STAGE, value: status }]);
    else {
      this.pendingAttributes.push({ key: STAGE, value: status });
      if (!TRANSIENT_STAGES.has(status)) this.flushSearchAttributes();
    }
    setCurrentDetails(`**${status}** · ${details}`);
  }
}

const STEP_WORDS: Record<Step, string> = {
  probe: 'probing',
  plan: 'planning',
  analyse: 'analysing',
  reduce: 'reducing',
  report: 'writing the report',
  review: 'awaiting review',
  persist: 'recording the outcome',
};

/** The relay's notice, as opposed to an outcome (a wait that had no job to wait for). */
function isJobNotice(result: AnalysisOutcome | JobFinishedNotice): result is JobFinishedNotice {
  return (result as Partial<JobFinishedNotice>).notice === 'job-finished';
}

function skipped(kind: AnalysisKind, reason: string): AnalysisOutcome {
  return { kind, status: 'skipped', summary: reason };
}

/** The innermost application failure's type and message: what actually went wrong. */
function failureCause(err: unknown): { type: string; message: string } {
  let current: unknown = err;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  if (current instanceof ApplicationFailure) return { type: current.type ?? 'Error', message: current.message };
  if (current instanceof Error) return { type: current.name, message: current.message };
  return { type: 'Error', message: String(current) };
}

function summarizePlan(plan: AnalysisPlan): string {
  return plan.analyses.map((a) => `${a.kind}:${a.decision}`).join(' ');
}
