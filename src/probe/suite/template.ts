// A small subset of Nunjucks for promptfoo prompts: `{{ var }}`, `{{ a.b }}`, filters dump/upper/lower/trim, `{{-`/`-}}` trimming.
export interface RenderResult {
  text: string;
  /** Variables used but not given (rendered as '', as Nunjucks does). */
  missing: string[];
  /** Constructs left as written: `{% … %}` tags, unknown filters, expressions that are not a variable path. */
  unsupported: string[];
}

/** Longest template processed; promptfoo prompts are a few KB. */
export const MAX_TEMPLATE_CHARS = 1024 * 1024;

// Bounded quantifiers only: no catastrophic backtracking on hostile prompts.
const TAG = /\{\{(-?)([^{}]{0,512}?)(-?)\}\}|\{%[^%]{0,512}%\}/g;
const PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d{1,9}\])*$/;
const FILTERS: Record<string, (v: unknown) => unknown> = {
  dump: (v) => JSON.stringify(v) ?? '',
  upper: (v) => toText(v).toUpperCase(),
  lower: (v) => toText(v).toLowerCase(),
  trim: (v) => toText(v).trim(),
  safe: (v) => v,
};

export function hasTemplateTags(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

export function renderTemplate(template: string, vars: Readonly<Record<string, unknown>>): RenderResult {
  if (template.length > MAX_TEMPLATE_CHARS) throw new TypeError(`template longer than ${MAX_TEMPLATE_CHARS} characters`);
  const missing = new Set<string>();
  const unsupported = new Set<string>();
  let out = '';
  let last = 0;
  let trimNext = false;
  for (const m of template.matchAll(TAG)) {
    let before = template.slice(last, m.index);
    if (trimNext) before = before.trimStart();
    last = m.index + m[0].length;
    if (m[2] === undefined) {
      // `{% … %}`: control flow is out of scope; keeping it visible beats silently dropping part of a prompt.
      out += before + m[0];
      unsupported.add(m[0].slice(0, 80));
      trimNext = false;
      continue;
    }
    if (m[1] === '-') before = before.trimEnd();
    trimNext = m[3] === '-';
    const [expr = '', ...filters] = m[2].split('|').map((s) => s.trim());
    if (!PATH.test(expr)) {
      out += before + m[0];
      unsupported.add(m[0].slice(0, 80));
      continue;
    }
    let value = lookup(vars, expr);
    if (value === undefined) missing.add(expr);
    for (const f of filters) {
      const name = f.replace(/\(.*$/s, '').trim();
      const fn = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
      if (fn) value = fn(value);
      else unsupported.add(`filter ${name.slice(0, 40)}`);
    }
    out += before + toText(value);
  }
  let rest = template.slice(last);
  if (trimNext) rest = rest.trimStart();
  return { text: out + rest, missing: [...missing], unsupported: [...unsupported] };
}

function lookup(vars: Readonly<Record<string, unknown>>, path: string): unknown {
  let cur: unknown = vars;
  for (const seg of path.split(/\.|\[|\]/).filter((s) => s !== '')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** As Nunjucks prints values: '' for undefined/null, lists comma-joined; objects as JSON (Nunjucks would print "[object Object]"). */
function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' ? JSON.stringify(x) : toText(x))).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
