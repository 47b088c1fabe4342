import type { Client } from '@temporalio/client';
import type { MediaSource } from '../common/types';
import type { StarterConfig } from './config';
import { checkIncomingKey, mediaIdFor } from './media-identity';
import { parseS3Event } from './s3-events';
import { startAnalysis, type StartOutcome } from './start-analysis';

export interface StarterLog {
  info(meta: Record<string, unknown>, message: string): void;
  warn(meta: Record<string, unknown>, message: string): void;
}

export interface HandledEvent {
  started: StartOutcome[];
  /** Objects the filters turned away, with the reason. */
  filtered: { key: string; reason: string }[];
  /** Events or records that are not uploads (deletes, restores...). */
  ignored: string[];
  /** Set when the event is not an S3 event at all. */
  unsupported?: string;
}

/**
 * The starter's core, shared by the Lambda and the local demo: reads an S3 upload event,
 * applies the prefix/suffix/size filters and key checks, and starts one workflow per media.
 */
export async function handleS3Event(event: unknown, client: Client, config: StarterConfig, log: StarterLog): Promise<HandledEvent> {
  const parsed = parseS3Event(event);
  if (parsed.shape === 'unsupported') {
    log.warn({ reason: parsed.reason }, 'unsupported event ignored');
    return { started: [], filtered: [], ignored: [], unsupported: parsed.reason };
  }
  const result: HandledEvent = { started: [], filtered: [], ignored: parsed.ignored };
  for (const source of parsed.created) {
    const refusal = filterReason(source, config);
    const key = checkIncomingKey(source.key, config.incomingPrefix);
    if (refusal || !key.ok) {
      const reason = refusal ?? (key.ok ? 'filtered' : key.reason);
      result.filtered.push({ key: source.key, reason });
      log.info({ bucket: source.bucket, key: source.key, reason }, 'object filtered out');
      continue;
    }
    const mediaId = mediaIdFor(source);
    const tier = config.tenantTiers[key.tenant] ?? config.defaultTier;
    const outcome = await startAnalysis(client, config.taskQueue, { mediaId, tenant: key.tenant, tier, source });
    log.info({ mediaId, workflowId: outcome.workflowId, key: source.key, alreadyAnalysed: outcome.alreadyAnalysed }, 'analysis started');
    result.started.push(outcome);
  }
  return result;
}

function filterReason(source: MediaSource, config: StarterConfig): string | undefined {
  const lower = source.key.toLowerCase();
  if (!config.suffixes.some((suffix) => lower.endsWith(suffix))) return `suffix not in ${config.suffixes.join(' ')}`;
  if (source.sizeBytes !== undefined && source.sizeBytes < config.minSizeBytes) {
    return `size ${source.sizeBytes} below the ${config.minSizeBytes} byte minimum`;
  }
  return undefined;
}
