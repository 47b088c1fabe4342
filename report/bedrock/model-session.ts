import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { ModelOutputInvalidError } from '../model-output-invalid-error';
import type { ModelUsage } from '../report-writer';
import { estimateTokens } from './chunk-timeline';
import { SYSTEM_PROMPT } from './prompt';
import type { AnswerTool } from './report-draft-schema';
import { retryThrottled } from '../../backends/aws/throttle-retry';

export interface SessionSettings {
  modelId: string;
  maxOutputTokens: number;
  temperature?: number;
  maxThrottleRetries?: number;
}

// Low by default: a report should read the same when it is written again after a retry.
const DEFAULT_TEMPERATURE = 0.2;
const DEFAULT_THROTTLE_RETRIES = 4;
const BACKOFF = { baseMs: 500, capMs: 8_000 };
/** How much of the validation problems goes back to the model and into the error message. */
const MAX_ISSUES = 20;
const MAX_PROBLEM_CHARS = 1_500;

type Answer<T> = { ok: true; value: T } | { ok: false; problem: string; cause: unknown };

/**
 * One report's conversation with Bedrock: forced tool calls through Converse, each answer
 * validated, one repair turn per question, throttling retried, and every billed token
 * counted (map, merge, reduce and repair calls alike).
 */
export class ModelSession {
  readonly usage: ModelUsage;

  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly settings: SessionSettings,
    private readonly signal?: AbortSignal,
  ) {
    this.usage = { modelId: settings.modelId, inputTokens: 0, outputTokens: 0, calls: 0 };
  }

  /**
   * Estimated input tokens of the first request about `prompt`, measured on the request as
   * serialised (system prompt, message, tool definition, JSON escapes included).
   */
  requestTokens(tool: AnswerTool<z.ZodType>, prompt: string): number {
    const { system, messages, toolConfig } = this.request([{ role: 'user', content: [{ text: prompt }] }], tool);
    return estimateTokens(JSON.stringify([system, messages, toolConfig]));
  }

  /**
   * Asks the model to call `tool` about `prompt` and returns the validated input. An answer
   * that does not validate gets one repair turn naming the problems; a second bad answer
   * throws ModelOutputInvalidError (with the tokens spent, since they were billed).
   */
  async answer<S extends z.ZodType>(tool: AnswerTool<S>, prompt: string): Promise<z.infer<S>> {
    const messages: Message[] = [{ role: 'user', content: [{ text: prompt }] }];
    const first = await this.converse(messages, tool);
    const checked = readAnswer(first, tool);
    if (checked.ok) return checked.value;

    const said = echo(first);
    messages.push(said, { role: 'user', content: repairTurn(said, checked.problem) });
    const second = await this.converse(messages, tool);
    const rechecked = readAnswer(second, tool);
    if (rechecked.ok) return rechecked.value;
    throw new ModelOutputInvalidError(
      `${this.settings.modelId} answered outside the ${tool.spec.name} schema, also after a repair turn: ${rechecked.problem}`,
      { ...this.usage },
      { cause: rechecked.cause },
    );
  }

  private request(messages: readonly Message[], tool: AnswerTool<z.ZodType>): ConverseCommandInput {
    return {
      modelId: this.settings.modelId,
      system: [{ text: SYSTEM_PROMPT }],
      messages: [...messages],
      inferenceConfig: { maxTokens: this.settings.maxOutputTokens, temperature: this.settings.temperature ?? DEFAULT_TEMPERATURE },
      // A forced tool call: the answer is the tool's input, JSON of the tool's schema.
      toolConfig: { tools: [{ toolSpec: tool.spec }], toolChoice: { tool: { name: tool.spec.name } } },
    };
  }

  private async converse(messages: readonly Message[], tool: AnswerTool<z.ZodType>): Promise<ConverseCommandOutput> {
    const input = this.request(messages, tool);
    // A fresh command per attempt: a command instance carries its own middleware stack.
    const output = await retryThrottled(() => this.client.send(new ConverseCommand(input), { abortSignal: this.signal }), {
      ...BACKOFF,
      maxRetries: this.settings.maxThrottleRetries ?? DEFAULT_THROTTLE_RETRIES,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    this.usage.calls += 1;
    this.usage.inputTokens += output.usage?.inputTokens ?? 0;
    this.usage.outputTokens += output.usage?.outputTokens ?? 0;
    return output;
  }
}

/** The tool input of an answer, validated; or what is wrong with the answer, in words for the model. */
function readAnswer<S extends z.ZodType>(output: ConverseCommandOutput, tool: AnswerTool<S>): Answer<z.infer<S>> {
  const blocks = output.output?.message?.content ?? [];
  const cutOff = output.stopReason === 'max_tokens' ? ' The answer was cut off at the output token limit: write shorter texts and fewer items.' : '';
  const call = blocks.find((b) => b.toolUse)?.toolUse;
  let input: unknown;
  let preamble = '';
  if (call) {
    if (call.name !== tool.spec.name) return { ok: false, problem: `called ${String(call.name)} instead of ${tool.spec.name}.${cutOff}`, cause: undefined };
    input = call.input;
    // Documents normally arrive parsed; a JSON string in their place is accepted too.
    if (typeof input === 'string') {
      const parsed = parseJson(input);
      if (!parsed.ok) return { ok: false, problem: `the tool input is not valid JSON (${parsed.problem}).${cutOff}`, cause: parsed.cause };
      input = parsed.value;
    }
  } else {
    // Without a tool call the text may still hold the JSON; it is used if it validates.
    const text = blocks.map((b) => b.text ?? '').join('').trim();
    const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
    const parsed = json ? parseJson(json) : undefined;
    if (!parsed?.ok) {
      const shown = JSON.stringify(text.slice(0, 200));
      return { ok: false, problem: `answered with text instead of calling ${tool.spec.name} (${shown}).${cutOff}`, cause: parsed?.cause };
    }
    input = parsed.value;
    preamble = `answered with text instead of calling ${tool.spec.name}, and its JSON does not match: `;
  }
  const result = tool.schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: `${preamble}${describeIssues(result.error)}${cutOff}`, cause: result.error };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string; cause: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, problem: err instanceof Error ? err.message : String(err), cause: err };
  }
}

/** Zod's issues as "path: message" pairs, bounded so a hopeless answer does not make a huge turn. */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  if (error.issues.length > MAX_ISSUES) issues.push(`and ${error.issues.length - MAX_ISSUES} more`);
  const text = issues.join('; ');
  return text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS - 1)}…` : text;
}

/**
 * The model's turn as it goes back into the conversation. Converse rejects blank text
 * blocks and empty turns, so those are dropped or stood in for.
 */
function echo(output: ConverseCommandOutput): Message {
  const content = (output.output?.message?.content ?? []).filter((b) => b.text === undefined || b.text.trim() !== '');
  return { role: 'assistant', content: content.length ? content : [{ text: '(no answer)' }] };
}

/**
 * The repair turn. After a tool call Converse requires a toolResult for every toolUse of
 * the previous turn, so the problems go back as failed tool results (status "error");
 * after a text answer, as a plain user message.
 */
function repairTurn(said: Message, problem: string): ContentBlock[] {
  const instruction = `Your answer was rejected: ${problem}\nCall the tool again with a complete, corrected input.`;
  const ids = (said.content ?? []).flatMap((b) => (b.toolUse?.toolUseId ? [b.toolUse.toolUseId] : []));
  if (!ids.length) return [{ text: instruction }];
  return ids.map((toolUseId) => ({ toolResult: { toolUseId, status: 'error', content: [{ text: instruction }] } }));
}
