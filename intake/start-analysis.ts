import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../common/constants';
import type { AnalyzeMediaInput } from '../common/types';
import type { analyzeMedia } from '../workflows/analyze-media';
import { analysisStartOptions } from './analysis-start-options';
import { workflowIdFor } from './media-identity';

export interface StartOutcome {
  mediaId: string;
  workflowId: string;
  /** The run analysing this media: the same run for every duplicate delivery while it runs. */
  runId?: string;
  /** True when the media had already been analysed (a duplicate delivery after completion). */
  alreadyAnalysed: boolean;
}

/**
 * Starts analyzeMedia for one media, idempotently: the workflow id is the media identity, a
 * running execution is reused and a closed one is not started again, so duplicate S3
 * deliveries start nothing new.
 */
export async function startAnalysis(
  client: Client,
  taskQueue: string,
  input: AnalyzeMediaInput,
  options: { rerun?: boolean } = {},
): Promise<StartOutcome> {
  const workflowId = workflowIdFor(input.mediaId);
  try {
    const handle = await client.workflow.start<typeof analyzeMedia>(WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      // A delivery attaches to the run already going; a retry or re-run that meets one was
      // beaten by another start, and must say so rather than answer with that run.
      workflowIdConflictPolicy: options.rerun ? 'FAIL' : 'USE_EXISTING',
      ...analysisStartOptions(input, options),
    });
    return { mediaId: input.mediaId, workflowId, runId: handle.firstExecutionRunId, alreadyAnalysed: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { mediaId: input.mediaId, workflowId, alreadyAnalysed: true };
    throw err;
  }
}
