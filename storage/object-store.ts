import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseS3Uri, toS3Uri } from '../common/s3-uri';

/** Parts of this size (S3's minimum is 5 MiB): large artefacts upload in parallel and resume per part. */
const PART_SIZE_BYTES = 8 * 1024 * 1024;
/** The longest a SigV4 presigned URL may live. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface ObjectStoreOptions {
  presignSeconds?: number;
  /** When set, artefacts are written with SSE-KMS under this key instead of the bucket default. */
  kmsKeyId?: string;
}

export interface ObjectHead {
  sizeBytes: number;
  etag?: string;
  contentType?: string;
}

/** One object of a listing: what identifies an upload (key and etag) and what admission reads. */
export interface ListedObject {
  key: string;
  etag?: string;
  sizeBytes: number;
  lastModified?: Date;
}

/** One page of a listing, and where the next one starts (undefined after the last). */
export interface ObjectPage {
  objects: ListedObject[];
  nextCursor?: string;
}

/**
 * How a link handed to a browser makes S3 serve the object, whatever content type the object
 * was stored with: an uploader declares the type of its own upload, so a link trusting the
 * stored one would let a file declared text/html run as a page on the bucket's origin.
 */
export interface ServeAs {
  contentType: string;
  disposition?: 'inline' | 'attachment';
}

/** The object store as reelscope uses it: JSON and binary artefacts, presigned reads. */
export class ObjectStore {
  constructor(
    private readonly s3: S3Client,
    /** Bucket that receives every artefact reelscope writes. */
    readonly resultsBucket: string,
    private readonly options: ObjectStoreOptions = {},
  ) {}

  /** Writes a JSON artefact to the results bucket; returns its s3:// reference. */
  async putJson(key: string, value: unknown, signal?: AbortSignal): Promise<string> {
    return this.putBytes(key, Buffer.from(JSON.stringify(value)), 'application/json', signal);
  }

  /** Writes bytes to the results bucket; returns its s3:// reference. */
  async putBytes(key: string, body: Buffer | string, contentType: string, signal?: AbortSignal): Promise<string> {
    return this.upload(key, body, contentType, signal);
  }

  /**
   * Streams into the results bucket without holding the whole body in memory (an audio
   * track extracted by ffmpeg); multipart above one part.
   */
  async putStream(key: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<string> {
    return this.upload(key, body, contentType, signal);
  }

  private async upload(key: string, body: PutObjectCommandInput['Body'], contentType: string, signal?: AbortSignal): Promise<string> {
    const encryption = this.options.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.options.kmsKeyId } : {};
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.resultsBucket, Key: key, Body: body, ContentType: contentType, ...encryption },
      partSize: PART_SIZE_BYTES,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    return toS3Uri(this.resultsBucket, key);
  }

  async getJson<T>(uri: string, signal?: AbortSignal): Promise<T> {
    return JSON.parse((await this.getBytes(uri, signal)).toString('utf8')) as T;
  }

  async getBytes(uri: string, signal?: AbortSignal): Promise<Buffer> {
    const { bucket, key } = parseS3Uri(uri);
    const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    if (!response.Body) throw new Error(`empty body for ${uri}`);
    return Buffer.from(await response.Body.transformToByteArray());
  }

  /** Removes an object (one version of it when given); removing what is not there succeeds, as in S3. */
  async deleteObject(bucket: string, key: string, versionId?: string, signal?: AbortSignal): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }), { abortSignal: signal });
  }

  /** Size and etag of an object, or undefined when it does not exist. */
  async head(bucket: string, key: string, signal?: AbortSignal): Promise<ObjectHead | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return { sizeBytes: head.ContentLength ?? 0, etag: head.ETag, contentType: head.ContentType };
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (err as Error).name === 'NotFound') return undefined;
      throw err;
    }
  }

  /**
   * One page of the objects under a prefix, in key order. The cursor is the last key listed
   * (ListObjects' marker), small and readable, so a caller can carry it between runs. Marker
   * rather than V2's continuation token: the local S3 server mints its tokens with DES, which
   * Node's OpenSSL 3 no longer has, so every truncated V2 listing fails there; S3 pages alike
   * either way.
   */
  async listPage(bucket: string, prefix: string, options: { cursor?: string; pageSize?: number; signal?: AbortSignal } = {}): Promise<ObjectPage> {
    const page = await this.s3.send(
      new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: options.cursor, MaxKeys: options.pageSize }),
      { abortSignal: options.signal },
    );
    const objects = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined ? [] : [{ key: o.Key, sizeBytes: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}), ...(o.LastModified ? { lastModified: o.LastModified } : {}) }],
    );
    const nextCursor = page.IsTruncated ? (page.NextMarker ?? objects.at(-1)?.key) : undefined;
    return { objects, ...(nextCursor ? { nextCursor } : {}) };
  }

  /**
   * A time-limited GET URL: ffmpeg and ffprobe read the media over HTTP ranges, so probe
   * reads only the headers it needs and no step downloads the whole file first. `forSeconds`
   * is how long the reader may need it (an analysis' whole attempt), up to SigV4's 7 days;
   * a URL signed with temporary credentials still ends when they do.
   */
  async presignGet(bucket: string, key: string, versionId?: string, forSeconds?: number, serveAs?: ServeAs): Promise<string> {
    const expiresIn = Math.min(MAX_PRESIGN_SECONDS, Math.ceil(forSeconds ?? this.options.presignSeconds ?? 900));
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      VersionId: versionId,
      ...(serveAs ? { ResponseContentType: serveAs.contentType, ResponseContentDisposition: serveAs.disposition ?? 'inline' } : {}),
    });
    return getSignedUrl(this.s3, command, { expiresIn });
  }
}
