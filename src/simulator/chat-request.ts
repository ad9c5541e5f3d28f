// Lenient reading of an OpenAI chat request: the fields the simulator acts on, unknown fields ignored.
import { wireError, type WireError } from './wire-errors.js';

export interface ChatMessage {
  role: string;
  /** Text of the content: the string, or the text parts joined with newlines; '' for null or non-text parts. */
  text: string;
}

export interface ToolSpec {
  name: string;
  /** The function's JSON Schema `parameters`, as sent. */
  parameters: unknown;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  stream: boolean;
  includeUsage: boolean;
  /** max_completion_tokens, else max_tokens, when a positive integer. */
  maxTokens: number | undefined;
  /** Sum of the message texts' lengths, for the prompt token estimate. */
  promptChars: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: WireError };

export function readModel(body: Record<string, unknown>): Parsed<string> {
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    return { ok: false, error: wireError(400, 'you must provide a model parameter', 'model', 'missing_required_parameter') };
  }
  return { ok: true, value: model };
}

export function readStreamFlags(body: Record<string, unknown>): { stream: boolean; includeUsage: boolean } {
  const options = body.stream_options;
  const includeUsage =
    typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true;
  return { stream: body.stream === true, includeUsage };
}

export function readMaxTokens(body: Record<string, unknown>): number | undefined {
  const n = body.max_completion_tokens ?? body.max_tokens;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export function parseChatRequest(body: Record<string, unknown>): Parsed<ChatRequest> {
  const model = readModel(body);
  if (!model.ok) return model;
  const raw = body.messages;
  if (!Array.isArray(raw) || raw.length === 0) {
    return { ok: false, error: wireError(400, "'messages' must be a non-empty array", 'messages', 'invalid_type') };
  }
  const messages: ChatMessage[] = [];
  let promptChars = 0;
  for (let i = 0; i < raw.length; i++) {
    const m: unknown = raw[i];
    if (typeof m !== 'object' || m === null || typeof (m as Record<string, unknown>).role !== 'string') {
      return { ok: false, error: wireError(400, `'messages[${i}]' must be an object with a string 'role'`, `messages[${i}]`, 'invalid_type') };
    }
    const text = contentText((m as Record<string, unknown>).content);
    if (text === undefined) {
      return { ok: false, error: wireError(400, `'messages[${i}].content' must be a string, an array of parts or null`, `messages[${i}].content`, 'invalid_type') };
    }
    promptChars += text.length;
    messages.push({ role: (m as Record<string, unknown>).role as string, text });
  }
  const tools = readTools(body.tools);
  if (tools === undefined) return { ok: false, error: wireError(400, "'tools' must be an array", 'tools', 'invalid_type') };
  const flags = readStreamFlags(body);
  return {
    ok: true,
    value: { model: model.value, messages, tools, stream: flags.stream, includeUsage: flags.includeUsage, maxTokens: readMaxTokens(body), promptChars },
  };
}

/** undefined when `content` has a shape OpenAI rejects. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (typeof part !== 'object' || part === null) return undefined;
    const t = (part as Record<string, unknown>).text;
    if (typeof t === 'string') text = text === '' ? t : `${text}\n${t}`;
  }
  return text;
}

/** Function tools with a string name; other entries (unknown tool types) are skipped. */
function readTools(tools: unknown): ToolSpec[] | undefined {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) return undefined;
  const specs: ToolSpec[] = [];
  for (const t of tools) {
    if (typeof t !== 'object' || t === null) continue;
    const fn = (t as Record<string, unknown>).function;
    if (typeof fn !== 'object' || fn === null) continue;
    const name = (fn as Record<string, unknown>).name;
    if (typeof name === 'string' && name !== '') specs.push({ name, parameters: (fn as Record<string, unknown>).parameters });
  }
  return specs;
}
