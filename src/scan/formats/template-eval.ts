// Constant folding for the chat-template analyser: a small abstract value domain (known strings, numbers, lists and
// dicts, or "unknown") and the Python/Jinja string operations an attacker uses to spell a dunder name in pieces
// (`~`, `+`, `*`, `%` and `str.format`, `|join`, `|reverse`, `|replace`, `[::-1]`, `dict(k=…)|list|first` …).

/** A value known at analysis time. Lists and dicts are kept small (bounded by MAX_ITEMS). */
export type Const = string | number | boolean | null | ConstList | ConstDict;
export interface ConstList {
  readonly list: readonly Const[];
}
export interface ConstDict {
  readonly dict: ReadonlyMap<string, Const>;
}

/**
 * What an expression may evaluate to: a few possible constants, plus possibly something unknown. `built` marks a
 * value produced by a string-building operation (concatenation, formatting, filters, slicing, dict keys): constants
 * that come out of one are how obfuscated attribute names are spelt.
 */
export interface Val {
  readonly consts: readonly Const[];
  readonly unknown: boolean;
  readonly built: boolean;
}

export const MAX_STRING = 4096;
export const MAX_ITEMS = 256;
/** Alternatives tracked per value (branches, `default`, `or`); past this the value becomes unknown. */
const MAX_ALTERNATIVES = 16;

export const UNKNOWN: Val = Object.freeze({ consts: [], unknown: true, built: false });
export const UNKNOWN_BUILT: Val = Object.freeze({ consts: [], unknown: true, built: true });

export function known(c: Const, built = false): Val {
  return { consts: [c], unknown: false, built };
}

export function isList(c: Const | undefined): c is ConstList {
  return typeof c === 'object' && c !== null && 'list' in c;
}

export function isDict(c: Const | undefined): c is ConstDict {
  return typeof c === 'object' && c !== null && 'dict' in c;
}

/** Keeps a constant only when it is small enough to track. */
export function bounded(c: Const | undefined): Const | undefined {
  if (typeof c === 'string') return c.length <= MAX_STRING ? c : undefined;
  if (isList(c)) return c.list.length <= MAX_ITEMS ? c : undefined;
  if (isDict(c)) return c.dict.size <= MAX_ITEMS ? c : undefined;
  return c;
}

export function union(...vals: Val[]): Val {
  const consts: Const[] = [];
  let unknown = false;
  let built = false;
  for (const v of vals) {
    unknown ||= v.unknown;
    built ||= v.built;
    for (const c of v.consts) if (!consts.some((x) => sameConst(x, c))) consts.push(c);
  }
  if (consts.length > MAX_ALTERNATIVES) return built ? UNKNOWN_BUILT : UNKNOWN;
  return { consts, unknown, built };
}

function sameConst(a: Const, b: Const): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return pyRepr(a) === pyRepr(b);
}

/** Applies `f` to every combination of the operands' constants; an undefined result makes that combination unknown. */
export function lift(args: readonly Val[], f: (cs: Const[]) => Const | undefined, built: boolean): Val {
  let unknown = args.some((a) => a.unknown);
  const isBuilt = built || args.some((a) => a.built);
  if (args.length > MAX_ITEMS) return isBuilt ? UNKNOWN_BUILT : UNKNOWN;
  const out: Const[] = [];
  let combos: Const[][] = [[]];
  for (const a of args) {
    const next: Const[][] = [];
    for (const prefix of combos) for (const c of a.consts) next.push([...prefix, c]);
    combos = next;
    if (combos.length > MAX_ALTERNATIVES) return isBuilt ? UNKNOWN_BUILT : UNKNOWN;
  }
  if (args.every((a) => a.consts.length > 0)) {
    for (const combo of combos) {
      const r = bounded(f(combo));
      if (r === undefined) unknown = true;
      else if (!out.some((x) => sameConst(x, r))) out.push(r);
    }
  }
  return { consts: out, unknown, built: isBuilt };
}

// ---- Python's str() and repr() of constants ----

export function pyStr(c: Const): string {
  if (typeof c === 'string') return c;
  return pyRepr(c);
}

export function pyRepr(c: Const): string {
  if (c === null) return 'None';
  if (c === true) return 'True';
  if (c === false) return 'False';
  if (typeof c === 'number') return String(c);
  if (typeof c === 'string') return `'${c.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (isList(c)) return `[${c.list.map(pyRepr).join(', ')}]`;
  return `{${[...c.dict].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

// ---- indexing and slicing with Python semantics ----

export function pyIndex(obj: Const, key: Const): Const | undefined {
  if (isDict(obj)) return typeof key === 'string' ? obj.dict.get(key) : undefined;
  if (typeof key !== 'number' || !Number.isInteger(key)) return undefined;
  const seq = typeof obj === 'string' ? [...obj] : isList(obj) ? obj.list : undefined;
  if (!seq) return undefined;
  const i = key < 0 ? seq.length + key : key;
  return i >= 0 && i < seq.length ? seq[i] : undefined;
}

export function pySlice(obj: Const, start: Const | undefined, stop: Const | undefined, step: Const | undefined): Const | undefined {
  const seq: readonly Const[] | undefined = typeof obj === 'string' ? [...obj] : isList(obj) ? obj.list : undefined;
  if (!seq) return undefined;
  const num = (c: Const | undefined): number | undefined | null => (c === undefined || c === null ? undefined : typeof c === 'number' && Number.isInteger(c) ? c : null);
  const a = num(start);
  const b = num(stop);
  const s = num(step) ?? 1;
  if (a === null || b === null || s === null || s === 0) return undefined;
  const n = seq.length;
  const lower = s > 0 ? 0 : -1;
  const upper = s > 0 ? n : n - 1;
  const clamp = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, lower), upper);
  };
  const from = clamp(a, s > 0 ? lower : upper);
  const to = clamp(b, s > 0 ? upper : lower);
  const out: Const[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(seq[i]!);
  return typeof obj === 'string' ? out.join('') : { list: out };
}

// ---- string formatting: `fmt % args`, `|format`, `str.format` ----

const PERCENT = /%(\([^)]*\))?([-+ #0]*)(\d+)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g;

/** Python's `fmt % args`; undefined when the arguments do not fit (Python would raise). */
export function pyPercent(fmt: string, args: Const): string | undefined {
  const positional = isList(args) ? args.list : [args];
  const mapping = isDict(args) ? args.dict : undefined;
  let next = 0;
  let failed = false;
  const out = fmt.replace(PERCENT, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    let v: Const | undefined;
    if (key !== undefined) v = mapping?.get(key.slice(1, -1));
    else v = positional[next++];
    if (v === undefined) {
      failed = true;
      return '';
    }
    const s = convert(v, conv, prec === undefined ? undefined : Number(prec));
    if (s === undefined) {
      failed = true;
      return '';
    }
    return pad(s, width === undefined ? 0 : Number(width), flags);
  });
  if (failed || out.length > MAX_STRING) return undefined;
  return out;
}

function convert(v: Const, conv: string, prec: number | undefined): string | undefined {
  switch (conv) {
    case 's':
      return prec === undefined ? pyStr(v) : pyStr(v).slice(0, prec);
    case 'r':
    case 'a':
      return pyRepr(v);
    case 'c':
      if (typeof v === 'string') return [...v].length === 1 ? v : undefined;
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x10ffff ? String.fromCodePoint(v) : undefined;
    case 'd':
    case 'i':
    case 'u':
      return typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'boolean' ? (v ? '1' : '0') : undefined;
    case 'x':
    case 'X':
    case 'o': {
      if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
      const s = v.toString(conv === 'o' ? 8 : 16);
      return conv === 'X' ? s.toUpperCase() : s;
    }
    default:
      return typeof v === 'number' ? v.toFixed(prec ?? 6) : undefined;
  }
}

function pad(s: string, width: number, flags: string): string {
  if (width <= s.length || width > MAX_STRING) return s;
  if (flags.includes('-')) return s.padEnd(width);
  return s.padStart(width, flags.includes('0') ? '0' : ' ');
}

/** Python's `str.format` for plain fields (`{}`, `{0}`, `{name}`, with `!r`/`!s` and a `c`/`x`/`d` spec). */
export function pyFormat(fmt: string, args: readonly Const[], kwargs: ReadonlyMap<string, Const>): string | undefined {
  let auto = 0;
  let failed = false;
  const out = fmt.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const f = /^([A-Za-z_]\w*|\d*)(?:!([rsa]))?(?::(.*))?$/s.exec(field ?? '');
    if (!f) {
      failed = true;
      return '';
    }
    const name = f[1] ?? '';
    const v = name === '' ? args[auto++] : /^\d+$/.test(name) ? args[Number(name)] : kwargs.get(name);
    if (v === undefined) {
      failed = true;
      return '';
    }
    const spec = f[3] ?? '';
    const last = spec.at(-1);
    let s: string | undefined;
    if (f[2] === 'r' || f[2] === 'a') s = pyRepr(v);
    else if (last !== undefined && 'cdxXo'.includes(last)) s = convert(v, last, undefined);
    else s = pyStr(v);
    if (s === undefined) failed = true;
    return s ?? '';
  });
  if (failed || out.length > MAX_STRING) return undefined;
  return out;
}

// ---- str methods and Jinja string filters on constants ----

function stripChars(s: string, chars: string | null | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : new Set([...chars]);
  const isStrip = (ch: string): boolean => (set ? set.has(ch) : /\s/.test(ch));
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && isStrip(cs[a]!)) a++;
  if (right) while (b > a && isStrip(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

function titleCase(s: string): string {
  return s.replace(/[A-Za-z]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
}

function replaceCount(s: string, a: string, b: string, count: number | undefined): string | undefined {
  if (a === '') return undefined;
  if (count === undefined || count < 0) return s.split(a).join(b);
  const parts = s.split(a);
  if (parts.length - 1 <= count) return parts.join(b);
  return parts.slice(0, count + 1).join(b) + a + parts.slice(count + 1).join(a);
}

function htmlEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&#34;').replaceAll("'", '&#39;');
}

function repeat(s: string, n: Const): string | undefined {
  if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
  if (n <= 0) return '';
  return s.length * n <= MAX_STRING ? s.repeat(n) : undefined;
}

/** A Python str method called on a constant; undefined when not modelled or it would raise. */
export function strMethod(s: string, method: string, args: readonly Const[], kwargs: ReadonlyMap<string, Const>): Const | undefined {
  const a0 = args[0];
  const a1 = args[1];
  switch (method) {
    case 'format':
      return pyFormat(s, args, kwargs);
    case 'join':
      return isList(a0) && a0.list.every((x) => typeof x === 'string') ? (a0.list as string[]).join(s) : typeof a0 === 'string' ? [...a0].join(s) : undefined;
    case 'replace':
      return typeof a0 === 'string' && typeof a1 === 'string' ? replaceCount(s, a0, a1, typeof args[2] === 'number' ? args[2] : undefined) : undefined;
    case 'lower':
    case 'casefold':
      return s.toLowerCase();
    case 'upper':
      return s.toUpperCase();
    case 'swapcase':
      return [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
    case 'title':
      return titleCase(s);
    case 'capitalize':
      return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase();
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      if (a0 !== undefined && a0 !== null && typeof a0 !== 'string') return undefined;
      return stripChars(s, a0, method !== 'rstrip', method !== 'lstrip');
    case 'removeprefix':
      return typeof a0 === 'string' ? (s.startsWith(a0) ? s.slice(a0.length) : s) : undefined;
    case 'removesuffix':
      return typeof a0 === 'string' ? (a0 !== '' && s.endsWith(a0) ? s.slice(0, -a0.length) : s) : undefined;
    case 'split': {
      if (a0 === undefined || a0 === null) return { list: s.split(/\s+/).filter((x) => x !== '') };
      if (typeof a0 !== 'string' || a0 === '') return undefined;
      return { list: s.split(a0) };
    }
    case 'startswith':
      return typeof a0 === 'string' ? s.startsWith(a0) : undefined;
    case 'endswith':
      return typeof a0 === 'string' ? s.endsWith(a0) : undefined;
    case '__mul__':
      return a0 === undefined ? undefined : repeat(s, a0);
    default:
      return undefined;
  }
}

/** A Jinja filter applied to a constant operand; undefined when not modelled. */
export function constFilter(name: string, v: Const, args: readonly Const[]): Const | undefined {
  const a0 = args[0];
  switch (name) {
    case 'join': {
      const sep = a0 === undefined ? '' : typeof a0 === 'string' ? a0 : undefined;
      if (sep === undefined) return undefined;
      if (typeof v === 'string') return [...v].join(sep);
      return isList(v) ? v.list.map(pyStr).join(sep) : undefined;
    }
    case 'reverse':
      if (typeof v === 'string') return [...v].reverse().join('');
      return isList(v) ? { list: [...v.list].reverse() } : undefined;
    case 'replace':
      return typeof v === 'string' && typeof a0 === 'string' && typeof args[1] === 'string'
        ? replaceCount(v, a0, args[1], typeof args[2] === 'number' ? args[2] : undefined)
        : undefined;
    case 'format':
      return typeof v === 'string' ? pyPercent(v, args.length === 1 && a0 !== undefined && !isList(a0) ? a0 : { list: args }) : undefined;
    case 'lower':
      return typeof v === 'string' ? v.toLowerCase() : undefined;
    case 'upper':
      return typeof v === 'string' ? v.toUpperCase() : undefined;
    case 'capitalize':
      return typeof v === 'string' ? strMethod(v, 'capitalize', [], new Map()) : undefined;
    case 'title':
      return typeof v === 'string' ? titleCase(v) : undefined;
    case 'trim':
      return typeof v === 'string' ? stripChars(v, typeof a0 === 'string' ? a0 : undefined, true, true) : undefined;
    case 'string':
    case 'safe':
      return pyStr(v);
    case 'e':
    case 'escape':
    case 'forceescape':
      return htmlEscape(pyStr(v));
    case 'first':
      return pyIndex(typeof v === 'string' || isList(v) ? v : isDict(v) ? { list: [...v.dict.keys()] } : v, 0);
    case 'last':
      return pyIndex(typeof v === 'string' || isList(v) ? v : isDict(v) ? { list: [...v.dict.keys()] } : v, -1);
    case 'list':
      if (typeof v === 'string') return { list: [...v] };
      if (isDict(v)) return { list: [...v.dict.keys()] };
      return isList(v) ? v : undefined;
    case 'length':
    case 'count':
      return typeof v === 'string' ? [...v].length : isList(v) ? v.list.length : isDict(v) ? v.dict.size : undefined;
    case 'int':
      return typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : undefined;
    default:
      return undefined;
  }
}
