// The .npy header: a Python dict literal (numpy reads it with ast.literal_eval), parsed here by hand — strings,
// integers (Python 2's `3L` too), floats, True/False/None, tuples, lists and dicts, with a depth bound — and the
// dtype it describes: item size and whether it holds Python objects (then the data is a pickle).

export type PyValue =
  | { t: 'str'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'tuple'; v: PyValue[] }
  | { t: 'list'; v: PyValue[] }
  | { t: 'dict'; v: [PyValue, PyValue][] };

export class LiteralError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 32;

/** Parses one Python literal that fills `text` (surrounding whitespace allowed). Throws LiteralError. */
export function parsePythonLiteral(text: string): PyValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new LiteralError(`${what} at character ${i}`, i);
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('literal nested too deeply');
    ws();
    const c = text[i];
    if (c === undefined) return fail('unexpected end of header');
    if (c === '{') return dict(depth);
    if (c === '(') return seq(depth, ')', 'tuple');
    if (c === '[') return seq(depth, ']', 'list');
    if (c === "'" || c === '"') return str();
    if ((c === 'b' || c === 'u' || c === 'B' || c === 'U') && (text[i + 1] === "'" || text[i + 1] === '"')) {
      i++;
      return str();
    }
    const word = /^(True|False|None)\b/.exec(text.slice(i, i + 6));
    if (word) {
      i += word[1]!.length;
      return word[1] === 'None' ? { t: 'none' } : { t: 'bool', v: word[1] === 'True' };
    }
    const num = /^[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)[lL]?/.exec(text.slice(i, i + 64));
    if (num) {
      i += num[0].length;
      const n = num[0].replace(/[lL]$/, '');
      if (/^[-+]?\d+$/.test(n)) return { t: 'int', v: BigInt(n) };
      return { t: 'float', v: Number(n) };
    }
    return fail(`unexpected character ${JSON.stringify(c)}`);
  };
  const str = (): PyValue => {
    const q = text[i]!;
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') return fail('unterminated string');
      i++;
      if (c === q) return { t: 'str', v: out };
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      if (e === undefined) return fail('unterminated string');
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };
      if (simple[e] !== undefined) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i, i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return fail('bad escape');
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) return fail('bad escape');
        out += String.fromCodePoint(cp);
        i += n;
      } else out += `\\${e}`;
    }
  };
  const seq = (depth: number, close: string, t: 'tuple' | 'list'): PyValue => {
    i++;
    const items: PyValue[] = [];
    let comma = false;
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        // `(x)` is x itself; `(x,)` is a tuple.
        if (t === 'tuple' && items.length === 1 && !comma) return items[0]!;
        return { t, v: items };
      }
      if (items.length > 0 && !comma) fail(`expected , or ${close}`);
      items.push(value(depth + 1));
      ws();
      comma = text[i] === ',';
      if (comma) i++;
    }
  };
  const dict = (depth: number): PyValue => {
    i++;
    const items: [PyValue, PyValue][] = [];
    let comma = true;
    for (;;) {
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'dict', v: items };
      }
      if (!comma) fail('expected , or }');
      const k = value(depth + 1);
      ws();
      if (text[i] !== ':') fail('expected :');
      i++;
      const v = value(depth + 1);
      items.push([k, v]);
      ws();
      comma = text[i] === ',';
      if (comma) i++;
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('text after the literal');
  return v;
}

export interface DtypeInfo {
  /** Bytes per element; undefined when the dtype is not understood. */
  itemsize: bigint | undefined;
  /** Holds Python objects (stored as a pickle). */
  hasObject: boolean;
}

const CHAR_SIZES: Readonly<Record<string, number>> = { '?': 1, b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, l: 8, L: 8, q: 8, Q: 8, p: 8, P: 8, n: 8, N: 8, e: 2, f: 4, d: 8, g: 16, F: 8, D: 16, G: 32, O: 8, M: 8, m: 8 };
const NAMED: Readonly<Record<string, number>> = {
  bool: 1, bool_: 1, int8: 1, uint8: 1, byte: 1, ubyte: 1, int16: 2, uint16: 2, short: 2, ushort: 2, int32: 4, uint32: 4, intc: 4, uintc: 4,
  int64: 8, uint64: 8, int: 8, int_: 8, uint: 8, long: 8, ulong: 8, longlong: 8, ulonglong: 8, intp: 8, uintp: 8,
  float16: 2, half: 2, float32: 4, single: 4, float64: 8, float: 8, double: 8, float_: 8, longdouble: 16, float128: 16,
  complex64: 8, csingle: 8, complex128: 16, complex: 16, cdouble: 16, complex_: 16, clongdouble: 32, complex256: 32,
};
const OBJECT_NAMES = new Set(['O', 'object', 'object_', 'object0', 'O8', 'O4']);

/** What a `descr` value (a type string or a structured field list) describes. */
export function describeDtype(descr: PyValue, depth = 0): DtypeInfo {
  if (depth > MAX_DEPTH) return { itemsize: undefined, hasObject: false };
  if (descr.t === 'str') return describeTypestr(descr.v);
  if (descr.t !== 'list') return { itemsize: undefined, hasObject: false };
  let size: bigint | undefined = 0n;
  let hasObject = false;
  for (const field of descr.v) {
    if ((field.t !== 'tuple' && field.t !== 'list') || field.v.length < 2 || field.v.length > 3) return { itemsize: undefined, hasObject: hasObject || containsObject(field) };
    const inner = describeDtype(field.v[1]!, depth + 1);
    hasObject ||= inner.hasObject;
    let count = 1n;
    const shape = field.v[2];
    if (shape !== undefined) {
      const dims = shape.t === 'tuple' ? shape.v : [shape];
      for (const d of dims) {
        if (d.t !== 'int' || d.v < 0n) return { itemsize: undefined, hasObject };
        count *= d.v;
      }
    }
    size = size === undefined || inner.itemsize === undefined ? undefined : size + inner.itemsize * count;
  }
  return { itemsize: size, hasObject };
}

function describeTypestr(s: string): DtypeInfo {
  const plain = s.trim();
  if (OBJECT_NAMES.has(plain) || /^[<>|=]?O\d*$/.test(plain)) return { itemsize: 8n, hasObject: true };
  if (NAMED[plain] !== undefined) return { itemsize: BigInt(NAMED[plain]), hasObject: false };
  const m = /^[<>|=]?([a-zA-Z?])(\d*)(\[[a-zA-Z0-9]+\])?$/.exec(plain);
  if (!m) return { itemsize: undefined, hasObject: /O|object/.test(plain) };
  const kind = m[1]!;
  const digits = m[2] === '' ? undefined : BigInt(m[2]!);
  if ((kind === 'M' || kind === 'm') && (digits === undefined || digits === 8n)) return { itemsize: 8n, hasObject: false };
  if (m[3] !== undefined) return { itemsize: undefined, hasObject: false };
  if (digits === undefined) {
    const size = CHAR_SIZES[kind];
    return { itemsize: size === undefined ? undefined : BigInt(size), hasObject: false };
  }
  if ('biufcSaV'.includes(kind)) return { itemsize: digits, hasObject: false };
  if (kind === 'U') return { itemsize: digits * 4n, hasObject: false };
  return { itemsize: undefined, hasObject: false };
}

function containsObject(v: PyValue): boolean {
  if (v.t === 'str') return describeTypestr(v.v).hasObject;
  if (v.t === 'list' || v.t === 'tuple') return v.v.some(containsObject);
  return false;
}
