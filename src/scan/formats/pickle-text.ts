// Opcode names and the decoding of pickle text arguments: protocol-0 integers, escaped STRING and raw-unicode-escape
// UNICODE bodies (CPython's codecs.escape_decode / raw_unicode_escape), and the bytes `_codecs.encode` builds.
import { isGlobal, isSeq, isStr, type CallV, type Value } from './pickle-values.js';

/** Opcode names, for messages. */
export const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE',
  0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND',
  0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET',
  0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2',
  0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

const DECIMAL = /^[+-]?[0-9]+$/;
const HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;

export function parseIntText(text: string): number | bigint | undefined {
  const t = text.trim().replace(/_/g, '');
  if (DECIMAL.test(t)) return t.length <= 15 ? Number(t) : BigInt(t);
  if (HEX.test(t)) {
    const neg = t.startsWith('-');
    const v = BigInt(t.replace(/^[+-]/, ''));
    return neg ? -v : v;
  }
  return undefined;
}

export function intValue(v: number | bigint): Value {
  if (typeof v === 'number') return v;
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return { k: 'bigint', v: v >= -(1n << 127n) && v < 1n << 127n ? v : undefined };
}

/** Python's codecs.escape_decode for protocol-0 STRING bodies (enough to recover names). */
export function escapeDecode(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'"abfnrtv\n])/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    const map: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
    return map[e] ?? e;
  });
}

/** Python's raw-unicode-escape decoding for protocol-0 UNICODE bodies (latin-1 plus \uXXXX and \UXXXXXXXX). */
export function rawUnicodeDecode(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g, (_m, e: string) => {
    const cp = parseInt(e.slice(1), 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : _m;
  });
}

/** The bytes of `_codecs.encode(text, 'latin1')` (numpy's way of pickling bytes) when the text is known. */
export function encodedText(v: CallV): Buffer | undefined {
  if (!isGlobal(v.fn) || !/^_?codecs\.encode$/.test(`${v.fn.module}.${v.fn.name}`) || !isSeq(v.args, 'tuple')) return undefined;
  const [text, encoding] = v.args.items;
  if (!isStr(text) || text.s === undefined) return undefined;
  const enc = isStr(encoding) ? (encoding.s ?? '').toLowerCase().replace(/[-_ ]/g, '') : 'utf8';
  if (enc === 'latin1' || enc === 'iso88591' || enc === 'l1') return Buffer.from(text.s, 'latin1');
  if (enc === 'utf8' || enc === 'ascii') return Buffer.from(text.s, 'utf8');
  return undefined;
}
