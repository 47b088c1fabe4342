import { Context } from '@temporalio/activity';
import type { RemoveOriginalInput } from '../common/archived-source';
import type { MediaSource } from '../common/types';
import type { ArchiveSettings } from '../worker/config';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';

/** Liveness while S3 copies server-side: one CopyObject of 5 GiB sends nothing back for a minute or more. */
const HEARTBEAT_INTERVAL_MS = 10_000;

export interface ArchiveInput {
  mediaId: string;
  source: MediaSource;
}

/**
 * What archiving did with the original. `kept` means nothing was copied: archiving is switched
 * off, or the object is not under the intake prefix (a re-run of media already archived).
 */
export type ArchiveCopy = { status: 'copied'; archived: MediaSource } | { status: 'kept'; reason: string };

export type RemoveOriginal = { status: 'removed' } | { status: 'kept'; reason: string };

/**
 * Where an original goes: `<intake><rest>` to `<archive><rest>`, same bucket; undefined for a key
 * outside the intake prefix, which archiving leaves where it is.
 */
export function archiveKeyFor(key: string, settings: Pick<ArchiveSettings, 'intakePrefix' | 'archivePrefix'>): string | undefined {
  if (!key.startsWith(settings.intakePrefix) || key.startsWith(settings.archivePrefix)) return undefined;
  return `${settings.archivePrefix}${key.slice(settings.intakePrefix.length)}`;
}

/**
 * Archiving in two steps around the COMPLETED record, so no crash loses the media: copy the
 * analysed version to the archive prefix (the original stays), record COMPLETED with the copy as
 * the source, then remove the original version. A crash before the record leaves the original
 * where it was (the retried copy writes the same bytes again); a crash after it leaves both.
 */
export function createArchiveActivities({ store, archive }: Pick<ActivityDeps, 'store'> & { archive: () => ArchiveSettings }) {
  return {
    async archiveOriginal({ mediaId, source }: ArchiveInput): Promise<ArchiveCopy> {
      const settings = archive();
      if (!settings.enabled) return { status: 'kept', reason: 'archiving originals is switched off (REELSCOPE_ARCHIVE_ORIGINALS=false)' };
      const key = archiveKeyFor(source.key, settings);
      if (!key) return { status: 'kept', reason: `the source is not under ${settings.intakePrefix || 'the intake prefix'}` };
      return withFailureMapping(async () => {
        const context = Context.current();
        const keepAlive = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
        try {
          const copied = await store.copyObject(source, { bucket: source.bucket, key }, {
            ...(source.sizeBytes !== undefined ? { sizeBytes: source.sizeBytes } : {}),
            signal: context.cancellationSignal,
            onProgress: () => context.heartbeat(),
          });
          const archived: MediaSource = {
            bucket: source.bucket,
            key,
            ...(copied.versionId ? { versionId: copied.versionId } : {}),
            ...(copied.etag ?? source.etag ? { etag: copied.etag ?? source.etag } : {}),
            sizeBytes: copied.sizeBytes,
          };
          context.log.info('original copied to the archive', { mediaId, key, ...(copied.versionId ? { versionId: copied.versionId } : {}) });
          return { status: 'copied', archived };
        } finally {
          clearInterval(keepAlive);
        }
      });
    },

    /**
     * Removes the analysed version of the original once the record names the copy. Without a
     * version id (an unversioned bucket), only while the key still holds the analysed bytes:
     * a newer upload to the same key is not this media, and stays.
     */
    async removeArchivedOriginal({ mediaId, original }: RemoveOriginalInput): Promise<RemoveOriginal> {
      return withFailureMapping(async () => {
        const { log } = Context.current();
        // Nothing pins the analysed bytes: a delete could remove a newer upload to the key.
        if (!original.versionId && !original.etag) {
          log.warn('original not removed: neither a version id nor an etag pins the analysed bytes', { mediaId, key: original.key });
          return { status: 'kept', reason: 'neither a version id nor an etag pins the analysed bytes, so a newer upload to the key cannot be told apart; it stays' };
        }
        try {
          await store.deleteObject(original.bucket, original.key, original.versionId, undefined, original.versionId ? undefined : original.etag);
        } catch (err) {
          const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          // A retry after a delete that went through: the key is gone already, which is the aim.
          if (status === 404) return { status: 'removed' };
          if (status === 412) {
            log.warn('original not removed: the key holds a newer upload', { mediaId, key: original.key });
            return { status: 'kept', reason: 'the key holds a newer upload than the one analysed; it stays' };
          }
          throw err;
        }
        log.info('archived original removed', { mediaId, key: original.key });
        return { status: 'removed' };
      });
    },
  };
}
