// promptfoo prompts: inline strings, `file://` text files (split on `---`), chat JSON/YAML message lists; rendered per test.
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ChatMessage } from '../types.js';
import { renderTemplate } from './template.js';

export interface PromptTemplate {
  /** Shown as the category of tests without a description. */
  label: string;
  /** Text template, or a list of message templates (chat format). */
  text?: string;
  messages?: { role: string; content: string }[];
}

export interface RenderedPrompt {
  system?: string;
  turns: ChatMessage[];
  missing: string[];
  unsupported: string[];
}

/** Reads a file named in the config (path as written after `file://`), relative to the config's folder. */
export type ConfigFileReader = (path: string) => Promise<string>;

const TEXT_EXT = new Set(['', '.txt', '.md', '.j2', '.njk', '.nunjucks', '.prompt']);
const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'developer']);

export class PromptError extends Error {
  override readonly name = 'PromptError';
}

/** One config entry → its prompt templates (a text file with `---` lines holds several). */
export async function loadPromptEntry(entry: string | { id?: string; label?: string; raw?: string }, read: ConfigFileReader): Promise<PromptTemplate[]> {
  const raw = typeof entry === 'string' ? entry : (entry.raw ?? entry.id);
  if (typeof raw !== 'string' || raw === '') throw new PromptError('a prompt needs raw text or a file:// path');
  const label = typeof entry === 'string' ? undefined : entry.label;
  if (!raw.startsWith('file://')) return [{ label: label ?? shortLabel(raw), ...inlineTemplate(raw) }];
  const spec = raw.slice('file://'.length);
  if (/[*?[]/.test(spec)) throw new PromptError(`prompt globs are not supported (${spec.slice(0, 80)}): list the files`);
  // `file://prompts.py:create_prompt`: a function in a script; we never execute code from the config.
  const ext = extname(spec.replace(/:[A-Za-z_]\w*$/, '')).toLowerCase();
  if (['.js', '.cjs', '.mjs', '.ts', '.py'].includes(ext)) throw new PromptError(`prompt functions (${ext}) are not supported: Bulwark does not execute code from the config`);
  const text = await read(spec);
  if (ext === '.json' || ext === '.jsonl') {
    if (ext === '.jsonl') {
      return text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .map((l, i) => ({ label: `${label ?? raw}:${i + 1}`, messages: messageList(parseJson(l, spec), spec) }));
    }
    return [{ label: label ?? raw, messages: messageList(parseJson(text, spec), spec) }];
  }
  if (ext === '.yaml' || ext === '.yml') {
    let value: unknown;
    try {
      value = parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw new PromptError(`${spec}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
    }
    return [{ label: label ?? raw, messages: messageList(value, spec) }];
  }
  if (!TEXT_EXT.has(ext)) throw new PromptError(`prompt files of type "${ext}" are not supported`);
  const parts = text.split(/^---[ \t]*$/m).map((p) => p.replace(/^\r?\n|\r?\n$/g, ''));
  const many = parts.length > 1;
  return parts
    .filter((p) => p.trim() !== '')
    .map((p, i) => ({ label: many ? `${label ?? raw}:${i + 1}` : (label ?? raw), ...inlineTemplate(p) }));
}

/** A prompt whose text is a JSON list of messages is a chat prompt (promptfoo's rule); otherwise plain text. */
function inlineTemplate(raw: string): Pick<PromptTemplate, 'text' | 'messages'> {
  const t = raw.trim();
  if (t.startsWith('[')) {
    try {
      return { messages: messageList(JSON.parse(t), 'prompt') };
    } catch {
      // Not JSON as written (e.g. `{{ messages | dump }}` inside): decided again after rendering.
    }
  }
  return { text: raw };
}

/** Renders a template with a test's vars into the system prompt and the conversation turns. */
export function renderPrompt(p: PromptTemplate, vars: Readonly<Record<string, unknown>>): RenderedPrompt {
  const missing = new Set<string>();
  const unsupported = new Set<string>();
  const render = (s: string): string => {
    const r = renderTemplate(s, vars);
    r.missing.forEach((m) => missing.add(m));
    r.unsupported.forEach((u) => unsupported.add(u));
    return r.text;
  };
  let messages: { role: string; content: string }[];
  if (p.messages) {
    // Vars go into each message's content after parsing, so a quote in a var cannot break the JSON.
    messages = p.messages.map((m) => ({ role: m.role, content: render(m.content) }));
  } else {
    const text = render(p.text ?? '');
    messages = [{ role: 'user', content: text }];
    if (text.trim().startsWith('[')) {
      try {
        messages = messageList(JSON.parse(text.trim()), 'prompt');
      } catch {
        // Plain text that happens to start with "[".
      }
    }
  }
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content);
  const turns: ChatMessage[] = messages
    .filter((m) => m.role !== 'system' && m.role !== 'developer')
    .map((m) => ({ role: m.role as ChatMessage['role'], content: m.content }));
  const out: RenderedPrompt = { turns, missing: [...missing], unsupported: [...unsupported] };
  if (system.length > 0) out.system = system.join('\n\n');
  return out;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PromptError(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** OpenAI chat format: [{ role, content }]; content parts ([{ type: 'text', text }]) are joined. */
function messageList(value: unknown, where: string): { role: string; content: string }[] {
  if (!Array.isArray(value) || value.length === 0) throw new PromptError(`${where}: a chat prompt must be a non-empty list of { role, content }`);
  return value.map((m, i) => {
    const msg = m as { role?: unknown; content?: unknown };
    if (msg === null || typeof msg !== 'object' || typeof msg.role !== 'string' || !ROLES.has(msg.role)) {
      throw new PromptError(`${where}: message ${i + 1} needs a role of system, user, assistant or tool`);
    }
    let content: string;
    if (typeof msg.content === 'string') content = msg.content;
    else if (Array.isArray(msg.content)) content = msg.content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
    else throw new PromptError(`${where}: message ${i + 1} needs text content`);
    return { role: msg.role, content };
  });
}

function shortLabel(raw: string): string {
  const one = raw.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
