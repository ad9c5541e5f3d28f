// The OpenAI chat wire format as a probe target speaks it: the request body built from a TargetRequest, and a
// lenient reading of the answer (text, tool calls, usage) and of Bulwark's policy-violation block.
import type { TargetRequest, TargetResponse, ToolCall } from '../types.js';
import type { TargetError } from './transport.js';

export interface ChatBodyOptions {
  model: string;
  temperature?: number;
  maxTokens?: number;
}

interface WireMessage {
  role: string;
  content: string | null;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}
type WireToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

/**
 * The chat completions body. A `tool` message needs an assistant message with a matching tool call before it (the
 * API rejects it otherwise); the case only has the tool result, so that call is synthesised.
 */
export function chatBody(request: TargetRequest, options: ChatBodyOptions): string {
  const messages: WireMessage[] = [];
  if (request.system !== undefined && request.system !== '') messages.push({ role: 'system', content: request.system });
  const fallbackTool = request.tools?.[0]?.name ?? 'fetch_document';
  request.messages.forEach((m, i) => {
    if (m.role !== 'tool') {
      messages.push({ role: m.role, content: m.content });
      return;
    }
    const id = m.toolCallId ?? `call_probe_${i}`;
    const prev = messages[messages.length - 1];
    const call: WireToolCall = { id, type: 'function', function: { name: fallbackTool, arguments: '{}' } };
    if (prev?.role === 'assistant' && prev.tool_calls?.some((c) => c.id === id)) {
      // Already announced by the synthesised call of an earlier tool message.
    } else if (prev?.role === 'assistant' && (prev.content === '' || prev.content === null || prev.tool_calls)) {
      prev.content = prev.content === '' ? null : prev.content;
      prev.tool_calls = [...(prev.tool_calls ?? []), call];
    } else {
      messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    }
    messages.push({ role: 'tool', content: m.content, tool_call_id: id });
  });
  const body: Record<string, unknown> = { model: options.model, messages };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  }
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  return JSON.stringify(body);
}

export type ParsedAnswer = Pick<TargetResponse, 'text' | 'toolCalls' | 'usage'>;

/** Reads a 200 chat completion; a body that is not one is a `bad_response` error. */
export function parseChatAnswer(bodyText: string): { ok: true; value: ParsedAnswer } | { ok: false; error: TargetError } {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return bad('the response is not JSON');
  }
  const choice = (body as { choices?: unknown } | null)?.choices;
  const first = Array.isArray(choice) ? (choice[0] as { message?: unknown } | undefined) : undefined;
  const message = first?.message;
  if (typeof message !== 'object' || message === null) return bad('the response has no choices[0].message');
  const m = message as { content?: unknown; refusal?: unknown; tool_calls?: unknown; function_call?: unknown };
  let text = contentText(m.content);
  if (text === '' && typeof m.refusal === 'string') text = m.refusal;
  const toolCalls = readToolCalls(m.tool_calls, m.function_call);
  const usage = readUsage((body as { usage?: unknown }).usage);
  return { ok: true, value: { text, ...(toolCalls.length > 0 ? { toolCalls } : {}), ...(usage ? { usage } : {}) } };
}

/** Bulwark's block: HTTP 400 `{"error":{"type":"bulwark_policy_violation","code":<detector>,"message":...}}`. */
export function readBlock(status: number, bodyText: string | undefined): TargetResponse['blocked'] | undefined {
  if (status !== 400 || bodyText === undefined || !bodyText.includes('bulwark_policy_violation')) return undefined;
  try {
    const error = (JSON.parse(bodyText) as { error?: { type?: unknown; code?: unknown; message?: unknown } }).error;
    if (error?.type !== 'bulwark_policy_violation') return undefined;
    return {
      by: typeof error.code === 'string' && error.code !== '' ? error.code.slice(0, 200) : 'policy',
      message: typeof error.message === 'string' ? error.message.slice(0, 1000) : 'blocked by policy',
    };
  } catch {
    return undefined;
  }
}

function bad(message: string): { ok: false; error: TargetError } {
  return { ok: false, error: { code: 'bad_response', message } };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const t = (part as { text?: unknown } | null)?.text;
    if (typeof t === 'string') text += t;
  }
  return text;
}

function readToolCalls(calls: unknown, legacy: unknown): ToolCall[] {
  const out: ToolCall[] = [];
  const push = (fn: unknown): void => {
    const f = fn as { name?: unknown; arguments?: unknown } | null;
    if (typeof f?.name !== 'string') return;
    out.push({ name: f.name, arguments: typeof f.arguments === 'string' ? f.arguments : JSON.stringify(f.arguments ?? {}) });
  };
  if (Array.isArray(calls)) for (const c of calls.slice(0, 128)) push((c as { function?: unknown } | null)?.function);
  else if (legacy !== undefined) push(legacy);
  return out;
}

function readUsage(usage: unknown): TargetResponse['usage'] | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const out: NonNullable<TargetResponse['usage']> = {};
  if (typeof u.prompt_tokens === 'number') out.inputTokens = u.prompt_tokens;
  if (typeof u.completion_tokens === 'number') out.outputTokens = u.completion_tokens;
  return out;
}
