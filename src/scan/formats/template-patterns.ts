// The pattern side of the chat-template analyser, for templates the parser rejects: a token-level scan of tag
// contents (escapes decoded, whitespace squeezed, quoted pieces joined) and a rewrite of unsupported syntax into
// syntax the parser accepts.
import { ESCAPE_DUNDER, MAX_FINDINGS, TEMPLATE_RULES, type TemplateFinding } from './template-rules.js';
import type { ScanRule } from '../rules.js';

/** Decodes the escapes Python string literals allow (\xNN, \uNNNN, \UNNNNNNNN, octal \NNN) so names cannot hide in them. */
export function decodeEscapes(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3})/g, (_m, e: string) => {
    const cp = e[0] === 'x' || e[0] === 'u' || e[0] === 'U' ? parseInt(e.slice(1), 16) : parseInt(e, 8);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

const TAG = /\{\{([\s\S]*?)(?:\}\}|$)|\{%([\s\S]*?)(?:%\}|$)/g;
const RX_DUNDER = new RegExp(ESCAPE_DUNDER.source);
const RX_EXEC = /(?:^|[^\w.])(?:os|subprocess|builtins|importlib|posix|sys)[.[]|\.(?:popen|system|check_output|getoutput|import_module|spawn\w*|exec[lv]\w*)\(|(?:^|[^\w.])(?:eval|exec|__import__|open|compile)\(|\[['"](?:os|subprocess|popen|system|builtins|__import__)['"]\]/;
const RX_GADGET = /(?:^|[^\w.])(?:cycler|joiner|lipsum|namespace|self|config|request|url_for|get_flashed_messages)\.\w/;
const RX_ATTR = /\|attr\(/;
const RX_INCLUDE = /^[-+]?(?:import|from|include|extends)\b/;
const RX_PRIVATE = /\._[A-Za-z0-9]/;

/** Token-level scan for templates the parser rejects: tag contents without whitespace, escapes decoded, quotes joined. */
export function patternScan(text: string): TemplateFinding[] {
  const out = new Map<string, TemplateFinding>();
  const add = (rule: ScanRule, fragment: string, message: string): void => {
    const key = `${rule.id}\u0000${fragment}`;
    if (!out.has(key) && out.size < MAX_FINDINGS) out.set(key, { rule, fragment: fragment.slice(0, 200), message });
  };
  for (const m of text.matchAll(TAG)) {
    const raw = m[1] ?? m[2] ?? '';
    const isStatement = m[2] !== undefined;
    const squeezed = decodeEscapes(raw).replace(/\s+/g, '');
    // '__cla' ~ 'ss__', "__cla" + "ss__" and 'a''b' (implicit concatenation) all spell one string.
    const joined = squeezed.replace(/(['"])(?:[~+]?)\1/g, '');
    const fragment = raw.trim().slice(0, 200);
    if (isStatement && RX_INCLUDE.test(squeezed.replace(/^-/, ''))) add(TEMPLATE_RULES['template-include'], fragment, 'template loads another template');
    if (RX_DUNDER.test(squeezed)) add(TEMPLATE_RULES['sandbox-escape'], fragment, 'template names a Python internal used to escape the Jinja sandbox');
    else if (RX_DUNDER.test(joined) || (/\[::-1\]|\|reverse/.test(joined) && RX_DUNDER.test([...joined].reverse().join('')))) {
      add(TEMPLATE_RULES['obfuscated-name'], fragment, 'template assembles a Python internal name from pieces');
    }
    if (RX_EXEC.test(squeezed) || RX_EXEC.test(joined)) add(TEMPLATE_RULES['code-execution'], fragment, 'template calls into the operating system');
    if (RX_GADGET.test(squeezed)) add(TEMPLATE_RULES['gadget-root'], fragment, 'template reads attributes of a Jinja global object');
    if (RX_ATTR.test(squeezed)) add(TEMPLATE_RULES['dynamic-attribute'], fragment, 'template reads an attribute through |attr()');
    if (RX_PRIVATE.test(squeezed.replace(/(['"])(?:\\.|(?!\1).)*\1/g, "''"))) add(TEMPLATE_RULES['private-attribute'], fragment, 'template reads a private attribute');
  }
  return [...out.values()];
}


/**
 * Rewrites Jinja that @huggingface/jinja does not parse into something it does, keeping every expression: raw blocks
 * (output only) and template loading (reported by the pattern scan) are dropped, `with`/`block`/`autoescape` become
 * plain scopes, `do` becomes an output, octal escapes become \x escapes and `()` an empty list.
 */
export function repairTemplate(text: string): string {
  return text
    .replace(/\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g, '')
    .replace(/\{%-?\s*(?:import|from|include|extends)\b[\s\S]*?%\}/g, '')
    .replace(/\{%-?\s*(?:with|block|autoescape)\b[^%]*%\}/g, '{% if true %}')
    .replace(/\{%-?\s*(?:endwith|endblock|endautoescape)\b[^%]*%\}/g, '{% endif %}')
    .replace(/\{%-?\s*do\s+([\s\S]*?)\s*-?%\}/g, '{{ $1 }}')
    .replace(/\\([0-7]{3})/g, (_m, o: string) => `\\x${parseInt(o, 8).toString(16).padStart(2, '0').slice(-2)}`)
    .replace(/(^|[^\w\])\]])\(\s*\)/g, '$1[]');
}

