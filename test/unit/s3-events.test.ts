import { parseS3Event } from '../../starter/s3-events';
import { eventFixture } from '../support/event-fixtures';

const BUCKET = 'reelscope-fixture-media';
/** The upload that eventbridge-object-created.json and sqs-sns-s3-notification.json both report. */
const LECTURE = { bucket: BUCKET, key: 'lecture-intro.mp4', sizeBytes: 2_457_600, etag: '7f3a9c0e5b2d41c8a6e9f0b1d2c3e4a5', versionId: 'Wq8tZr3LmN5pXv0bYc7dHs2kJf4gAe9u' };

interface SqsBatch {
  Records: { body: string }[];
}

/** The body of an SQS batch's only message, as the Lambda's SQS layer hands it on. */
function sqsBody(name: string): unknown {
  const [message] = eventFixture<SqsBatch>(name).Records;
  return JSON.parse(message?.body ?? 'null');
}

describe('parseS3Event', () => {
  it('reads an EventBridge Object Created event', () => {
    // Arrange
    const event = eventFixture('eventbridge-object-created.json');

    // Act
    const parsed = parseS3Event(event);

    // Assert
    expect(parsed).toEqual({ shape: 'eventbridge', created: [LECTURE], ignored: [] });
  });

  it.each([
    ['s3-object-created-put.json', { key: 'keynote-rehearsal.mov', sizeBytes: 5_242_880, etag: 'a1c3e5f7b9d2046813579bdf02468ace', versionId: 'Gx5Rk2Nw8Qa1Zt7Vm4Lc0Pj6Yh3Ds9Bf' }],
    ['s3-object-created-copy.json', { key: 'highlights-reel-copy.mp4', sizeBytes: 1_048_576, etag: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', versionId: 'Pq1Lw9Ez4Rt7Yu2Io5Nb8Mv3Cx6Za0Sd' }],
    // A multipart ETag is not an MD5 (it ends in -<parts>); it is kept as S3 gave it.
    ['s3-object-created-multipart.json', { key: 'all-hands-2024.mkv', sizeBytes: 734_003_200, etag: '5d8f2b6e9a1c4f7d0b3e6a9c2f5d8b1e-88', versionId: 'Rv6Hk3Tz0Wq9Jm5Xp2Lb8Nc1Yd4Gs7Fa' }],
  ])('reads the S3 notification %s', (name, object) => {
    // Act
    const parsed = parseS3Event(eventFixture(name));

    // Assert
    expect(parsed).toEqual({ shape: 's3-notification', created: [{ bucket: BUCKET, ...object }], ignored: [] });
  });

  it.each([
    // '+' is a space and %XX a byte in S3's key encoding.
    ['s3-object-created-encoded-key.json', 'team meeting #1 (final).mp4'],
    // Non-ASCII keys arrive as percent-encoded UTF-8.
    ['s3-object-created-unicode-key.json', 'résumé 日本.mp4'],
  ])('decodes the key of %s to %s', (name, key) => {
    // Act
    const parsed = parseS3Event(eventFixture(name));

    // Assert
    expect(parsed.shape).toBe('s3-notification');
    expect(parsed.shape !== 'unsupported' && parsed.created.map((source) => source.key)).toEqual([key]);
  });

  it.each([
    ['s3-object-removed-delete.json', 'record 0: ObjectRemoved:Delete'],
    ['s3-lifecycle-expiration-delete.json', 'record 0: LifecycleExpiration:Delete'],
    ['s3-object-restore-completed.json', 'record 0: ObjectRestore:Completed'],
    ['eventbridge-object-deleted.json', 'EventBridge Object Deleted'],
    ['eventbridge-object-deleted-lifecycle-expiration.json', 'EventBridge Object Deleted'],
    ['eventbridge-object-restore-initiated.json', 'EventBridge Object Restore Initiated'],
    ['eventbridge-object-restore-completed.json', 'EventBridge Object Restore Completed'],
    ['eventbridge-object-restore-expired.json', 'EventBridge Object Restore Expired'],
  ])('ignores %s with a note', (name, note) => {
    // Act
    const parsed = parseS3Event(eventFixture(name));

    // Assert
    expect(parsed.shape).not.toBe('unsupported');
    expect(parsed.shape !== 'unsupported' && parsed.created).toEqual([]);
    expect(parsed.shape !== 'unsupported' && parsed.ignored).toEqual([note]);
  });

  it('reads the S3 notification inside an SQS message body', () => {
    // Act
    const parsed = parseS3Event(sqsBody('sqs-s3-notification.json'));

    // Assert
    expect(parsed).toEqual({
      shape: 's3-notification',
      created: [
        { bucket: BUCKET, key: 'podcast-episode-12.m4a', sizeBytes: 18_874_368, etag: '8d0b2f4e6a8c0e2b4d6f8a0c2e4b6d8f', versionId: 'Yb7Vn4Mk1Lj8Hg5Fd2Sa9Qw6Er3Ty0Ui' },
      ],
      ignored: [],
    });
  });

  it('reads the S3 notification in the Message of an SNS envelope: the upload EventBridge reported', () => {
    // Arrange
    const envelope = sqsBody('sqs-sns-s3-notification.json') as { Type: string; Message: string };

    // Act
    const parsed = parseS3Event(JSON.parse(envelope.Message));

    // Assert
    expect(envelope.Type).toBe('Notification');
    expect(parsed).toEqual({ shape: 's3-notification', created: [LECTURE], ignored: [] });
    // Unwrapping is the SQS layer's job: the envelope itself is no S3 event.
    expect(parseS3Event(envelope).shape).toBe('unsupported');
  });

  it.each([
    // The SQS layer recognises the test event; on its own it names no object.
    's3-test-event.json',
    's3-object-lambda-get-object.json',
  ])('refuses %s as unsupported', (name) => {
    // Act
    const parsed = parseS3Event(eventFixture(name));

    // Assert
    expect(parsed).toEqual({ shape: 'unsupported', reason: 'neither an EventBridge S3 event nor an S3 notification' });
  });
});
