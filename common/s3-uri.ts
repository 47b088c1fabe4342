/** `s3://bucket/key` references: how branch outputs are named across the workflow boundary. */
export function toS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Splits an `s3://bucket/key` reference; throws on anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error(`not an s3:// object reference: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

/** The area the worker writes; the CDK app grants the worker write access to it and no other. */
export const RESULTS_PREFIX = 'results/';

/**
 * Where the artefacts of one media live in the results area: each run in a folder of its own,
 * so a re-run never overwrites what an earlier run's record or report still names.
 */
export function resultsPrefix(tenant: string, mediaId: string, runId?: string): string {
  return `${RESULTS_PREFIX}${tenant}/${mediaId}/${runId ? `${runId}/` : ''}`;
}
