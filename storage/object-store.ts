import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  UploadPartCopyCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseS3Uri, toS3Uri } from '../common/s3-uri';

/** Parts of this size (S3's minimum is 5 MiB): large artefacts upload in parallel and resume per part. */
const PART_SIZE_BYTES = 8 * 1024 * 1024;
/** CopyObject's limit: a larger object is copied part by part (UploadPartCopy). */
const SINGLE_COPY_MAX_BYTES = 5 * 1024 ** 3;
/** Copy parts of this size (S3 allows 5 MiB..5 GiB, 10,000 parts): 5 TiB in 10,000 parts fits. */
const COPY_PART_BYTES = 512 * 1024 ** 2;
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

/** One version of an object: version id (versioned buckets) or etag pins its bytes. */
export interface ObjectVersion {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
}

/** What a copy made: the new object's version (when the bucket keeps versions), etag and size. */
export interface CopiedObject {
  versionId?: string;
  etag?: string;
  sizeBytes: number;
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

  /**
   * Removes an object (one version of it when given); removing what is not there succeeds, as in S3.
   * `ifMatch` deletes the current object only while it still has that etag, so a newer upload
   * to the same key is never the one removed.
   */
  async deleteObject(bucket: string, key: string, versionId?: string, signal?: AbortSignal, ifMatch?: string): Promise<void> {
    await this.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), ...(ifMatch ? { IfMatch: quoted(ifMatch) } : {}) }),
      { abortSignal: signal },
    );
  }

  /**
   * Copies one version of an object inside S3 (no bytes pass through the worker), keeping its
   * content type and metadata, and encrypting the copy as this store writes artefacts. Without a
   * version id, the copy is of the object only while it has the given etag. Over CopyObject's
   * 5 GiB the copy goes part by part; `onProgress` is called after each part. Copying again
   * writes the same bytes to the same key, so a retried copy is harmless.
   */
  async copyObject(from: ObjectVersion, to: { bucket: string; key: string }, options: { sizeBytes?: number; signal?: AbortSignal; onProgress?: () => void } = {}): Promise<CopiedObject> {
    const copySource = copySourceOf(from);
    const encryption = this.options.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.options.kmsKeyId } : {};
    const pinned = !from.versionId && from.etag ? { CopySourceIfMatch: quoted(from.etag) } : {};
    const sizeBytes = options.sizeBytes ?? (await this.headVersion(from, options.signal)).sizeBytes;
    if (sizeBytes <= SINGLE_COPY_MAX_BYTES) {
      const copied = await this.s3.send(
        new CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: copySource, MetadataDirective: 'COPY', TaggingDirective: 'COPY', ...pinned, ...encryption }),
        { abortSignal: options.signal },
      );
      return { ...(copied.VersionId ? { versionId: copied.VersionId } : {}), ...(copied.CopyObjectResult?.ETag ? { etag: unquoted(copied.CopyObjectResult.ETag) } : {}), sizeBytes };
    }
    return this.copyInParts(from, to, sizeBytes, { copySource, pinned, encryption, ...options });
  }

  /** A multipart copy: the new object gets the source's type and metadata, which UploadPartCopy does not carry. */
  private async copyInParts(
    from: ObjectVersion,
    to: { bucket: string; key: string },
    sizeBytes: number,
    options: { copySource: string; pinned: { CopySourceIfMatch?: string }; encryption: object; signal?: AbortSignal; onProgress?: () => void },
  ): Promise<CopiedObject> {
    const source = await this.s3.send(new HeadObjectCommand({ Bucket: from.bucket, Key: from.key, ...(from.versionId ? { VersionId: from.versionId } : {}) }), { abortSignal: options.signal });
    const { UploadId: uploadId } = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: to.bucket,
        Key: to.key,
        ContentType: source.ContentType,
        ContentDisposition: source.ContentDisposition,
        ContentEncoding: source.ContentEncoding,
        CacheControl: source.CacheControl,
        Metadata: source.Metadata,
        ...options.encryption,
      }),
      { abortSignal: options.signal },
    );
    if (!uploadId) throw new Error(`no upload id to copy into ${to.key}`);
    try {
      const parts: { ETag?: string; PartNumber: number }[] = [];
      for (let start = 0, part = 1; start < sizeBytes; start += COPY_PART_BYTES, part += 1) {
        const end = Math.min(sizeBytes, start + COPY_PART_BYTES) - 1;
        const copied = await this.s3.send(
          new UploadPartCopyCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId, PartNumber: part, CopySource: options.copySource, CopySourceRange: `bytes=${start}-${end}`, ...options.pinned }),
          { abortSignal: options.signal },
        );
        parts.push({ PartNumber: part, ...(copied.CopyPartResult?.ETag ? { ETag: copied.CopyPartResult.ETag } : {}) });
        options.onProgress?.();
      }
      const done = await this.s3.send(new CompleteMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: options.signal });
      return { ...(done.VersionId ? { versionId: done.VersionId } : {}), ...(done.ETag ? { etag: unquoted(done.ETag) } : {}), sizeBytes };
    } catch (err) {
      // Parts of an unfinished upload are stored (and billed) until aborted.
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId })).catch(() => undefined);
      throw err;
    }
  }

  private async headVersion(object: ObjectVersion, signal?: AbortSignal): Promise<ObjectHead> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key, ...(object.versionId ? { VersionId: object.versionId } : {}) }), { abortSignal: signal });
    return { sizeBytes: head.ContentLength ?? 0, etag: head.ETag, contentType: head.ContentType };
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

/**
 * The x-amz-copy-source of one version: bucket and key URL-encoded segment by segment (S3
 * decodes it; an unencoded `?`, `#` or `%` in a key would end or garble it), then the version.
 */
function copySourceOf({ bucket, key, versionId }: ObjectVersion): string {
  const path = `${bucket}/${key.split('/').map(encodeRfc3986).join('/')}`;
  return versionId ? `${path}?versionId=${encodeURIComponent(versionId)}` : path;
}

function encodeRfc3986(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** S3 compares etags as sent in headers: quoted. */
function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

function unquoted(etag: string): string {
  return etag.replace(/"/g, '');
}
