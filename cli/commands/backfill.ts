import { InvalidArgumentError } from 'commander';
import { parseS3Uri } from '../../common/s3-uri';
import { backfillStatus, pauseBackfill, resumeBackfill, startBackfill, type BackfillPlace, type BackfillStatus } from '../../operations/backfill-library';
import { DEFAULT_BACKFILL_IN_FLIGHT, DEFAULT_BACKFILL_PAGE_SIZE, MAX_BACKFILL_IN_FLIGHT, MAX_BACKFILL_PAGE_SIZE, MAX_BACKFILL_RATE, type BackfillProgress } from '../../workflows/backfill-messages';
import type { CliContext, CliOutput } from '../cli-context';

export interface BackfillOptions {
  tenant: string;
  rate: number;
  since?: string;
  pageSize: number;
  analysisQueue?: string;
  /** 0: no bound. */
  maxInFlight: number;
  status: boolean;
  pause: boolean;
  resume: boolean;
}

/** `s3://bucket/prefix`, or `s3://bucket` (or `s3://bucket/`) for the whole bucket. */
export function parseLibraryUri(value: string): { bucket: string; prefix: string } {
  const wholeBucket = /^s3:\/\/([^/]+)\/?$/.exec(value);
  if (wholeBucket?.[1]) return { bucket: wholeBucket[1], prefix: '' };
  try {
    const { bucket, key } = parseS3Uri(value);
    return { bucket, prefix: key };
  } catch {
    throw new InvalidArgumentError('expected s3://bucket/prefix');
  }
}

/** Starts per second: a whole number (`10` or `10/s`) from 1 to MAX_BACKFILL_RATE. */
export function parseRate(value: string): number {
  const n = Number(value.replace(/\/s$/, ''));
  if (!Number.isInteger(n) || n < 1 || n > MAX_BACKFILL_RATE) throw new InvalidArgumentError(`expected starts per second, a whole number from 1 to ${MAX_BACKFILL_RATE} (e.g. 10/s)`);
  return n;
}

/** A date or date-time in the past (ISO 8601: 2026-01-31 or 2026-01-31T12:00:00Z), as ISO. */
export function parseSince(value: string, now = Date.now()): string {
  const at = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw new InvalidArgumentError('expected an ISO 8601 date, e.g. 2026-01-31 or 2026-01-31T12:00:00Z');
  if (at > now) throw new InvalidArgumentError('expected a date in the past');
  return new Date(at).toISOString();
}

/** Analyses running at once: a whole number up to MAX_BACKFILL_IN_FLIGHT, or 0 for no bound. */
export function parseMaxInFlight(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_BACKFILL_IN_FLIGHT) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_BACKFILL_IN_FLIGHT}, or 0 for no bound (default ${DEFAULT_BACKFILL_IN_FLIGHT})`);
  return n;
}

export function parsePageSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BACKFILL_PAGE_SIZE) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_BACKFILL_PAGE_SIZE} (default ${DEFAULT_BACKFILL_PAGE_SIZE})`);
  return n;
}

/**
 * Starts (or joins) the backfill of a bucket prefix, or with --status, --pause, --resume
 * steers the one running there. Errors (no backfill there, not running) exit non-zero.
 */
export async function backfill(ctx: CliContext, uri: string, options: BackfillOptions, out: CliOutput): Promise<BackfillStatus | (BackfillStatus & { attached: boolean; runId: string })> {
  const controls = [options.status, options.pause, options.resume].filter(Boolean).length;
  if (controls > 1) throw new InvalidArgumentError('give at most one of --status, --pause, --resume');
  const place: BackfillPlace = { ...parseLibraryUri(uri), tenant: options.tenant };
  const where = `s3://${place.bucket}/${place.prefix} (tenant ${place.tenant})`;
  if (options.status) {
    const status = await backfillStatus(ctx.client, place);
    if (!out.json) out.print(`backfill ${status.workflowId} of ${where}: ${status.status}${status.progress ? `\n${describeProgress(status.progress)}` : ''}`);
    return status;
  }
  if (options.pause || options.resume) {
    const status = options.pause ? await pauseBackfill(ctx.client, place) : await resumeBackfill(ctx.client, place);
    if (!out.json) out.print(`${options.pause ? 'pause' : 'resume'} sent to backfill ${status.workflowId} of ${where}${options.pause ? ': no new analyses start until resumed; those started run on' : ''}`);
    return status;
  }
  const started = await startBackfill(ctx.client, ctx.starter.taskQueue, {
    ...place,
    ratePerSecond: options.rate,
    pageSize: options.pageSize,
    ...(options.since ? { since: options.since } : {}),
    ...(options.analysisQueue ? { childTaskQueue: options.analysisQueue } : {}),
    ...(options.maxInFlight > 0 ? { maxInFlight: options.maxInFlight } : {}),
  });
  if (!out.json) {
    out.print(
      started.attached
        ? `a backfill of ${where} is already running: ${started.workflowId} (run ${started.runId}); its own rate and --since apply. reelscope backfill ${uri} --tenant ${place.tenant} --status follows it`
        : `backfill started: ${started.workflowId} (run ${started.runId}) at up to ${options.rate} starts/s${options.maxInFlight > 0 ? ` and ${options.maxInFlight} analyses at once` : ''}${options.since ? ` for objects modified since ${options.since}` : ''}`,
    );
  }
  return { ...started, status: 'RUNNING' };
}

function describeProgress(p: BackfillProgress): string {
  const refused = Object.entries(p.refused).map(([reason, n]) => `\n    ${n} ${reason}`).join('');
  const refusedTotal = Object.values(p.refused).reduce((a, b) => a + b, 0);
  return [
    `  ${p.done ? 'done' : p.paused ? 'paused' : 'running'}: ${p.pages} pages, ${p.listed} objects listed`,
    `  started ${p.started}${p.finished !== undefined ? ` (${p.finished} ended)` : ''}, already analysed ${p.alreadyAnalysed}, refused ${refusedTotal}${refused}`,
    ...(p.olderThanSince ? [`  older than --since: ${p.olderThanSince}`] : []),
  ].join('\n');
}
