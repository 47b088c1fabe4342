import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseS3Event } from '../../starter/s3-events';

// Real AWS payloads kept beside the repository, in shared/events.
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'shared', 'events', name), 'utf8'));

describe('parseS3Event', () => {
  it('reads an EventBridge Object Created event', () => {
    expect(parseS3Event(fixture('s3-eventbridge-object-created.json'))).toEqual({
      shape: 'eventbridge',
      created: [{ bucket: 'example-bucket', key: 'IMG_m7fzo3.jpg', sizeBytes: 184662, etag: '4e68adba0abe2dc8653dc3354e14c01d' }],
      ignored: [],
    });
  });

  it('reads a classic S3 notification and decodes its key', () => {
    const parsed = parseS3Event(fixture('s3-decoded-key.json'));
    expect(parsed.shape).toBe('s3-notification');
    expect(parsed.shape !== 'unsupported' && parsed.created[0]?.key).toContain('Happy Face.jpg');
  });

  it.each(['s3-delete-object.json', 's3-s3-lifecycle-event.json', 's3-eventbridge-object-deleted.json', 's3-eventbridge-object-restored.json'])(
    'ignores %s',
    (name) => {
      const parsed = parseS3Event(fixture(name));
      expect(parsed.shape).not.toBe('unsupported');
      expect(parsed.shape !== 'unsupported' && parsed.created).toEqual([]);
    },
  );

  it('refuses an S3 Object Lambda event as unsupported', () => {
    expect(parseS3Event(fixture('s3-object-iam-user.json')).shape).toBe('unsupported');
  });
});
