import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** What an uploaded object is, as identity needs it: the starter's media id hashes these. */
export interface UploadedObject {
  sizeBytes: number;
  etag?: string;
  versionId?: string;
}

/**
 * The S3 side of client uploads: presigned PUT and UploadPart URLs, so bytes go straight from
 * the client to storage and never through the API, and the calls that finish and check them.
 */
export class UploadUrls {
  constructor(private readonly s3: S3Client) {}

  presignPut(bucket: string, key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
  }

  /** Opens a multipart upload and signs one URL per part (1-based part numbers). */
  async presignMultipart(bucket: string, key: string, contentType: string, partCount: number, expiresIn: number): Promise<{ s3UploadId: string; urls: string[] }> {
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
    if (!UploadId) throw new Error(`CreateMultipartUpload for ${key} returned no upload id`);
    const urls = await Promise.all(
      Array.from({ length: partCount }, (_, i) =>
        getSignedUrl(this.s3, new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1 }), { expiresIn }),
      ),
    );
    return { s3UploadId: UploadId, urls };
  }

  async completeMultipart(bucket: string, key: string, s3UploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: s3UploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  /** Size, etag (unquoted, as S3 events carry it) and version of an object; undefined when absent. */
  async head(bucket: string, key: string): Promise<UploadedObject | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        sizeBytes: head.ContentLength ?? 0,
        ...(head.ETag ? { etag: head.ETag.replace(/"/g, '') } : {}),
        // Passed on as S3 says it ("null" included): the event for the object carries the same.
        ...(head.VersionId ? { versionId: head.VersionId } : {}),
      };
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (err as Error).name === 'NotFound') return undefined;
      throw err;
    }
  }
}
