import type { Client } from '@temporalio/client';
import { reviewPolicyFor, type IntakeConfig } from '../intake/config';
import { mediaIdFor } from '../intake/media-identity';
import { parseS3Event } from './s3-events';
import { startAnalysis, type StartOutcome } from '../intake/start-analysis';
import type { StarterLog } from './starter-log';
import { admitUpload } from '../intake/upload-filter';

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
 * The starter's core, shared by the Lambda, the CLI and the local demo: reads an S3 upload
 * event, applies the prefix/suffix/size filters and key checks, and starts one workflow per
 * media. A failed start throws (after the starts before it, which are idempotent), so the
 * delivery is retried as a whole.
 */
export async function handleS3Event(event: unknown, client: Client, config: IntakeConfig, log: StarterLog): Promise<HandledEvent> {
  const parsed = parseS3Event(event);
  if (parsed.shape === 'unsupported') {
    log.warn('unsupported event ignored', { reason: parsed.reason });
    return { started: [], filtered: [], ignored: [], unsupported: parsed.reason };
  }
  const result: HandledEvent = { started: [], filtered: [], ignored: parsed.ignored };
  for (const reason of parsed.ignored) log.info('event is not an upload', { reason });
  for (const source of parsed.created) {
    const key = admitUpload(source, config);
    if (!key.ok) {
      result.filtered.push({ key: source.key, reason: key.reason });
      log.info('object filtered out', { bucket: source.bucket, key: source.key, reason: key.reason });
      continue;
    }
    const mediaId = mediaIdFor(source);
    const mediaLog = log.withCorrelationId(mediaId);
    const tier = config.tenantTiers[key.tenant] ?? config.defaultTier;
    const review = reviewPolicyFor(config, key.tenant);
    const outcome = await startAnalysis(client, config.taskQueue, {
      mediaId,
      tenant: key.tenant,
      tier,
      source,
      ...(review ? { review } : {}),
    });
    mediaLog.info(outcome.alreadyAnalysed ? 'media already analysed, nothing started' : 'analysis started', {
      workflowId: outcome.workflowId,
      runId: outcome.runId,
      bucket: source.bucket,
      key: source.key,
    });
    result.started.push(outcome);
  }
  return result;
}
