// Lexing of `name <operator> value` in code, config, env files, headers and prose, by hand so it stays linear.

export const MAX_VALUE = 256;

export function isIdentChar(c: number): boolean {
  // letters, digits, _ . - $
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 36;
}

export function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** Stops an unquoted value: whitespace, quotes, separators and brackets. */
function endsUnquoted(c: number): boolean {
  return (
    c <= 32 || isQuote(c) || c === 44 || c === 59 || c === 38 || c === 40 || c === 41 || c === 123 || c === 125 ||
    c === 91 || c === 93 || c === 60 || c === 62
  );
}

export interface Value {
  start: number;
  end: number;
  quoted: boolean;
}

/** Reads the value that starts at `p` (quoted or bare, or up to `<` inside an XML element); null when none. */
export function readValue(text: string, p: number, xml: boolean): Value | null {
  let c = text.charCodeAt(p);
  // JSON inside a JSON string (tool-call arguments): the value is delimited by \" ... \"
  const escapedQuote = c === 92 && isQuote(text.charCodeAt(p + 1));
  if (escapedQuote) c = text.charCodeAt(++p);
  if (isQuote(c)) {
    const start = p + 1;
    let i = start;
    while (i < text.length && i - start <= MAX_VALUE) {
      const d = text.charCodeAt(i);
      if (d === 10 || d === 13) return null;
      if (d === c && !escapedQuote) break;
      if (d === 92) {
        if (escapedQuote && text.charCodeAt(i + 1) === c) break;
        i++;
      }
      i++;
    }
    if (i >= text.length || i - start > MAX_VALUE) return null;
    return i > start ? { start, end: i, quoted: true } : null;
  }
  let i = p;
  for (; i < text.length && i - p <= MAX_VALUE; i++) {
    const d = text.charCodeAt(i);
    if (xml ? d === 60 || d === 10 : endsUnquoted(d)) break;
  }
  return i > p && i - p <= MAX_VALUE ? { start: p, end: i, quoted: false } : null;
}

/** Skips spaces and tabs (not newlines: a value belongs to its name's line). */
export function skipBlanks(text: string, p: number): number {
  while (p < text.length && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  return p;
}

export type Operator = 'assign' | 'prose' | 'flag' | 'xml' | 'space';

export interface OperatorAt {
  op: Operator;
  /** Where the value (or the blanks before it) starts. */
  p: number;
}

/** `is ` / `was ` / `to ` / `by ` (any case) at p: "my password is ...", "set `X` to ...", "IDENTIFIED BY '...'". */
function proseVerbLength(text: string, p: number): number {
  const a = text.charCodeAt(p) | 32;
  const b = text.charCodeAt(p + 1) | 32;
  const c = text.charCodeAt(p + 2);
  if (c === 32 && ((a === 105 && b === 115) || (a === 116 && b === 111) || (a === 98 && b === 121))) return 3; // is, to, by
  if (a === 119 && b === 97 && (c | 32) === 115 && text.charCodeAt(p + 3) === 32) return 4; // was
  return 0;
}

/** True when only blanks separate `p` from the start of its line. */
function atLineStart(text: string, p: number): boolean {
  for (let i = p - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Reads what joins a name to its value (`=`, `:`, `:=`, `=>`, `is`, a space after `--flag`, `>` in XML). */
export function readOperator(text: string, identStart: number, identEnd: number): OperatorAt | null {
  let p = identEnd;
  // Closing quote / bracket / backslash of the key: "password": , ['password'] = , \"password\":
  for (let k = 0; k < 3 && p < text.length; k++) {
    const c = text.charCodeAt(p);
    if (isQuote(c) || c === 93 || c === 92) p++;
    else break;
  }
  const afterKey = p;
  p = skipBlanks(text, p);
  const c = text.charCodeAt(p);
  const n = text.charCodeAt(p + 1);
  if (c === 58 && n === 61) return { op: 'assign', p: p + 2 }; // :=
  if (c === 61 && n === 62) return { op: 'assign', p: p + 2 }; // =>
  if (c === 61) {
    while (text.charCodeAt(p) === 61) p++;
    return { op: 'assign', p };
  }
  if (c === 58 && n !== 58) return { op: 'assign', p: p + 1 };
  if (c === 62 && text.charCodeAt(identStart - 1) === 60 && afterKey === identEnd) return { op: 'xml', p: p + 1 };
  if (p === afterKey) return null;
  const verb = proseVerbLength(text, p);
  if (verb > 0) return { op: 'prose', p: p + verb };
  if (text.charCodeAt(identStart) === 45 && text.charCodeAt(identStart + 1) === 45) return { op: 'flag', p };
  // `PASSWORD 'x'` (SQL), and `password x` opening a line (.netrc, ssh/ftp configs).
  if (isQuote(c) || atLineStart(text, identStart)) return { op: 'space', p };
  return null;
}

/** Kubernetes / compose env lists: `- name: DB_PASSWORD` then `value: "..."` on the next line. */
export function k8sEnvValue(text: string, identStart: number, identEnd: number): OperatorAt | null {
  let q = identStart;
  if (isQuote(text.charCodeAt(q - 1))) q--;
  while (q > 0 && (text.charCodeAt(q - 1) === 32 || text.charCodeAt(q - 1) === 9)) q--;
  if (!text.startsWith('name:', q - 5)) return null;
  let p = identEnd;
  if (isQuote(text.charCodeAt(p))) p++;
  p = skipBlanks(text, p);
  if (text.charCodeAt(p) === 13) p++;
  if (text.charCodeAt(p) !== 10) return null;
  p = skipBlanks(text, p + 1);
  return text.startsWith('value:', p) ? { op: 'assign', p: p + 6 } : null;
}
