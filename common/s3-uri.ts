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

/** Where every artefact of one media lives in the results area. */
export function resultsPrefix(tenant: string, mediaId: string): string {
  return `${RESULTS_PREFIX}${tenant}/${mediaId}/`;
}
