import type { MediaSource } from './types';

/**
 * The activity that removes an original once its media's record names the archived copy. Its
 * input says where the media now lives, so a retry or re-run reads that from the run's history.
 */
export const REMOVE_ARCHIVED_ORIGINAL = 'removeArchivedOriginal';

export interface RemoveOriginalInput {
  mediaId: string;
  original: MediaSource;
  /** Where the original now lives; what a later retry or re-run analyses. */
  archived: MediaSource;
}
