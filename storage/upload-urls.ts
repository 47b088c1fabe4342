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
 *
 * Every URL signs the exact Content-Length it may carry: S3 then refuses any other body, so
 * the size checked against the tier at init is the size stored. `presigner` must add no
 * flexible checksum (createAwsClients' `s3Presigner`): a checksum signed into a URL is the
 * checksum of the empty body the signer saw, and S3 would refuse every real one.
 */
export class UploadUrls {
  constructor(
    private readonly s3: S3Client,
    private readonly presigner: S3Client,
  ) {}

  presignPut(bucket: string, key: string, sizeBytes: number, expiresIn: number): Promise<string> {
    return getSignedUrl(this.presigner, new PutObjectCommand({ Bucket: bucket, Key: key, ContentLength: sizeBytes }), { expiresIn });
  }

  /** Opens a multipart upload; its parts are signed by {@link presignPart}. */
  async createMultipart(bucket: string, key: string, contentType: string): Promise<string> {
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
    if (!UploadId) throw new Error(`CreateMultipartUpload for ${key} returned no upload id`);
    return UploadId;
  }

  /** One part's URL (1-based part number), valid only for a body of exactly `sizeBytes`. */
  presignPart(bucket: string, key: string, s3UploadId: string, part: { partNumber: number; sizeBytes: number }, expiresIn: number): Promise<string> {
    return getSignedUrl(
      this.presigner,
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: s3UploadId, PartNumber: part.partNumber, ContentLength: part.sizeBytes }),
      { expiresIn },
    );
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
