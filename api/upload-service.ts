import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Caller } from '../auth/caller';
import type { MediaSource } from '../common/types';
import { reviewPolicyFor, type IntakeConfig } from '../intake/config';
import { mediaIdFor } from '../intake/media-identity';
import { startAnalysis } from '../intake/start-analysis';
import { admitUpload } from '../intake/upload-filter';
import type { UploadSession, UploadSessions } from '../storage/upload-sessions';
import type { UploadUrls } from '../storage/upload-urls';
import { MAX_SIGNED_PARTS, type ApiConfig } from './config';
import { notFound, ProblemError } from './problem';
import { kindOfContentType, partLayout, partSizes, safeFileName } from './upload-policy';

export interface UploadDeclaration {
  fileName: string;
  sizeBytes: number;
  contentType: string;
}

export type UploadTarget =
  | { method: 'PUT'; url: string }
  | { method: 'MULTIPART'; partBytes: number; parts: { partNumber: number; url: string }[] };

export interface UploadStarted {
  uploadId: string;
  key: string;
  expiresAt: string;
  upload: UploadTarget;
}

export interface UploadCompleted {
  uploadId: string;
  mediaId: string;
  workflowId: string;
}

export interface UploadServiceDeps {
  config: ApiConfig;
  starter: IntakeConfig;
  sessions: UploadSessions;
  urls: UploadUrls;
  temporal: Client;
  now: () => Date;
}

/**
 * Upload init and complete: everything is checked before anything is signed, and complete
 * starts the analysis through the starter's own code with the media identity the S3 event of
 * the same object gives, so the event that also arrives starts nothing new.
 */
export class UploadService {
  constructor(private readonly deps: UploadServiceDeps) {}

  async init(caller: Caller, declared: UploadDeclaration): Promise<UploadStarted> {
    const { config, starter } = this.deps;
    const kind = kindOfContentType(declared.contentType);
    if (!kind || !config.uploads.acceptedKinds.includes(kind)) {
      throw refused('unsupported-media-type', 415, 'Media type not accepted', `${declared.contentType} is not accepted; accepted kinds: ${config.uploads.acceptedKinds.join(', ')}`);
    }
    const tier = starter.tenantTiers[caller.tenant] ?? starter.defaultTier;
    const maxBytes = config.uploads.tierMaxBytes[tier];
    if (maxBytes === undefined) throw refused('unknown-tier', 422, 'Tier takes no uploads', `the ${tier} tier has no upload limit configured`);
    if (declared.sizeBytes > maxBytes) throw refused('upload-too-large', 413, 'Upload too large', `${declared.sizeBytes} bytes is over the ${tier} tier's ${maxBytes} byte limit`);
    const uploadId = randomUUID();
    const key = `${starter.incomingPrefix}${caller.tenant}/${uploadId}-${safeFileName(declared.fileName)}`;
    // The starter's own filters (ending, minimum size, key checks): what it would turn away is never signed.
    const admission = admitUpload({ key, sizeBytes: declared.sizeBytes }, starter);
    if (!admission.ok) throw refused('upload-refused', 422, 'Upload not accepted', admission.reason);

    const now = this.deps.now();
    const expiresAt = Math.floor(now.getTime() / 1000) + config.uploads.sessionSeconds;
    const expiresIn = config.uploads.sessionSeconds;
    const layout = partLayout(declared.sizeBytes, config.uploads, MAX_SIGNED_PARTS);
    let upload: UploadTarget;
    let multipart: UploadSession['multipart'];
    if (layout) {
      const s3UploadId = await this.deps.urls.createMultipart(config.bucket, key, declared.contentType);
      const { urls } = this.deps;
      const parts = await Promise.all(
        partSizes(declared.sizeBytes, layout).map(async (part) => ({ partNumber: part.partNumber, url: await urls.presignPart(config.bucket, key, s3UploadId, part, expiresIn) })),
      );
      multipart = { s3UploadId, ...layout };
      upload = { method: 'MULTIPART', partBytes: layout.partBytes, parts };
    } else {
      upload = { method: 'PUT', url: await this.deps.urls.presignPut(config.bucket, key, declared.sizeBytes, expiresIn) };
    }
    await this.deps.sessions.create({
      uploadId,
      tenant: caller.tenant,
      createdBy: caller.subject,
      bucket: config.bucket,
      key,
      fileName: declared.fileName,
      contentType: declared.contentType,
      sizeBytes: declared.sizeBytes,
      ...(multipart ? { multipart } : {}),
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { uploadId, key, expiresAt: new Date(expiresAt * 1000).toISOString(), upload };
  }

  async complete(caller: Caller, uploadId: string, parts: { partNumber: number; etag: string }[] | undefined): Promise<UploadCompleted> {
    const session = await this.deps.sessions.get(uploadId);
    // Another tenant's session is as absent as one that never existed.
    if (!session || session.tenant !== caller.tenant) throw notFound('upload session');
    if (session.mediaId && session.workflowId) return { uploadId, mediaId: session.mediaId, workflowId: session.workflowId };
    if (session.expiresAt * 1000 <= this.deps.now().getTime()) {
      throw refused('upload-session-expired', 410, 'Upload session expired', `the session ended at ${new Date(session.expiresAt * 1000).toISOString()}; start a new upload`);
    }
    if (session.multipart) {
      if (!parts || parts.length !== session.multipart.partCount) {
        throw refused('parts-required', 422, 'Parts required', `this multipart upload needs the ETag of each of its ${session.multipart.partCount} parts`);
      }
      await this.completeMultipart(session, parts);
    }
    const object = await this.deps.urls.head(session.bucket, session.key);
    if (!object) throw refused('upload-missing', 409, 'Upload not found in storage', 'nothing was uploaded to this session\'s URL');
    if (object.sizeBytes !== session.sizeBytes) {
      throw refused('size-mismatch', 422, 'Size does not match the declaration', `declared ${session.sizeBytes} bytes, stored ${object.sizeBytes}`);
    }
    const source: MediaSource = { bucket: session.bucket, key: session.key, sizeBytes: object.sizeBytes, ...(object.etag ? { etag: object.etag } : {}), ...(object.versionId ? { versionId: object.versionId } : {}) };
    const mediaId = mediaIdFor(source);
    const { starter } = this.deps;
    const review = reviewPolicyFor(starter, session.tenant);
    const outcome = await startAnalysis(this.deps.temporal, starter.taskQueue, {
      mediaId,
      tenant: session.tenant,
      tier: starter.tenantTiers[session.tenant] ?? starter.defaultTier,
      source,
      ...(review ? { review } : {}),
    });
    const stored = await this.deps.sessions.markCompleted(uploadId, { mediaId, workflowId: outcome.workflowId });
    return { uploadId, mediaId: stored.mediaId ?? mediaId, workflowId: stored.workflowId ?? outcome.workflowId };
  }

  private async completeMultipart(session: UploadSession, parts: { partNumber: number; etag: string }[]): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    if (sorted.some((part, i) => part.partNumber !== i + 1)) throw refused('parts-required', 422, 'Parts required', 'part numbers must be 1..n, each once');
    try {
      await this.deps.urls.completeMultipart(session.bucket, session.key, session.multipart?.s3UploadId ?? '', sorted);
    } catch (err) {
      // A repeated complete after S3 finished the upload: the object's head decides below.
      if ((err as Error).name === 'NoSuchUpload') return;
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400) {
        throw refused('parts-rejected', 422, 'Parts rejected by storage', 'storage refused the parts list (a missing part or a wrong ETag)', err);
      }
      throw err;
    }
  }
}

function refused(slug: string, status: number, title: string, detail: string, cause?: unknown): ProblemError {
  return new ProblemError(status, slug, title, detail, cause === undefined ? undefined : { cause });
}
