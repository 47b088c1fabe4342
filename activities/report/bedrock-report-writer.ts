import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type ContentBlock,
  type ConverseCommandOutput,
  type Message,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { setTimeout } from 'node:timers/promises';
import { z } from 'zod';
import { isTransientAwsError } from '../aws/aws-errors';
import { ModelOutputInvalidError } from './model-output-invalid-error';
import { partialDraftSchema, reportDraftSchema, type ReportDraft } from './report-draft-schema';
import { chunkLines, describeMedia, estimateTokens, SYSTEM_PROMPT, timelineLines } from './report-prompt';
import type { Report } from './report-schema';
import type { ModelUsage, ReportContext, ReportWriter } from './report-writer';

export interface BedrockSettings {
  /** A model id or inference profile id. */
  modelId: string;
  maxOutputTokens: number;
  /** Timelines estimated above this many tokens are summarised in chunks first. */
  chunkTokenBudget: number;
  temperature?: number;
  /** Retries of a throttled or unavailable call before the activity's own retry takes over. */
  maxThrottleRetries?: number;
  /** How many chunk summaries run at once: each is a call against the account's tokens per minute. */
  mapConcurrency?: number;
}

const REPORT_TOOL = 'write_report';
const PARTIAL_TOOL = 'summarise_part';
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

/**
 * The aws backend's report: Amazon Bedrock's Converse API with a forced tool call, so the
 * answer is JSON of the report schema; validated with zod, repaired once, and for timelines
 * over the token budget summarised chunk by chunk (map) before one final call (reduce).
 */
export function createBedrockReportWriter(client: BedrockRuntimeClient, settings: BedrockSettings): ReportWriter {
  return {
    async write(context, signal) {
      const session = new ModelSession(client, settings, signal);
      const facts = describeMedia(context);
      const lines = timelineLines(context.spine);
      const chunks = chunkLines(lines, Math.max(1, settings.chunkTokenBudget - estimateTokens(facts)));
      let evidence: string;
      if (chunks.length <= 1) {
        evidence = `Timeline, one line per segment:\n${lines.join('\n')}`;
      } else {
        const partials = await mapLimited(chunks, settings.mapConcurrency ?? 2, (chunk, i) =>
          session.callTool(PARTIAL_TOOL, partialDraftSchema, `${facts}\n\nPart ${i + 1} of ${chunks.length} of the timeline:\n${chunk.join('\n')}`),
        );
        evidence = `The timeline was summarised in ${partials.length} consecutive parts:\n${partials
          .map((p, i) => `Part ${i + 1}: ${JSON.stringify(p)}`)
          .join('\n')}`;
      }
      const draft = await session.callTool(REPORT_TOOL, reportDraftSchema, `${facts}\n\n${evidence}`);
      return { report: assemble(context, draft, settings.modelId), usage: session.usage };
    },
  };
}

/** One report's conversation with the model: calls, repairs and the tokens they cost. */
class ModelSession {
  readonly usage: ModelUsage;

  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly settings: BedrockSettings,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.usage = { modelId: settings.modelId, inputTokens: 0, outputTokens: 0, calls: 0 };
  }

  /** Asks for one tool call and validates it; one repair turn on an invalid answer. */
  async callTool<S extends z.ZodType>(name: string, schema: S, evidence: string): Promise<z.infer<S>> {
    const tool: Tool = {
      toolSpec: {
        name,
        description: name === REPORT_TOOL ? 'Record the report of the media.' : 'Record the summary of this part of the timeline.',
        inputSchema: { json: z.toJSONSchema(schema) as never },
      },
    };
    const messages: Message[] = [{ role: 'user', content: [{ text: evidence }] }];
    const first = await this.converse(messages, tool);
    const checked = check(first, name, schema);
    if (checked.ok) return checked.value;

    messages.push(first.output?.message ?? { role: 'assistant', content: [{ text: '' }] });
    messages.push({ role: 'user', content: [repairBlock(checked)] });
    const second = await this.converse(messages, tool);
    const rechecked = check(second, name, schema);
    if (rechecked.ok) return rechecked.value;
    throw new ModelOutputInvalidError(`${this.settings.modelId} answered outside the ${name} schema twice: ${rechecked.problem}`, { ...this.usage });
  }

  private async converse(messages: Message[], tool: Tool): Promise<ConverseCommandOutput> {
    const command = new ConverseCommand({
      modelId: this.settings.modelId,
      system: [{ text: SYSTEM_PROMPT }],
      messages,
      inferenceConfig: { maxTokens: this.settings.maxOutputTokens, temperature: this.settings.temperature ?? 0.2 },
      toolConfig: { tools: [tool], toolChoice: { tool: { name: tool.toolSpec?.name } } },
    });
    const retries = this.settings.maxThrottleRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await this.client.send(command, { abortSignal: this.signal });
        this.usage.calls += 1;
        this.usage.inputTokens += output.usage?.inputTokens ?? 0;
        this.usage.outputTokens += output.usage?.outputTokens ?? 0;
        return output;
      } catch (err) {
        if (attempt >= retries || !isTransientAwsError(err) || this.signal?.aborted) throw err;
        // Full jitter: concurrent reports that were throttled together do not retry together.
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        await setTimeout(Math.random() * ceiling, undefined, { signal: this.signal });
      }
    }
  }
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string; toolUseId?: string };

function check<S extends z.ZodType>(output: ConverseCommandOutput, name: string, schema: S): Checked<z.infer<S>> {
  const blocks = output.output?.message?.content ?? [];
  const toolUse = blocks.find((b) => b.toolUse?.name === name)?.toolUse;
  if (!toolUse) {
    const text = blocks.map((b) => b.text ?? '').join('').slice(0, 200);
    return { ok: false, problem: `no ${name} tool call (answered with text: ${JSON.stringify(text)})` };
  }
  const parsed = schema.safeParse(toolUse.input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: z.prettifyError(parsed.error), toolUseId: toolUse.toolUseId };
}

/** The repair turn: the validation errors, as a failed tool result when there was a tool call. */
function repairBlock(checked: { problem: string; toolUseId?: string }): ContentBlock {
  const instruction = `The answer did not match the schema:\n${checked.problem}\nCall the tool again with a corrected, complete input.`;
  return checked.toolUseId
    ? { toolResult: { toolUseId: checked.toolUseId, content: [{ text: instruction }], status: 'error' } }
    : { text: instruction };
}

/** The report: the model's prose around the facts code owns (verdict, flags, what is missing). */
function assemble(context: ReportContext, draft: ReportDraft, modelId: string): Report {
  const { spine, outcomes, media } = context;
  const clamp = (t: number) => Math.min(Math.max(0, t), media.durationSeconds);
  return {
    mediaId: context.mediaId,
    generatedBy: `amazon-bedrock ${modelId}`,
    title: draft.title,
    summary: draft.summary,
    chapters: draft.chapters
      .map((c) => ({ ...c, start: clamp(Math.min(c.start, c.end)), end: clamp(Math.max(c.start, c.end)) }))
      .sort((a, b) => a.start - b.start),
    topics: draft.topics,
    entities: draft.entities,
    moderation: {
      verdict: spine.moderation.flagged ? 'flagged' : 'clean',
      rationale: draft.moderationRationale,
      flags: spine.moderation.flags.map(({ start, end, source, category, score }) => ({ start, end, source, category, score })),
    },
    missing: outcomes
      .filter((o) => o.status !== 'succeeded')
      .map((o) => ({ analysis: o.kind, status: o.status === 'failed' ? ('failed' as const) : ('skipped' as const), reason: o.summary })),
  };
}

/** Maps with at most `limit` calls in flight, keeping the order of the input. */
async function mapLimited<T, R>(items: readonly T[], limit: number, map: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
