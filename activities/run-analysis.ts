import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';
import { JobAwaitsNotification } from '../backends/aws/job-poller';
import { jobWaitTag } from '../common/job-wait-tag';
import type { AnalysisActivity } from '../common/analysis-activities';
import { runResultsPrefix } from './run-results-prefix';
import type { AnalysisKind } from '../common/types';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';

/**
 * A liveness heartbeat this often, between the progress heartbeats the runners send. It
 * repeats the runner's last details: Temporal keeps only the latest, and a retried attempt
 * must still find the job id there.
 */
const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * The activity for one analysis kind: presigns the media, runs the backend's runner with
 * the activity's cancellation signal and heartbeats, and returns the runner's small outcome.
 *
 * Called with `awaitJob`, it starts the analysis's job tagged with this activity's address and,
 * if the job is still running, ends the attempt without a result (async completion): the
 * relay completes it from the job's notification with a JobFinishedNotice, or the attempt's
 * start-to-close (the safety net) runs out and the retry checks the job itself. While it
 * waits nothing runs and nothing heartbeats, so a worker crash costs nothing, and waiting
 * costs no actions. Called with `job`, it reads that finished job, checking it is the one the
 * wait tagged.
 */
export function createAnalysisActivity(kind: AnalysisKind, { backend, store }: ActivityDeps): AnalysisActivity {
  return async (input) => {
    const outcome = await withFailureMapping(async () => {
      const runner = backend.runners[kind];
      if (!runner) {
        const capability = backend.capabilities.analyses[kind];
        const reason = capability.available ? 'no runner' : capability.reason;
        throw ApplicationFailure.create({ type: 'AnalysisUnavailable', message: `${kind}: ${reason}`, nonRetryable: true });
      }
      const context = Context.current();
      const { workflowExecution, activityId } = context.info;
      if (!workflowExecution) throw new Error('analyses run inside a workflow: no workflow execution in the activity info');
      const execution = { workflowId: workflowExecution.workflowId, runId: workflowExecution.runId };
      // A wait's address that the services cannot carry (an unusual workflow id) leaves the job polled.
      const waitTag = input.awaitJob ? jobWaitTag({ ...execution, activityId }) : undefined;
      // A read's deadline counts from the read: the job was reported finished, and is checked before the deadline is.
      const resumeFrom: unknown = input.job ? { jobId: input.job.jobId, startedAt: Date.now(), polls: 0, ...(input.job.api ? { api: input.job.api } : {}) } : context.info.heartbeatDetails;
      // The URL outlives the attempt: a long media's analysis reads it for hours, not 15 minutes.
      const mediaUrl = await store.presignGet(input.source.bucket, input.source.key, input.source.versionId, context.info.startToCloseTimeoutMs / 1000 + 60);
      let lastDetails: unknown = resumeFrom;
      const send = () => context.heartbeat(lastDetails);
      // A wait and a read send their progress with the liveness beat only: a wait that hands its
      // job to the relay, or a read, within the interval sends none (heartbeats are billed), while
      // one that runs longer (a long audio extraction, a job polled after all) still heartbeats,
      // keeps its checkpoint for a retry and learns of a cancellation.
      const lazy = input.awaitJob === true || input.job !== undefined;
      const heartbeat = (details?: unknown) => {
        if (details !== undefined) lastDetails = details;
        if (!lazy) send();
      };
      const keepAlive = setInterval(send, HEARTBEAT_INTERVAL_MS);
      try {
        const result = await runner({
          input,
          mediaUrl,
          store,
          prefix: runResultsPrefix(input.tenant, input.mediaId),
          signal: context.cancellationSignal,
          cancelRequested: () => context.cancellationDetails?.cancelRequested === true,
          log: context.log,
          heartbeat,
          resumeFrom,
          execution,
          ...(waitTag ? { jobWaitTag: waitTag } : {}),
        });
        context.log.info('analysis finished', { kind, mediaId: input.mediaId, summary: result.summary });
        return { kind, ...result };
      } catch (err) {
        if (!(err instanceof JobAwaitsNotification)) throw err;
        context.log.info('job started; its notification ends the wait', { kind, mediaId: input.mediaId, jobId: err.checkpoint.jobId });
        return undefined;
      } finally {
        clearInterval(keepAlive);
      }
    });
    if (!outcome) throw new CompleteAsyncError();
    return outcome;
  };
}
