import { ApplicationFailure, Context } from '@temporalio/activity';
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
 */
export function createAnalysisActivity(kind: AnalysisKind, { backend, store }: ActivityDeps): AnalysisActivity {
  return async (input) =>
    withFailureMapping(async () => {
      const runner = backend.runners[kind];
      if (!runner) {
        const capability = backend.capabilities.analyses[kind];
        const reason = capability.available ? 'no runner' : capability.reason;
        throw ApplicationFailure.create({ type: 'AnalysisUnavailable', message: `${kind}: ${reason}`, nonRetryable: true });
      }
      const context = Context.current();
      const { workflowExecution } = context.info;
      const heartbeatDetails: unknown = context.info.heartbeatDetails;
      if (!workflowExecution) throw new Error('analyses run inside a workflow: no workflow execution in the activity info');
      // The URL outlives the attempt: a long media's analysis reads it for hours, not 15 minutes.
      const mediaUrl = await store.presignGet(input.source.bucket, input.source.key, input.source.versionId, context.info.startToCloseTimeoutMs / 1000 + 60);
      let lastDetails: unknown = heartbeatDetails;
      const heartbeat = (details?: unknown) => {
        if (details !== undefined) lastDetails = details;
        context.heartbeat(lastDetails);
      };
      const keepAlive = setInterval(heartbeat, HEARTBEAT_INTERVAL_MS);
      try {
        const outcome = await runner({
          input,
          mediaUrl,
          store,
          prefix: runResultsPrefix(input.tenant, input.mediaId),
          signal: context.cancellationSignal,
          cancelRequested: () => context.cancellationDetails?.cancelRequested === true,
          log: context.log,
          heartbeat,
          resumeFrom: heartbeatDetails,
          execution: { workflowId: workflowExecution.workflowId, runId: workflowExecution.runId },
        });
        context.log.info('analysis finished', { kind, mediaId: input.mediaId, summary: outcome.summary });
        return { kind, ...outcome };
      } finally {
        clearInterval(keepAlive);
      }
    });
}
