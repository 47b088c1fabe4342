import type { AnalysisOutcome, MediaFacts } from '../common/types';
import type { Spine } from '../spine/spine';
import { writeExtractiveReport } from './extractive-writer';
import { ModelOutputInvalidError } from './model-output-invalid-error';
import type { Report } from './report-schema';

/** What a report is written from: the media's facts, the reduced timeline and the branch outcomes. */
export interface ReportContext {
  mediaId: string;
  sourceKey: string;
  media: MediaFacts;
  spine: Spine;
  outcomes: readonly AnalysisOutcome[];
}

/** Tokens a language model consumed to write a report: the billable units of Bedrock. */
export interface ModelUsage {
  modelId: string;
  inputTokens: number;
  outputTokens: number;
  /** Model invocations, repairs and map steps included. */
  calls: number;
}

export interface WrittenReport {
  report: Report;
  usage?: ModelUsage;
}

/**
 * Writes the report of one media: extractive on the local backend, Amazon Bedrock on aws.
 * Either way the result matches `reportSchema`; write-report validates it again before storing.
 */
export interface ReportWriter {
  write(context: ReportContext, signal?: AbortSignal): Promise<WrittenReport>;
}

/** The local backend's writer: deterministic, free, built only from what the analyses found. */
export const extractiveReportWriter: ReportWriter = {
  async write(context) {
    return { report: writeExtractiveReport(context) };
  },
};

/**
 * A model writer that degrades instead of failing the media: when the model's answer stays
 * invalid after its repair turn, the extractive report is written instead and the report
 * says so in `missing`. The tokens spent are still reported, since they were billed.
 */
export function withExtractiveFallback(primary: ReportWriter): ReportWriter {
  return {
    async write(context, signal) {
      try {
        return await primary.write(context, signal);
      } catch (err) {
        if (!(err instanceof ModelOutputInvalidError)) throw err;
        const report = writeExtractiveReport(context);
        report.missing.push({ analysis: 'modelReport', status: 'failed', reason: err.message.slice(0, 500) });
        return { report, usage: err.usage };
      }
    },
  };
}
