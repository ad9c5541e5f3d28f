// The final answer as stored with a case result: bounded (4 KB of text, a few tool calls), whatever the target sent.
import type { TargetResponse } from '../types.js';

export const STORED_TEXT_CHARS = 4096;
const MAX_TOOL_CALLS = 16;
const MAX_ARGUMENT_CHARS = 1024;
const MAX_MESSAGE_CHARS = 500;

export function storedResponse(r: TargetResponse): TargetResponse {
  const out: TargetResponse = { text: cut(r.text, STORED_TEXT_CHARS), latencyMs: r.latencyMs };
  if (r.toolCalls) out.toolCalls = r.toolCalls.slice(0, MAX_TOOL_CALLS).map((t) => ({ name: cut(t.name, 200), arguments: cut(t.arguments, MAX_ARGUMENT_CHARS) }));
  if (r.blocked) out.blocked = { by: cut(r.blocked.by, 200), message: cut(r.blocked.message, MAX_MESSAGE_CHARS) };
  if (r.error) out.error = { ...r.error, code: cut(r.error.code, 100), message: cut(r.error.message, MAX_MESSAGE_CHARS) };
  if (r.usage) out.usage = r.usage;
  if (r.sessionId !== undefined) out.sessionId = cut(r.sessionId, 200);
  return out;
}

/** At most `n` UTF-16 units, never ending on half a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const c = s.charCodeAt(n - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n);
}
