import { ApplicationFailure, Context } from '@temporalio/activity';
import { runResultsPrefix } from './run-results-prefix';
import type { AnalysisOutcome, AnalysisPlan, MediaFacts, MediaSource, ReportSummary, SpineSummary } from '../common/types';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';
import { bedrockCost, mediaCost, outcomesOfRun } from '../cost/price-table';
import { buildExports } from '../report/editorial/exports';
import { renderReportHtml, type ReportImages } from '../report/render-report-html';
import { reportSchema, type Report } from '../report/report-schema';
import type { Spine } from '../spine/spine';

export interface ReportInput {
  mediaId: string;
  tenant: string;
  source: MediaSource;
  media: MediaFacts;
  plan: AnalysisPlan;
  outcomes: AnalysisOutcome[];
  spine: SpineSummary;
}

/**
 * Report: writes report.json (schema-validated), a self-contained report.html, and beside
 * them the shots and chapters as CMX3600 EDL and CSV, which report.json names.
 */
export function createReportActivity({ store, reportWriter, prices }: ActivityDeps) {
  return async function writeReport(input: ReportInput): Promise<ReportSummary> {
    return withFailureMapping(() => write(input));
  };

  async function write(input: ReportInput): Promise<ReportSummary> {
    const { cancellationSignal: signal } = Context.current();
    const spine = await store.getJson<Spine>(input.spine.ref, signal);
    const written = await reportWriter.write(
      { mediaId: input.mediaId, sourceKey: input.source.key, media: input.media, spine, outcomes: input.outcomes },
      signal,
    );
    const modelCost = written.usage
      ? bedrockCost(written.usage.modelId, written.usage.inputTokens, written.usage.outputTokens, prices)
      : undefined;
    // What this run was billed for: a re-run's reused outcomes cost it nothing.
    const runId = Context.current().info.workflowExecution?.runId;
    const cost = mediaCost(runId ? outcomesOfRun(input.outcomes, runId) : input.outcomes, modelCost);
    const subtitles = subtitlesOf(input.outcomes);
    const checked = validated({ ...written.report, ...(cost ? { cost } : {}), ...(subtitles ? { subtitles } : {}) });
    const prefix = runResultsPrefix(input.tenant, input.mediaId);
    // Checked before the exports are written, so an invalid report leaves nothing behind.
    const { timecode, files, notes } = buildExports(checked, spine, input.media, input.source.key);
    const exported = await Promise.all(
      files.map(async ({ name, body, contentType }) => ({ name, contentType, ref: await store.putBytes(`${prefix}${name}`, body, contentType, signal) })),
    );
    const report = validated({ ...checked, exports: { ...(timecode ? { timecode } : {}), files: exported, notes } });
    const jsonRef = await store.putJson(`${prefix}report.json`, report);
    const html = renderReportHtml(report, spine, await loadImages(store, spine));
    const htmlRef = await store.putBytes(`${prefix}report.html`, html, 'text/html; charset=utf-8');
    return {
      jsonRef,
      htmlRef,
      verdict: report.moderation.verdict,
      // Bounded like the headline: the record and the workflow history carry it.
      coverage: report.moderation.coverage.statement.slice(0, 400),
      headline: report.summary.slice(0, 200),
      ...(modelCost ? { cost: modelCost } : {}),
    };
  }
}

function validated(candidate: unknown): Report {
  const parsed = reportSchema.safeParse(candidate);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: 'InvalidAnalysisOutput',
      message: `report does not match the schema: ${parsed.error.message}`,
      nonRetryable: true,
    });
  }
  return parsed.data;
}

/**
 * The subtitle files the transcript outcome names, whichever backend wrote them; none when it
 * names none (outcomes recorded before subtitles were written, or a transcript that failed).
 */
function subtitlesOf(outcomes: readonly AnalysisOutcome[]): Report['subtitles'] {
  const transcript = outcomes.find((o) => o.kind === 'transcript' && o.status === 'succeeded');
  const vtt = transcript?.files?.['subtitles.vtt'];
  const srt = transcript?.files?.['subtitles.srt'];
  const cues = transcript?.counts?.['subtitleCues'];
  if ((!vtt && !srt) || cues === undefined) return undefined;
  return { ...(vtt ? { vtt } : {}), ...(srt ? { srt } : {}), cues };
}

async function loadImages(store: ActivityDeps['store'], spine: Spine): Promise<ReportImages> {
  const [poster, keyframes] = await Promise.all([
    spine.posterRef ? store.getBytes(spine.posterRef) : undefined,
    Promise.all(spine.thumbnails.map(async (t) => ({ time: t.time, jpeg: await store.getBytes(t.ref) }))),
  ]);
  return { ...(poster ? { poster: { time: 0, jpeg: poster } } : {}), keyframes };
}
