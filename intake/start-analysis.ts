import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../common/constants';
import { MEDIA_ID, STAGE, TENANT } from '../common/search-attributes';
import type { AnalyzeMediaInput } from '../common/types';
import type { analyzeMedia } from '../workflows/analyze-media';
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
      workflowIdConflictPolicy: 'USE_EXISTING',
      // An operator's retry is the only way a closed media runs again.
      workflowIdReusePolicy: options.rerun ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: MEDIA_ID, value: input.mediaId },
        { key: TENANT, value: input.tenant },
        { key: STAGE, value: 'RECEIVED' },
      ],
      memo: { source: input.source, tier: input.tier, ...(input.review ? { review: input.review } : {}) },
      staticSummary: `${input.tenant}: ${input.source.key}`,
      staticDetails: `s3://${input.source.bucket}/${input.source.key} (${input.source.sizeBytes ?? '?'} bytes, tier ${input.tier})`,
    });
    return { mediaId: input.mediaId, workflowId, runId: handle.firstExecutionRunId, alreadyAnalysed: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { mediaId: input.mediaId, workflowId, alreadyAnalysed: true };
    throw err;
  }
}
