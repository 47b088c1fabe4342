import { createHash } from 'node:crypto';
import type { FakeAwsContext } from './context';
import { wireError } from './errors';
import { sampleFromSchema, sampleViolatingSchema } from './json-schema-sample';

interface ContentBlock {
  text?: string;
  toolUse?: { toolUseId?: string; name?: string; input?: unknown };
  toolResult?: { toolUseId?: string; content?: unknown[]; status?: string };
  [other: string]: unknown;
}
interface ToolSpec {
  name?: string;
  description?: string;
  inputSchema?: { json?: unknown };
}

/** The request body of Converse, as the SDK serialises it (the model id travels in the path). */
export interface ConverseRequest {
  messages?: { role?: string; content?: ContentBlock[] }[];
  system?: { text?: string }[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools?: { toolSpec?: ToolSpec }[]; toolChoice?: { auto?: object; any?: object; tool?: { name?: string } } };
}

const invalid = (message: string) => wireError('bedrock', 'ValidationException', message);

/**
 * The forms of model id Bedrock runs: a model id (`provider.model[:n]`, the control plane's
 * BedrockModelId form), the same behind a cross-Region inference profile's geography
 * (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `ca.`, `us-gov.`, `global.`), or a model ARN. The
 * runtime's own pattern is looser, but an id of no known form names no model, and Bedrock
 * answers those with "The provided model identifier is invalid."
 */
const MODEL_ID = /^([a-z0-9-]{1,63}\.){1,3}[a-z0-9-]{1,63}(:[a-z0-9-]{1,63}){0,2}$/;
const MODEL_ARN = /^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]{1,20}:(\d{12})?:(foundation-model|inference-profile|application-inference-profile|provisioned-model|imported-model)\/[a-zA-Z0-9\-:.]+$/;

/**
 * Bedrock Runtime Converse (REST JSON). With tools, the "model" always calls the chosen tool
 * (toolChoice.tool, else the first) with an input built from its JSON Schema; without tools it
 * answers text. Malformed answers are served when configured, alternating their two kinds.
 */
export function converse(context: FakeAwsContext, operation: string, modelId: string, request: ConverseRequest): unknown {
  if (operation !== 'Converse') throw invalid(`The fake Bedrock Runtime does not implement ${operation}.`);
  if (!MODEL_ID.test(modelId) && !MODEL_ARN.test(modelId)) throw invalid('The provided model identifier is invalid.');
  const tool = validate(request);
  const { counters, config } = context;
  counters.converse.calls += 1;
  counters.converse.requests.push({ modelId, ...request });

  let content: ContentBlock[];
  if (config.malformedModelResponses > 0) {
    config.malformedModelResponses -= 1;
    const served = counters.injectedErrors('malformed');
    counters.recordError('malformed', 'Converse');
    content =
      served % 2 === 0 || !tool
        ? [{ text: '{"title": "Unfinished report", "summary": "The video shows' }]
        : [{ toolUse: { toolUseId: toolUseId(context), name: tool.name, input: sampleViolatingSchema(tool.inputSchema?.json) } }];
  } else if (tool) {
    const input = config.modelResponder ? config.modelResponder(request) : sampleFromSchema(tool.inputSchema?.json);
    content = [{ toolUse: { toolUseId: toolUseId(context), name: tool.name, input } }];
  } else {
    const answer = config.modelResponder?.(request) ?? 'A short answer from the fake model.';
    content = [{ text: typeof answer === 'string' ? answer : JSON.stringify(answer) }];
  }

  // Tokens estimated at four characters each, of the whole request and of the answer.
  const inputTokens = Math.ceil(JSON.stringify([request.system ?? [], request.messages, request.toolConfig ?? {}]).length / 4);
  const outputTokens = Math.ceil(JSON.stringify(content).length / 4);
  counters.converse.inputTokens += inputTokens;
  counters.converse.outputTokens += outputTokens;
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: content.some((block) => block.toolUse) ? 'tool_use' : 'end_turn',
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    metrics: { latencyMs: 20 + outputTokens },
  };
}

/** The checks Bedrock makes before any model runs; returns the tool the model must call. */
function validate(request: ConverseRequest): ToolSpec | undefined {
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('The messages field must contain at least one message.');
  if (messages[0]?.role !== 'user') throw invalid('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  let pendingToolUses: string[] = [];
  let usesTools = false;
  messages.forEach((message, i) => {
    if (i > 0 && message.role === messages[i - 1]?.role) throw invalid('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    const blocks = message.content;
    if (!Array.isArray(blocks) || blocks.length === 0) throw invalid(`The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
    blocks.forEach((block, j) => {
      if (typeof block.text === 'string' && block.text.trim() === '') throw invalid(`The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`);
    });
    const results = blocks.flatMap((b) => (b.toolResult ? [String(b.toolResult.toolUseId)] : []));
    const missing = pendingToolUses.filter((id) => !results.includes(id));
    if (missing.length) throw invalid(`Expected toolResult blocks at messages.${i}.content for the following Ids: ${missing.join(', ')}`);
    if (results.some((id) => !pendingToolUses.includes(id))) throw invalid(`The toolResult blocks at messages.${i}.content do not answer the toolUse blocks of the previous turn.`);
    pendingToolUses = blocks.flatMap((b) => (b.toolUse ? [String(b.toolUse.toolUseId)] : []));
    usesTools ||= results.length > 0 || pendingToolUses.length > 0;
  });
  const maxTokens = request.inferenceConfig?.maxTokens;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1)) throw invalid('inferenceConfig.maxTokens must be a positive integer.');

  const tools = request.toolConfig?.tools;
  if (!request.toolConfig) {
    if (usesTools) throw invalid('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
    return undefined;
  }
  if (!Array.isArray(tools) || tools.length === 0) throw invalid('The toolConfig field must contain at least one tool.');
  for (const { toolSpec } of tools) {
    const schema = toolSpec?.inputSchema?.json as { type?: unknown } | undefined;
    if (!toolSpec?.name || !/^[a-zA-Z0-9_-]{1,64}$/.test(toolSpec.name)) throw invalid('Each toolSpec needs a name matching [a-zA-Z0-9_-]{1,64}.');
    if (!schema || schema.type !== 'object') throw invalid(`The input schema of tool ${toolSpec.name} must be a JSON Schema of type object.`);
  }
  const chosen = request.toolConfig.toolChoice?.tool?.name;
  const tool = chosen === undefined ? tools[0]?.toolSpec : tools.find((t) => t.toolSpec?.name === chosen)?.toolSpec;
  if (!tool) throw invalid(`toolChoice names ${String(chosen)}, which is not in toolConfig.tools.`);
  return tool;
}

/** Ids in Bedrock's form, derived from the seed so a run repeats. */
function toolUseId(context: FakeAwsContext): string {
  const digest = createHash('sha256').update(`${context.seed}:${context.counters.converse.calls}:${context.counters.injectedErrors('malformed')}`).digest('base64url');
  return `tooluse_${digest.slice(0, 22)}`;
}
