import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { ObjectStore } from '../../storage/object-store';
import { loadWorkerConfig } from '../../worker/config';

/** ObjectStore.copyObject against the suite's local S3 server: bytes, type and metadata travel with the copy. */
describe('ObjectStore.copyObject', () => {
  let clients: AwsClients;
  let store: ObjectStore;
  const bucket = loadWorkerConfig().bucket;

  beforeAll(() => {
    clients = createAwsClients(loadWorkerConfig().aws);
    store = new ObjectStore(clients.s3, bucket);
  });
  afterAll(() => clients?.destroy());

  it('copies an object with spaces and non-ASCII in its key, keeping its content type and metadata', async () => {
    // Arrange
    const key = `incoming/copy-test/${randomUUID().slice(0, 8)} clip é.mp4`;
    const body = Buffer.from(`bytes of ${key}`);
    const put = await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'video/mp4', Metadata: { uploader: 'u-1' } }));
    const to = { bucket, key: key.replace(/^incoming\//, 'processed/') };

    // Act
    const copied = await store.copyObject({ bucket, key, etag: put.ETag?.replace(/"/g, '') }, to);

    // Assert
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: to.key }));
    expect((await store.getBytes(`s3://${bucket}/${to.key}`)).equals(body)).toBe(true);
    expect(copied).toMatchObject({ sizeBytes: body.length, etag: put.ETag?.replace(/"/g, '') });
    expect(head.ContentType).toBe('video/mp4');
    expect(head.Metadata).toMatchObject({ uploader: 'u-1' });
    expect(await store.head(bucket, key)).toBeDefined();
  });

  it('fails as S3 does when the source is gone, leaving nothing at the destination', async () => {
    // Arrange
    const key = `incoming/copy-test/${randomUUID().slice(0, 8)}-missing.mp4`;
    const to = { bucket, key: key.replace(/^incoming\//, 'processed/') };

    // Act
    const copy = store.copyObject({ bucket, key }, to, { sizeBytes: 10 });

    // Assert
    await expect(copy).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await store.head(bucket, to.key)).toBeUndefined();
  });
});
