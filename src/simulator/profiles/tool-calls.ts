// Tool-call decisions shared by the profiles: which declared tool a text asks for, and arguments for it.
import { createHash } from 'node:crypto';
import type { ToolSpec } from '../chat-request.js';
import { USE_TOOL_VERB } from './patterns.js';
import type { Reply } from './types.js';

const GENERIC_TOOL_REQUEST = /\b(?:use|call|invoke|run)\s+(?:a|an|the|your|one\s+of\s+(?:the|your))\s+(?:tools?|functions?)\b/i;
const NUMBER = /-?\b\d+(?:\.\d+)?\b/;
const QUOTED = /"([^"\n]{0,500})"|'([^'\n]{0,500})'|“([^”\n]{0,500})”/g;

/**
 * The declared tool that `text` asks to use: a use-verb plus the tool's name (also with underscores read as spaces),
 * or a generic "use a tool" for the first tool. Earliest mention wins.
 */
export function requestedTool(text: string, tools: readonly ToolSpec[]): ToolSpec | undefined {
  if (tools.length === 0 || !USE_TOOL_VERB.test(text)) return undefined;
  const lower = text.toLowerCase();
  let best: ToolSpec | undefined;
  let bestAt = Infinity;
  for (const tool of tools) {
    const name = tool.name.toLowerCase();
    for (const form of name.includes('_') ? [name, name.replaceAll('_', ' ')] : [name]) {
      const at = wordIndex(lower, form);
      if (at >= 0 && at < bestAt) {
        best = tool;
        bestAt = at;
      }
    }
  }
  if (best === undefined && GENERIC_TOOL_REQUEST.test(text)) best = tools[0];
  return best;
}

/** First index of `word` in `text` with no identifier character on either side, or -1. */
function wordIndex(text: string, word: string): number {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isIdentChar(text.charCodeAt(at - 1)) && !isIdentChar(text.charCodeAt(at + word.length))) return at;
  }
  return -1;
}

function isIdentChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** A tool-call reply for `tool`, arguments taken from `text`. The call id is a hash: same request, same id. */
export function toolCallReply(tool: ToolSpec, text: string): Reply {
  const args = toolArguments(tool, text);
  const id = `call_${createHash('sha256').update(tool.name).update('\0').update(args).digest('hex').slice(0, 24)}`;
  return { kind: 'tool_calls', calls: [{ id, name: tool.name, arguments: args }] };
}

/**
 * Arguments as JSON text: a JSON object written in `text` after the tool's name when there is one, else a value for
 * each required property (every property when none is required) guessed from the text by the property's type.
 */
export function toolArguments(tool: ToolSpec, text: string): string {
  const written = jsonObjectIn(text);
  if (written !== undefined) return written;
  const schema = asRecord(tool.parameters);
  const properties = asRecord(schema?.properties) ?? {};
  const required = Array.isArray(schema?.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  const names = required.length > 0 ? required : Object.keys(properties);
  const quoted = [...text.matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  const args: Record<string, unknown> = {};
  for (const name of names) {
    const prop = asRecord(properties[name]) ?? {};
    args[name] = guessValue(prop, text, quoted);
  }
  return JSON.stringify(args);
}

function guessValue(prop: Record<string, unknown>, text: string, quoted: string[]): unknown {
  if (Array.isArray(prop.enum) && prop.enum.length > 0) return prop.enum[0];
  switch (prop.type) {
    case 'number':
    case 'integer': {
      const n = NUMBER.exec(text);
      return n ? Number(n[0]) : 0;
    }
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      // Strings: the quoted phrases in order, then the text itself.
      return quoted.shift() ?? text.slice(0, 200);
  }
}

/** Largest JSON object taken from a text as tool arguments. */
const MAX_WRITTEN_ARGUMENTS = 64 * 1024;

/** The text from the first `{` to the last `}` when it parses as a JSON object, re-serialised compactly. */
function jsonObjectIn(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  const end = text.lastIndexOf('}');
  if (end <= start || end - start > MAX_WRITTEN_ARGUMENTS) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return asRecord(value) ? JSON.stringify(value) : undefined;
  } catch {
    return undefined;
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
