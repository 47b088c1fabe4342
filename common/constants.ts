/** Names shared by worker, starter, CLI and tests: declared once so they cannot drift apart. */
export const DEFAULT_TASK_QUEUE = 'reelscope-media';
export const WORKFLOW_TYPE = 'analyzeMedia';
export const PROGRESS_QUERY = 'progress';
export const REVIEW_UPDATE = 'review';
/** Prefix of every workflow id, so operators can filter reelscope executions in the Web UI. */
export const WORKFLOW_ID_PREFIX = 'media-';
/** The semaphore workflow that bounds concurrent service jobs across every worker. */
export const QUOTA_WORKFLOW_TYPE = 'jobQuotaWorkflow';
export const QUOTA_WORKFLOW_ID_PREFIX = 'job-quota-';
/**
 * The report model, Claude Haiku 4.5. Bedrock serves it only through cross-Region inference
 * profiles, which answer callers in their own geography: the worker and the stack's grant use
 * the profile of the region's geography (`us.`, `eu.`, `jp.`, ...; see backends/aws/bedrock-model-id).
 */
export const DEFAULT_BEDROCK_MODEL_ID = 'anthropic.claude-haiku-4-5-20251001-v1:0';
