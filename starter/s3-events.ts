import { z } from 'zod';
import type { MediaSource } from '../common/types';
import { decodeEventKey } from '../intake/media-identity';

const eventBridgeObjectCreated = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
      'version-id': z.string().optional(),
    }),
  }),
});

const s3NotificationRecord = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
    }),
  }),
});
const s3Notification = z.object({ Records: z.array(z.unknown()).min(1) });

export type ParsedEvent =
  | { shape: 'eventbridge' | 's3-notification'; created: MediaSource[]; ignored: string[] }
  | { shape: 'unsupported'; reason: string };

/**
 * Reads an S3 upload event as AWS delivers it, EventBridge "Object Created" or a classic
 * S3 notification with Records[]. Every record is read (not just the last), other S3 events
 * (deletes, restores, lifecycle) are ignored with a note, anything else is unsupported.
 */
export function parseS3Event(event: unknown): ParsedEvent {
  const bridge = eventBridgeObjectCreated.safeParse(event);
  if (bridge.success) {
    const { bucket, object } = bridge.data.detail;
    const key = decodeEventKey(object.key);
    if (key === undefined) return { shape: 'eventbridge', created: [], ignored: [malformedKey(object.key)] };
    return {
      shape: 'eventbridge',
      created: [
        {
          bucket: bucket.name,
          key,
          ...(object.size !== undefined ? { sizeBytes: object.size } : {}),
          ...(object.etag ? { etag: object.etag } : {}),
          ...(object['version-id'] ? { versionId: object['version-id'] } : {}),
        },
      ],
      ignored: [],
    };
  }
  const notification = s3Notification.safeParse(event);
  if (notification.success) {
    const created: MediaSource[] = [];
    const ignored: string[] = [];
    notification.data.Records.forEach((raw, i) => {
      const record = s3NotificationRecord.safeParse(raw);
      if (!record.success) return void ignored.push(`record ${i}: not an S3 notification record`);
      if (!record.data.eventName.startsWith('ObjectCreated:')) return void ignored.push(`record ${i}: ${record.data.eventName}`);
      const { bucket, object } = record.data.s3;
      const key = decodeEventKey(object.key);
      if (key === undefined) return void ignored.push(`record ${i}: ${malformedKey(object.key)}`);
      created.push({
        bucket: bucket.name,
        key,
        ...(object.size !== undefined ? { sizeBytes: object.size } : {}),
        ...(object.eTag ? { etag: object.eTag } : {}),
        ...(object.versionId ? { versionId: object.versionId } : {}),
      });
    });
    return { shape: 's3-notification', created, ignored };
  }
  const detailType = (event as { 'detail-type'?: unknown })?.['detail-type'];
  if ((event as { source?: unknown })?.source === 'aws.s3' && typeof detailType === 'string') {
    return { shape: 'eventbridge', created: [], ignored: [`EventBridge ${detailType}`] };
  }
  return { shape: 'unsupported', reason: 'neither an EventBridge S3 event nor an S3 notification' };
}

function malformedKey(raw: string): string {
  return `key ${JSON.stringify(raw)} is not valid URL encoding`;
}
