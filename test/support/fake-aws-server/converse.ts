import { randomUUID } from 'node:crypto';
import type { FakeAwsContext } from './context';
import { sampleFromSchema } from './json-schema-sample';
import { AwsWireError, type ConverseRequestBody } from './state';

/** Bedrock Runtime Converse (REST JSON): tool use answered by the fake "model". */
export function converse(context: FakeAwsContext, body: ConverseRequestBody): unknown {
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new AwsWireError('ValidationException', 'messages must not be empty', 400);
  const { converse: counter } = context.counters;
  counter.calls += 1;
  counter.requests.push(body);
  const inputTokens = Math.ceil(JSON.stringify([body.system ?? [], body.messages, body.toolConfig ?? {}]).length / 4);
  const tool = body.toolConfig?.tools?.[0]?.toolSpec;
  let content: Record<string, unknown>[];
  let stopReason: string;
  if (context.config.malformedModelResponses > 0) {
    context.config.malformedModelResponses -= 1;
    // Alternate the two ways models break: prose with broken JSON, and a tool call that ignores the schema.
    if (counter.calls % 2 === 1 || !tool) {
      content = [{ text: '{"title": "Unfinished report", "summary": "The video shows' }];
      stopReason = 'end_turn';
    } else {
      content = [{ toolUse: { toolUseId: `tooluse_${randomUUID().slice(0, 8)}`, name: tool.name, input: { title: 42 } } }];
      stopReason = 'tool_use';
    }
  } else if (tool) {
    const input = context.config.modelResponder?.(body) ?? sampleFromSchema(tool.inputSchema?.json);
    content = [{ toolUse: { toolUseId: `tooluse_${randomUUID().slice(0, 8)}`, name: tool.name, input } }];
    stopReason = 'tool_use';
  } else {
    content = [{ text: String(context.config.modelResponder?.(body) ?? 'A short answer.') }];
    stopReason = 'end_turn';
  }
  const outputTokens = Math.ceil(JSON.stringify(content).length / 4);
  counter.inputTokens += inputTokens;
  counter.outputTokens += outputTokens;
  return {
    output: { message: { role: 'assistant', content } },
    stopReason,
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    metrics: { latencyMs: 5 },
  };
}
