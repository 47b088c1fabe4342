import type { WorkflowIdReusePolicy } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import { MEDIA_ID, STAGE, TENANT } from '../common/search-attributes';
import type { AnalyzeMediaInput } from '../common/types';

/** The start options every analyzeMedia start shares, whoever starts it (a client or a workflow). */
export interface AnalysisStartOptions {
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  typedSearchAttributes: SearchAttributePair[];
  memo: Record<string, unknown>;
  staticSummary: string;
  staticDetails: string;
}

/**
 * What an analysis is started with, so the starter Lambda, the CLI and the backfill workflow
 * start media alike: the same search attributes (what the Web UI and `list` filter on), memo and
 * summary. Pure and free of client imports, so workflow code can import it.
 */
export function analysisStartOptions(input: AnalyzeMediaInput, options: { rerun?: boolean } = {}): AnalysisStartOptions {
  return {
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
  };
}
