import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes: what an operator filters on in the Web UI ("where is video X?"). */
export const MEDIA_ID = defineSearchAttributeKey('MediaId', SearchAttributeType.KEYWORD);
export const TENANT = defineSearchAttributeKey('Tenant', SearchAttributeType.KEYWORD);
export const MEDIA_KIND = defineSearchAttributeKey('MediaKind', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const FLAGGED = defineSearchAttributeKey('Flagged', SearchAttributeType.BOOL);
export const DURATION_SECONDS = defineSearchAttributeKey('DurationSeconds', SearchAttributeType.DOUBLE);

/** Every key, for registering them on a server (`temporal server start-dev --search-attribute`). */
export const ALL_SEARCH_ATTRIBUTES = [MEDIA_ID, TENANT, MEDIA_KIND, STAGE, FLAGGED, DURATION_SECONDS] as const;
