// Request bodies of generic HTTP targets: `{{prompt}}`, `{{messages}}`, `{{system}}`, `{{sessionId}}` filled into a
// template string (JSON-escaped for where each placeholder stands: inside a JSON string or as a whole value) or into
// an object template. Compiled once; rendering is string concatenation.
import { BulwarkError } from '../../core/errors.js';

export const PLACEHOLDERS = ['prompt', 'messages', 'system', 'sessionId'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

export interface TemplateValues {
  prompt: string;
  /** The conversation as OpenAI-style `{role, content}` objects (system first when there is one). */
  messages: readonly { role: string; content: string }[];
  system: string;
  sessionId: string;
}

export interface BodyTemplate {
  render(values: TemplateValues): string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const MAX_DEPTH = 64;

type Part = string | { name: PlaceholderName; quoted: boolean };

/** Compiles a body template; `format: 'text'` inserts values as they are (no JSON escaping). */
export function compileBodyTemplate(template: string | Record<string, unknown>, format: 'json' | 'text' = 'json'): BodyTemplate {
  if (typeof template !== 'string') {
    checkObjectTemplate(template, 0);
    return { render: (values) => JSON.stringify(renderValue(template, values, 0)) };
  }
  const parts = splitTemplate(template, format === 'json');
  return {
    render(values) {
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') out += p;
        else if (format === 'text') out += textOf(values[p.name]);
        else if (p.quoted) out += JSON.stringify(textOf(values[p.name])).slice(1, -1);
        else out += JSON.stringify(values[p.name]);
      }
      return out;
    },
  };
}

/** Literal runs and placeholders; `trackQuotes` notes whether each placeholder sits inside a JSON string literal. */
function splitTemplate(template: string, trackQuotes: boolean): Part[] {
  const parts: Part[] = [];
  let last = 0;
  // Quote state is tracked incrementally up to each placeholder: a `"` not escaped by a backslash toggles it.
  let scanned = 0;
  let inString = false;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = checkName(m[1] as string);
    if (trackQuotes) {
      for (let i = scanned; i < m.index; i++) {
        const c = template.charCodeAt(i);
        if (inString && c === 0x5c /* \ */) i++;
        else if (c === 0x22 /* " */) inString = !inString;
      }
      scanned = m.index + m[0].length;
    }
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push({ name, quoted: inString });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

function checkName(name: string): PlaceholderName {
  if ((PLACEHOLDERS as readonly string[]).includes(name)) return name as PlaceholderName;
  throw new BulwarkError('ERR_CONFIG_INVALID', `unknown placeholder {{${name.slice(0, 40)}}} in the request body (known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`);
}

function textOf(value: TemplateValues[PlaceholderName]): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function checkObjectTemplate(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new BulwarkError('ERR_CONFIG_INVALID', `the request body template is nested deeper than ${MAX_DEPTH}`);
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) checkName(m[1] as string);
  } else if (Array.isArray(value)) {
    for (const v of value) checkObjectTemplate(v, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) checkObjectTemplate(v, depth + 1);
  }
}

/** A string that is exactly one placeholder becomes the value itself (so `{{messages}}` is an array). */
function renderValue(value: unknown, values: TemplateValues, depth: number): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) return values[whole[1] as PlaceholderName];
    return value.includes('{{') ? value.replace(PLACEHOLDER, (_m, name: string) => textOf(values[name as PlaceholderName])) : value;
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, values, depth + 1));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties: a `__proto__` key stays a key, never a prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, values, depth + 1)]));
  }
  return value;
}
