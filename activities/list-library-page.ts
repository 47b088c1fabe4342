import { reviewPolicyFor, type IntakeConfig } from '../intake/config';
import { mediaIdFor, workflowIdFor } from '../intake/media-identity';
import { admitUpload } from '../intake/upload-filter';
import type { MediaSource } from '../common/types';
import type { ObjectStore } from '../storage/object-store';
import { addRefusals } from '../workflows/backfill-batching';
import type { BackfillCandidate, LibraryPage, ListLibraryPageInput } from '../workflows/backfill-messages';

export interface ListLibraryDeps {
  store: ObjectStore;
  /** The intake config the starter uses; read from the worker's environment when not given. */
  intake: () => IntakeConfig;
}

/**
 * Lists one page of a library and turns it into what the backfill starts: the analysis input
 * of each object the intake admits (tier and review policy resolved here, from the starter's
 * config, so the workflow holds no configuration), and counts of the rest by reason.
 */
export function createListLibraryPageActivity({ store, intake }: ListLibraryDeps) {
  return async function listLibraryPage(input: ListLibraryPageInput): Promise<LibraryPage> {
    const config = intake();
    const since = input.since ? Date.parse(input.since) : undefined;
    const page = await store.listPage(input.bucket, input.prefix, { pageSize: input.pageSize, ...(input.cursor ? { cursor: input.cursor } : {}) });
    const candidates: BackfillCandidate[] = [];
    const refusals: Record<string, number> = {};
    let olderThanSince = 0;
    const tier = config.tenantTiers[input.tenant] ?? config.defaultTier;
    const review = reviewPolicyFor(config, input.tenant);
    for (const object of page.objects) {
      if (since !== undefined && (object.lastModified?.getTime() ?? 0) < since) {
        olderThanSince += 1;
        continue;
      }
      // Unquoted, as S3 events carry it, so the media id is the one the starter gave this upload.
      const etag = object.etag?.replace(/"/g, '');
      const source: MediaSource = { bucket: input.bucket, key: object.key, sizeBytes: object.sizeBytes, ...(etag ? { etag } : {}) };
      const admission = admitUpload(source, config);
      const reason = !admission.ok ? admission.reason : admission.tenant !== input.tenant ? `key belongs to tenant ${admission.tenant}` : undefined;
      if (reason) {
        refusals[reason] = (refusals[reason] ?? 0) + 1;
        continue;
      }
      const mediaId = mediaIdFor(source);
      candidates.push({ workflowId: workflowIdFor(mediaId), input: { mediaId, tenant: input.tenant, tier, source, ...(review ? { review } : {}) } });
    }
    return {
      candidates,
      listed: page.objects.length,
      refused: addRefusals({}, refusals),
      olderThanSince,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  };
}
