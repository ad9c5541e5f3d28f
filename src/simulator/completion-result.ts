// A profile's reply made ready to serialise: max_tokens applied, finish reason and token usage decided.
import type { Reply } from './profiles/types.js';
import { estimateTokens, truncateToTokens } from './tokens.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface CompletionResult {
  reply: Reply;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

export function completionResult(reply: Reply, promptChars: number, maxTokens: number | undefined): CompletionResult {
  const promptTokens = Math.ceil(promptChars / 4);
  if (reply.kind === 'tool_calls') {
    let chars = 0;
    for (const c of reply.calls) chars += c.name.length + c.arguments.length;
    return { reply, finishReason: 'tool_calls', promptTokens, completionTokens: Math.ceil(chars / 4) };
  }
  const tokens = estimateTokens(reply.content);
  if (maxTokens !== undefined && tokens > maxTokens) {
    const content = truncateToTokens(reply.content, maxTokens);
    return { reply: { kind: 'text', content }, finishReason: 'length', promptTokens, completionTokens: estimateTokens(content) };
  }
  return { reply, finishReason: 'stop', promptTokens, completionTokens: tokens };
}

export function usageJson(r: CompletionResult): string {
  return `{"prompt_tokens":${r.promptTokens},"completion_tokens":${r.completionTokens},"total_tokens":${r.promptTokens + r.completionTokens}}`;
}
