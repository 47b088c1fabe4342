import type { MediaSource } from '../common/types';

/**
 * The EventBridge "Object Created" event S3 sends for an upload, for uploads whose event
 * never arrives (local S3 servers emit none, the CLI uploads itself): the object then goes
 * through the starter's own filters, key checks and media identity.
 */
export function objectCreatedEvent(source: MediaSource, region: string, now: Date = new Date()): unknown {
  return {
    version: '0',
    source: 'aws.s3',
    'detail-type': 'Object Created',
    time: now.toISOString(),
    region,
    resources: [`arn:aws:s3:::${source.bucket}`],
    detail: {
      version: '0',
      bucket: { name: source.bucket },
      object: {
        // Event keys are URL-encoded as S3 does, so decoding is exercised on every path.
        key: source.key.split('/').map(encodeURIComponent).join('/'),
        ...(source.sizeBytes !== undefined ? { size: source.sizeBytes } : {}),
        ...(source.etag ? { etag: source.etag } : {}),
        ...(source.versionId ? { 'version-id': source.versionId } : {}),
      },
      reason: 'PutObject',
    },
  };
}
