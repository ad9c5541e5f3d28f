// Symbolic values of the pickle machine: enough to resolve callables, names, persistent ids, dtypes and array
// shapes, never the Python objects themselves. Floats, long integers and large payloads are markers; bytes are a
// region of the source (offset, length), read again only when a nested loader needs them.
import type { ByteSource } from '../source.js';
import type { GlobalJudgement } from './pickle-classify.js';

/** Text longer than this (module names, keys) is kept as a length only. */
export const MAX_TEXT = 4096;

export interface StrV {
  readonly k: 'str';
  /** The decoded text, or undefined when it was longer than MAX_TEXT or over the stream's text budget. */
  readonly s: string | undefined;
  readonly len: number;
}

export interface BytesV {
  readonly k: 'bytes';
  /** Absolute offset of the payload in the source. */
  readonly off: number;
  readonly len: number;
}

export interface GlobalV {
  readonly k: 'global';
  readonly module: string;
  readonly name: string;
  /** Offset of the GLOBAL / STACK_GLOBAL / INST opcode. */
  readonly off: number;
  readonly judgement: GlobalJudgement;
}

export interface CallV {
  readonly k: 'call';
  readonly fn: Value;
  readonly args: Value;
  readonly op: string;
  readonly off: number;
  /** Last BUILD state applied to the result. */
  state?: Value;
}

export interface SeqV {
  readonly k: 'tuple' | 'list' | 'dict' | 'set';
  /** Retained items (a dict keeps key, value, key, value…); NO_ITEMS until the first one is added. */
  items: readonly Value[];
  /** Items (dict: pairs) added, retained or not. */
  n: number;
  /** False once an item was dropped (per-container or per-stream budget). */
  complete: boolean;
}

export interface ExtV {
  readonly k: 'ext';
  readonly code: number;
  readonly off: number;
}

export interface PersidV {
  readonly k: 'persid';
  readonly pid: Value;
}

export interface BigIntV {
  readonly k: 'bigint';
  /** The value when it had at most 16 bytes (enough for PyTorch's legacy magic number). */
  readonly v: bigint | undefined;
}

export interface AtomV {
  readonly k: 'none' | 'true' | 'false' | 'float' | 'buffer' | 'array' | 'unknown';
}

export type PV = StrV | BytesV | GlobalV | CallV | SeqV | ExtV | PersidV | BigIntV | AtomV;
/** A small integer is a plain number; everything else is tagged. */
export type Value = number | PV;

/**
 * A counted string payload, decoded only when something asks for it (a STACK_GLOBAL name, a dict key of a joblib
 * wrapper): most strings of a model pickle are dict keys nobody needs, and keeping offsets costs a few bytes each.
 */
export class SourceStr implements StrV {
  readonly k = 'str' as const;

  constructor(
    private readonly src: ByteSource,
    readonly off: number,
    readonly len: number,
    private readonly utf8: boolean,
  ) {}

  get s(): string | undefined {
    return this.len <= MAX_TEXT ? this.src.read(this.off, this.len).toString(this.utf8 ? 'utf8' : 'latin1') : undefined;
  }
}

/** The shared empty item list of new containers. */
export const NO_ITEMS: readonly Value[] = Object.freeze([]);

export const NONE: AtomV = Object.freeze({ k: 'none' });
export const TRUE: AtomV = Object.freeze({ k: 'true' });
export const FALSE: AtomV = Object.freeze({ k: 'false' });
export const FLOAT: AtomV = Object.freeze({ k: 'float' });
export const BUFFER: AtomV = Object.freeze({ k: 'buffer' });
export const ARRAY: AtomV = Object.freeze({ k: 'array' });
/** What a stack underflow or a failed operation leaves behind. */
export const UNKNOWN: AtomV = Object.freeze({ k: 'unknown' });

export function isStr(v: Value | undefined): v is StrV {
  return typeof v === 'object' && v.k === 'str';
}

export function isGlobal(v: Value | undefined): v is GlobalV {
  return typeof v === 'object' && v.k === 'global';
}

export function isCall(v: Value | undefined): v is CallV {
  return typeof v === 'object' && v.k === 'call';
}

export function isSeq(v: Value | undefined, k?: SeqV['k']): v is SeqV {
  return typeof v === 'object' && (v.k === 'tuple' || v.k === 'list' || v.k === 'dict' || v.k === 'set') && (k === undefined || v.k === k);
}

/** `module.name` of a global, control characters escaped, clipped for messages. */
export function globalName(g: GlobalV): string {
  return printable(`${g.module}.${g.name}`);
}

/** The global behind a call result, for messages ("the result of numpy.dtype"). */
export function describe(v: Value): string {
  if (typeof v === 'number') return 'an integer';
  switch (v.k) {
    case 'global':
      return globalName(v);
    case 'call':
      return `the result of ${isGlobal(v.fn) ? globalName(v.fn) : 'a call'}`;
    case 'str':
      return 'a string';
    case 'bytes':
      return 'a bytes value';
    case 'ext':
      return `extension code ${v.code}`;
    case 'persid':
      return 'a persistent-id object';
    case 'unknown':
      return 'a value the stream never defined';
    default:
      return `a ${v.k} value`;
  }
}

/** Escapes control and non-ASCII-printable characters and clips to `max` characters. */
export function printable(s: string, max = 160): string {
  const esc = s.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16)}`));
  return esc.length <= max ? esc : `${esc.slice(0, max - 3)}...`;
}
