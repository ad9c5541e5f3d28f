// Where the texts are in OpenAI chat requests and responses, per guard stage, and how to put redacted text back.
import type { Stage } from '../../core/finding.js';

/** A text found in a request or response, with a setter that writes a replacement back into the same object. */
export interface Located {
  stage: Stage;
  text: string;
  set(text: string): void;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Message content: a string, or an array of parts whose `text` parts are collected one by one. */
function contentTexts(message: Json, stage: Stage, out: Located[]): void {
  const content = message['content'];
  if (typeof content === 'string') {
    out.push({ stage, text: content, set: (t) => (message['content'] = t) });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (isObject(part) && part['type'] === 'text' && typeof part['text'] === 'string') {
        out.push({ stage, text: part['text'], set: (t) => (part['text'] = t) });
      }
    }
  }
}

/**
 * Texts of a chat request: user messages at `input`, tool results at `tool_result`, tool definitions at `tool_call`
 * (tool descriptions are a known injection carrier). System and developer messages are the application's own
 * instructions: returned separately as context (for leak detection), not scanned.
 */
export function chatRequestTexts(body: Json): { texts: Located[]; systemPrompt: string | undefined; lastUser: Located | undefined } {
  const texts: Located[] = [];
  let systemPrompt: string | undefined;
  let lastUser: Located | undefined;
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  for (const m of messages) {
    if (!isObject(m)) continue;
    const role = m['role'];
    if (role === 'user') {
      const before = texts.length;
      contentTexts(m, 'input', texts);
      if (texts.length > before) lastUser = texts[texts.length - 1];
    } else if (role === 'tool' || role === 'function') {
      contentTexts(m, 'tool_result', texts);
    } else if (role === 'system' || role === 'developer') {
      // The content is a string or, in newer clients, an array of text parts.
      const parts: Located[] = [];
      contentTexts(m, 'input', parts);
      for (const p of parts) systemPrompt = systemPrompt === undefined ? p.text : `${systemPrompt}\n${p.text}`;
    }
  }
  const tools = Array.isArray(body['tools']) ? body['tools'] : [];
  for (const tool of tools) {
    const fn = isObject(tool) && isObject(tool['function']) ? tool['function'] : undefined;
    if (fn && typeof fn['description'] === 'string') texts.push({ stage: 'tool_call', text: fn['description'], set: (t) => (fn['description'] = t) });
  }
  // The deprecated `functions` list is still accepted by the API and by most compatible servers.
  const functions = Array.isArray(body['functions']) ? body['functions'] : [];
  for (const fn of functions) {
    if (isObject(fn) && typeof fn['description'] === 'string') texts.push({ stage: 'tool_call', text: fn['description'], set: (t) => (fn['description'] = t) });
  }
  return { texts, systemPrompt, lastUser };
}

/** Texts of a chat completion: message content at `output`, tool-call (and legacy function-call) arguments at `tool_call`. */
export function chatResponseTexts(body: Json): Located[] {
  const out: Located[] = [];
  const choices = Array.isArray(body['choices']) ? body['choices'] : [];
  for (const c of choices) {
    const message = isObject(c) && isObject(c['message']) ? c['message'] : undefined;
    if (!message) continue;
    if (typeof message['content'] === 'string') contentTexts(message, 'output', out);
    const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
    for (const call of calls) {
      const fn = isObject(call) && isObject(call['function']) ? call['function'] : undefined;
      if (fn && typeof fn['arguments'] === 'string') out.push({ stage: 'tool_call', text: fn['arguments'], set: (t) => (fn['arguments'] = t) });
    }
    // The deprecated single `function_call`: a tool call all the same.
    const legacy = isObject(message['function_call']) ? message['function_call'] : undefined;
    if (legacy && typeof legacy['arguments'] === 'string') out.push({ stage: 'tool_call', text: legacy['arguments'], set: (t) => (legacy['arguments'] = t) });
  }
  return out;
}

/** Texts of a legacy completion request (`prompt`: string or array of strings) and response (`choices[].text`). */
export function completionRequestTexts(body: Json): Located[] {
  const prompt = body['prompt'];
  if (typeof prompt === 'string') return [{ stage: 'input', text: prompt, set: (t) => (body['prompt'] = t) }];
  if (Array.isArray(prompt)) {
    return prompt.flatMap((p, i): Located[] => (typeof p === 'string' ? [{ stage: 'input', text: p, set: (t) => (prompt[i] = t) }] : []));
  }
  return [];
}

export function completionResponseTexts(body: Json): Located[] {
  const choices = Array.isArray(body['choices']) ? body['choices'] : [];
  return choices.flatMap((c): Located[] => (isObject(c) && typeof c['text'] === 'string' ? [{ stage: 'output', text: c['text'], set: (t) => (c['text'] = t) }] : []));
}

/** Embedding inputs (`input`: string or array of strings; token arrays are not text and are left alone). */
export function embeddingTexts(body: Json): Located[] {
  const input = body['input'];
  if (typeof input === 'string') return [{ stage: 'input', text: input, set: (t) => (body['input'] = t) }];
  if (Array.isArray(input)) {
    return input.flatMap((p, i): Located[] => (typeof p === 'string' ? [{ stage: 'input', text: p, set: (t) => (input[i] = t) }] : []));
  }
  return [];
}
