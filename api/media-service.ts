import type { Client } from '@temporalio/client';
import type { Caller } from '../auth/caller';
import { mediaTypeOf, PLAYBACK_PROXY_MEDIA_TYPE } from '../common/browser-playback';
import { parseS3Uri } from '../common/s3-uri';
import { TERMINAL_STATUSES, type AnalysisOutcome, type MediaFacts, type MediaSource, type MediaStatus, type PreviousReport, type Progress, type ReportSummary, type SpineSummary } from '../common/types';
import { EXPORT_CONTENT_TYPES, EXPORT_NAMES, type ExportName } from '../report/editorial/exports';
import type { Report } from '../report/report-schema';
import { InvalidCursorError, type MediaRecords } from '../storage/media-records';
import type { ObjectStore, ServeAs } from '../storage/object-store';
import { progressQuery } from '../workflows/messages';
import { notFound, ProblemError } from './problem';

/** How long an artefact link lives: long enough to open it, short enough not to be shared around. */
export const ARTEFACT_LINK_SECONDS = 300;

const TERMINAL = new Set<string>(TERMINAL_STATUSES);

export interface MediaSummary {
  mediaId: string;
  status: MediaStatus;
  fileName: string;
  updatedAt: string;
  flagged?: boolean;
}

export interface Artefact {
  name: string;
  url: string;
}

/** Thumbnails output as the thumbnails analysis writes it (only the refs are read here). */
interface ThumbnailsManifest {
  poster?: { ref: string };
  keyframes?: { time: number; ref: string }[];
}

/**
 * The tenant's media as the API shows it. Every read starts from the record and checks its
 * tenant: another tenant's media is answered exactly as media that does not exist.
 */
export class MediaService {
  constructor(
    private readonly deps: { records: MediaRecords; store: ObjectStore; temporal: Client },
  ) {}

  async list(caller: Caller, options: { status?: MediaStatus; limit: number; cursor?: string }): Promise<{ items: MediaSummary[]; nextCursor?: string }> {
    let page: Awaited<ReturnType<MediaRecords['pageByTenant']>>;
    try {
      page = await this.deps.records.pageByTenant(caller.tenant, options);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new ProblemError(400, 'invalid-cursor', 'Invalid cursor', err.message, { cause: err });
      throw err;
    }
    return { items: page.items.map(summaryOf), ...(page.cursor ? { nextCursor: page.cursor } : {}) };
  }

  /** The tenant's record, or 404. */
  async record(caller: Caller, mediaId: string): Promise<Record<string, unknown>> {
    const record = await this.deps.records.get(mediaId);
    if (!record || record['tenant'] !== caller.tenant) throw notFound('media');
    return record;
  }

  /** Record plus, while the run is not finished, the workflow's live `progress` answer. */
  async detail(caller: Caller, mediaId: string): Promise<{ record: Record<string, unknown>; progress?: Progress }> {
    const record = await this.record(caller, mediaId);
    if (TERMINAL.has(String(record['status'])) || typeof record['workflowId'] !== 'string') return { record };
    try {
      const progress = await this.deps.temporal.workflow.getHandle(record['workflowId']).query(progressQuery);
      return { record, progress };
    } catch {
      // The run may have just closed, or no worker is up to answer: the record still stands.
      return { record };
    }
  }

  async reportJson(caller: Caller, mediaId: string): Promise<unknown> {
    return this.deps.store.getJson(this.reportOf(await this.record(caller, mediaId)).jsonRef);
  }

  async reportHtml(caller: Caller, mediaId: string): Promise<string> {
    return (await this.deps.store.getBytes(this.reportOf(await this.record(caller, mediaId)).htmlRef)).toString('utf8');
  }

  /** Short-lived GET links to what the record references: the source, its playback proxy, outputs, spine, report, thumbnails. */
  async artefacts(caller: Caller, mediaId: string): Promise<{ expiresInSeconds: number; artefacts: Artefact[] }> {
    const record = await this.record(caller, mediaId);
    // Every link says how S3 serves the object: the stored type of an upload is the uploader's word.
    const refs: { name: string; ref: string; versionId?: string; serveAs: ServeAs }[] = [];
    const json: ServeAs = { contentType: 'application/json' };
    const reportPage: ServeAs = { contentType: 'text/html; charset=utf-8', disposition: 'attachment' };
    // The uploaded file itself, for the portal's player; the record says which object version was analysed.
    const source = record['source'] as MediaSource | undefined;
    const media = record['media'] as MediaFacts | undefined;
    if (source?.bucket && source.key) {
      refs.push({ name: 'source', ref: `s3://${source.bucket}/${source.key}`, ...(source.versionId ? { versionId: source.versionId } : {}), serveAs: { contentType: mediaTypeOf(media) } });
    }
    // Uploads no browser plays as they are get an H.264/AAC proxy; the portal plays that instead.
    if (typeof record['playbackRef'] === 'string') refs.push({ name: 'playback', ref: record['playbackRef'], serveAs: { contentType: PLAYBACK_PROXY_MEDIA_TYPE } });
    const outcomes = Array.isArray(record['outcomes']) ? (record['outcomes'] as AnalysisOutcome[]) : [];
    for (const outcome of outcomes) {
      if (outcome.status !== 'succeeded') continue;
      if (outcome.ref) refs.push({ name: outcome.kind, ref: outcome.ref, serveAs: json });
      for (const [file, ref] of Object.entries(outcome.files ?? {})) refs.push({ name: `${outcome.kind}/${file}`, ref, serveAs: { contentType: fileType(file) } });
    }
    const spine = record['spine'] as SpineSummary | undefined;
    if (spine?.ref) refs.push({ name: 'spine', ref: spine.ref, serveAs: json });
    const report = record['report'] as ReportSummary | undefined;
    if (report) {
      // The page renders at /v1/media/{id}/report.html under its CSP; from the bucket it is a download.
      refs.push({ name: 'report.json', ref: report.jsonRef, serveAs: json }, { name: 'report.html', ref: report.htmlRef, serveAs: reportPage });
      // The EDL and CSV exports beside it: report.json names them (reports before them name none).
      for (const file of await this.exportsOf(report)) refs.push({ name: `exports/${file.name}`, ref: file.ref, serveAs: { contentType: EXPORT_CONTENT_TYPES[file.name], disposition: 'attachment' } });
    }
    // A re-run keeps its earlier reports readable where their runs wrote them.
    const previous = Array.isArray(record['previousReports']) ? (record['previousReports'] as PreviousReport[]) : [];
    for (const earlier of previous) {
      refs.push({ name: `previous/${earlier.runId}/report.json`, ref: earlier.jsonRef, serveAs: json }, { name: `previous/${earlier.runId}/report.html`, ref: earlier.htmlRef, serveAs: reportPage });
    }
    const thumbnails = outcomes.find((o) => o.kind === 'thumbnails' && o.status === 'succeeded' && o.ref);
    if (thumbnails?.ref) {
      const manifest = await this.deps.store.getJson<ThumbnailsManifest>(thumbnails.ref);
      const jpeg: ServeAs = { contentType: 'image/jpeg' };
      if (manifest.poster) refs.push({ name: 'thumbnails/poster', ref: manifest.poster.ref, serveAs: jpeg });
      (manifest.keyframes ?? []).forEach((k, i) => refs.push({ name: `thumbnails/keyframe-${i + 1}`, ref: k.ref, serveAs: jpeg }));
    }
    const artefacts = await Promise.all(
      refs.map(async ({ name, ref, versionId, serveAs }) => {
        const { bucket, key } = parseS3Uri(ref);
        return { name, url: await this.deps.store.presignGet(bucket, key, versionId, ARTEFACT_LINK_SECONDS, serveAs) };
      }),
    );
    return { expiresInSeconds: ARTEFACT_LINK_SECONDS, artefacts };
  }

  /**
   * The export files a report names; none when it names none or names something this code
   * does not know. One more read of report.json: the record's report summary does not list them.
   */
  private async exportsOf(report: ReportSummary): Promise<{ name: ExportName; ref: string }[]> {
    const stored = await this.deps.store.getJson<Pick<Report, 'exports'>>(report.jsonRef);
    const files = Array.isArray(stored.exports?.files) ? stored.exports.files : [];
    return files.filter((f) => (EXPORT_NAMES as readonly string[]).includes(f.name) && typeof f.ref === 'string' && f.ref.startsWith('s3://'));
  }

  private reportOf(record: Record<string, unknown>): ReportSummary {
    const report = record['report'] as ReportSummary | undefined;
    if (!report) throw new ProblemError(409, 'no-report', 'No report yet', `the media is ${String(record['status'])} and has no report`);
    return report;
  }
}

function summaryOf(item: Record<string, unknown>): MediaSummary {
  const source = item['source'] as { key?: string } | undefined;
  return {
    mediaId: String(item['mediaId']),
    status: item['status'] as MediaStatus,
    fileName: source?.key?.split('/').pop() ?? '',
    // The status index projects `statusUpdatedAt` (`<status>#<time>`), not `updatedAt`.
    updatedAt: typeof item['updatedAt'] === 'string' ? item['updatedAt'] : typeof item['statusUpdatedAt'] === 'string' ? (item['statusUpdatedAt'].split('#')[1] ?? '') : '',
    ...(typeof item['flagged'] === 'boolean' ? { flagged: item['flagged'] } : {}),
  };
}

/** What a further output is served as, by its ending; anything else is bytes, which no browser runs. */
function fileType(name: string): string {
  if (name.endsWith('.vtt')) return 'text/vtt; charset=utf-8';
  if (name.endsWith('.srt')) return 'application/x-subrip; charset=utf-8';
  if (name.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}
