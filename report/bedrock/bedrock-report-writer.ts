import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ReportWriter } from '../report-writer';
import { assembleReport } from './assemble-report';
import { ModelSession } from './model-session';
import { mediaFacts, reducePrompt, singlePrompt, timelineLines } from './prompt';
import { reportTool } from './report-draft-schema';
import { summariseTimeline } from './summarise-timeline';

export interface BedrockSettings {
  /** A model id or an inference profile id; named in the report's `generatedBy` (`amazon-bedrock <id>`). */
  modelId: string;
  maxOutputTokens: number;
  /** Requests estimated above this many input tokens are split: map over parts, then reduce. */
  chunkTokenBudget: number;
  /** Default 0.2. */
  temperature?: number;
  /** Throttled calls retried inside the writer before Temporal's activity retry takes over; default 4. */
  maxThrottleRetries?: number;
  /** Part summaries requested at once; default 2. */
  mapConcurrency?: number;
}

const DEFAULT_MAP_CONCURRENCY = 2;

/**
 * The aws backend's report writer: Amazon Bedrock's Converse API with one forced tool call,
 * so the answer is JSON of the draft schema, validated with zod and repaired once. Media
 * whose prompt exceeds the token budget are summarised part by part first (map), and the
 * report is written from those summaries (reduce). The client should not retry on its own
 * (maxAttempts 1): this writer backs off on throttling itself, with jitter.
 */
export function createBedrockReportWriter(client: BedrockRuntimeClient, settings: BedrockSettings): ReportWriter {
  return {
    async write(context, signal) {
      const session = new ModelSession(client, settings, signal);
      const facts = mediaFacts(context);
      const lines = timelineLines(context.spine);
      const whole = singlePrompt(facts, lines);

      let prompt = whole;
      if (session.requestTokens(reportTool, whole) > settings.chunkTokenBudget) {
        const parts = await summariseTimeline(session, facts, context.spine, lines, {
          budgetTokens: settings.chunkTokenBudget,
          concurrency: settings.mapConcurrency ?? DEFAULT_MAP_CONCURRENCY,
        });
        prompt = reducePrompt(facts, context.spine, parts);
      }
      const draft = await session.answer(reportTool, prompt);
      // Grounding checks names against everything the model saw, chunked or not.
      const report = assembleReport(context, draft, settings.modelId, whole);
      return { report, usage: { ...session.usage } };
    },
  };
}
