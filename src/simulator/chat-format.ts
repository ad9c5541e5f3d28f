// Serialises chat completions: the `chat.completion` JSON body and the `chat.completion.chunk` SSE events, built
// from string fragments (the reply is the only part that needs JSON.stringify, and canned replies carry it).
import { usageJson, type CompletionResult } from './completion-result.js';
import { splitIntoDeltas } from './deltas.js';
import type { ToolCall } from './profiles/types.js';

export interface ResponseIdentity {
  id: string;
  created: number;
  /** JSON.stringify(model). */
  modelJson: string;
}

export function chatCompletionBody(who: ResponseIdentity, r: CompletionResult): string {
  const message =
    r.reply.kind === 'text'
      ? `{"role":"assistant","content":${r.reply.contentJson ?? JSON.stringify(r.reply.content)},"refusal":null,"annotations":[]}`
      : `{"role":"assistant","content":null,"refusal":null,"annotations":[],"tool_calls":${toolCallsJson(r.reply.calls)}}`;
  return (
    `{"id":"${who.id}","object":"chat.completion","created":${who.created},"model":${who.modelJson},` +
    `"choices":[{"index":0,"message":${message},"logprobs":null,"finish_reason":"${r.finishReason}"}],` +
    `"usage":${usageJson(r)},"system_fingerprint":null}`
  );
}

function toolCallsJson(calls: readonly ToolCall[]): string {
  return `[${calls
    .map((c) => `{"id":${JSON.stringify(c.id)},"type":"function","function":{"name":${JSON.stringify(c.name)},"arguments":${JSON.stringify(c.arguments)}}}`)
    .join(',')}]`;
}

/** One SSE event per string: `data: <json>\n\n`, ending with `data: [DONE]\n\n`. */
export function chatCompletionEvents(who: ResponseIdentity, r: CompletionResult, includeUsage: boolean, wordsPerDelta?: number): string[] {
  const head = `data: {"id":"${who.id}","object":"chat.completion.chunk","created":${who.created},"model":${who.modelJson},"system_fingerprint":null,"choices":[{"index":0,"delta":`;
  // With include_usage OpenAI sends "usage":null on every chunk but the last.
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const open = '},"logprobs":null,"finish_reason":null}]';
  const events: string[] = [];
  if (r.reply.kind === 'text') {
    events.push(`${head}{"role":"assistant","content":"","refusal":null${open}${tail}`);
    for (const piece of splitIntoDeltas(r.reply.content, wordsPerDelta)) events.push(`${head}{"content":${JSON.stringify(piece)}${open}${tail}`);
  } else {
    r.reply.calls.forEach((call, index) => {
      const start = `{"index":${index},"id":${JSON.stringify(call.id)},"type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":""}}`;
      const role = index === 0 ? '"role":"assistant","content":null,' : '';
      events.push(`${head}{${role}"tool_calls":[${start}]${open}${tail}`);
      // OpenAI streams the arguments JSON text in small fragments.
      for (const piece of splitIntoDeltas(call.arguments, 1, 8)) {
        events.push(`${head}{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(piece)}}}]${open}${tail}`);
      }
    });
  }
  events.push(`${head}{},"logprobs":null,"finish_reason":"${r.finishReason}"}]${tail}`);
  if (includeUsage) {
    events.push(
      `data: {"id":"${who.id}","object":"chat.completion.chunk","created":${who.created},"model":${who.modelJson},"system_fingerprint":null,"choices":[],"usage":${usageJson(r)}}\n\n`,
    );
  }
  events.push(DONE_EVENT);
  return events;
}

export const DONE_EVENT = 'data: [DONE]\n\n';
