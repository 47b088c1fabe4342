import type { MediaSource } from '../common/types';
import type { IntakeConfig } from './config';
import { checkIncomingKey } from './media-identity';

export type Admission = { ok: true; tenant: string } | { ok: false; reason: string };

/**
 * Whether an upload is analysed: its ending, its size and its key (prefix, tenant, no
 * characters that could escape the prefix or rewrite a screen). The starter asks it of every
 * event; the CLI asks it before uploading, so a refused file is never left in the bucket.
 */
export function admitUpload(source: Pick<MediaSource, 'key' | 'sizeBytes'>, config: IntakeConfig): Admission {
  const lower = source.key.toLowerCase();
  if (!config.suffixes.some((suffix) => suffix === '*' || lower.endsWith(suffix))) {
    return { ok: false, reason: `suffix not in ${config.suffixes.join(' ')}` };
  }
  if (source.sizeBytes !== undefined && source.sizeBytes < config.minSizeBytes) {
    return { ok: false, reason: `size ${source.sizeBytes} below the ${config.minSizeBytes} byte minimum` };
  }
  return checkIncomingKey(source.key, config.incomingPrefix, config.defaultTenant);
}
