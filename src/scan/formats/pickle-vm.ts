// The pickle machine, protocols 0–5, run symbolically over one stream: stack, MARK stack, memo, frames, every opcode
// with its exact argument layout. It never builds Python objects: it tracks which globals are imported and what is
// called, reports through a StreamReport, and stops at the first structural break (truncation, unknown opcode).
// Where CPython's unpickler would raise on a well-formed opcode (stack underflow, missing memo key) we record the
// error and keep scanning, so a payload placed after such a point is still seen.
import type { ByteSource } from '../source.js';
import type { ScanContext } from '../context.js';
import { COMMON_RULES, type ScanRule } from '../rules.js';
import { judgeGlobal } from './pickle-classify.js';
import { MODULE_ALIASES, NESTED_BYTES_LOADERS } from './pickle-globals.js';
import { isJoblibWrapper, joblibArray } from './pickle-layouts.js';
import { Memo } from './pickle-memo.js';
import { StreamReport } from './pickle-report.js';
import { PICKLE_RULES } from './pickle-rules.js';
import { OPCODE_NAMES, encodedText, escapeDecode, intValue, parseIntText, rawUnicodeDecode } from './pickle-text.js';
import {
  ARRAY, BUFFER, FALSE, FLOAT, MAX_TEXT, NO_ITEMS, NONE, SourceStr, TRUE, UNKNOWN,
  describe, globalName, isCall, isGlobal, isSeq, isStr,
  type CallV, type GlobalV, type PersidV, type SeqV, type StrV, type Value,
} from './pickle-values.js';

/** Read window: small enough that the buffers a file source allocates stay cheap to collect. */
const WINDOW = 1 << 16;
/** Stack entries plus marks; CPython has no bound, but a deeper stream is a bomb, not a model. */
const MAX_STACK = 1 << 20;
/** Items kept per list/dict/set, and per stream in all of them together; the rest is only counted. */
const MAX_CONTAINER_ITEMS = 1 << 16;
const MAX_RETAINED_ITEMS = 1 << 18;
/** Distinct byte regions handed to nested scans per stream. */
const MAX_NESTED = 64;
const MAX_PERSISTENT_IDS = 1 << 20;
/** The plain-pickle probe of joblib array data: opcode budget, and the memo size still copied for it. */
const PROBE_OPS = 1 << 24;
const PROBE_MEMO_COPY = 1 << 16;

const NESTED_LOADERS = new Set(NESTED_BYTES_LOADERS);
const ALIASES = new Map(Object.entries(MODULE_ALIASES));

/** A payload for a nested scan: a region of the source, or bytes the stream computed (`_codecs.encode(text)`). */
export interface NestedJob {
  off: number;
  len: number;
  data?: Buffer;
  loader: string;
}

export interface StorageRecord {
  type: Value | undefined;
  numel: number | undefined;
}

export interface MachineOptions {
  /** joblib.load semantics: read the inline array after each NumpyArrayWrapper BUILD. */
  joblib: boolean;
  /** Shared with an enclosing stream (joblib object arrays are pickles inside the stream). */
  report?: StreamReport;
  /** Start from another machine's state (a probe of another reading of the same bytes). */
  fork?: { stack: Value[]; marks: number[]; memo: Memo };
  /** Opcode budget when lower than the configured limit. */
  maxOps?: number;
  /** A read window to start from (the previous stream's), so that many tiny streams do not each read afresh. */
  window?: Window;
}

export interface Window {
  buf: Buffer;
  start: number;
}

export interface StreamResult {
  /** Where the stream ended: after STOP, or where it broke. */
  end: number;
  /** The value STOP returned, when the stream completed. */
  result: Value | undefined;
  completed: boolean;
  report: StreamReport;
  /** First opcode byte, or -1 for an empty stream. */
  firstOp: number;
  persistentIds: Map<string, StorageRecord>;
  nested: NestedJob[];
  sawJoblibArray: boolean;
  window: Window;
}

/** A structural break: the stream cannot be parsed past `offset`. */
class Break {
  constructor(
    readonly rule: ScanRule,
    readonly offset: number,
    readonly message: string,
  ) {}
}

export class PickleMachine {
  private win: Buffer = Buffer.alloc(0);
  private ws = 0;
  private we = 0;
  private pos: number;
  private readonly size: number;
  private readonly stack: Value[];
  private readonly marks: number[];
  private fence: number;
  private readonly memo: Memo;
  private frameEnd = Infinity;
  private ops = 0;
  private retained = 0;
  private readonly report: StreamReport;
  private readonly nested: NestedJob[] = [];
  private readonly nestedSeen = new Set<string>();
  private readonly pids = new Map<string, StorageRecord>();
  private sawJoblibArray = false;
  private firstOp = -1;

  constructor(
    private readonly src: ByteSource,
    private readonly ctx: ScanContext,
    private readonly start: number,
    private readonly opts: MachineOptions,
  ) {
    this.pos = start;
    this.size = src.size;
    this.report = opts.report ?? new StreamReport();
    this.stack = opts.fork?.stack ?? [];
    this.marks = opts.fork?.marks ?? [];
    this.memo = opts.fork?.memo ?? new Memo();
    this.fence = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    if (opts.window) {
      this.win = opts.window.buf;
      this.ws = opts.window.start;
      this.we = this.ws + this.win.length;
      if (start < this.ws || start >= this.we) this.we = this.ws = 0; // not usable here
    }
  }

  /** Runs the stream to STOP or to its first structural break. Throws only ScanAbort (deadline). */
  run(): StreamResult {
    let result: Value | undefined;
    let completed = false;
    try {
      result = this.loop();
      completed = true;
    } catch (e) {
      if (!(e instanceof Break)) throw e;
      this.report.setBreak(e.rule, e.offset, e.message);
    }
    return {
      end: this.pos,
      result,
      completed,
      report: this.report,
      firstOp: this.firstOp,
      persistentIds: this.pids,
      nested: this.nested,
      sawJoblibArray: this.sawJoblibArray,
      window: { buf: this.win, start: this.ws },
    };
  }

  // --- reading -------------------------------------------------------------------------------------------------

  private truncated(at: number, what: string): Break {
    return new Break(COMMON_RULES.truncated, at, `the pickle stream ends inside ${what} at byte ${at} (the file has ${this.size} bytes)`);
  }

  /** Makes bytes [pos, pos + n) addressable in the window; `at`/`what` name the opcode for the truncation message. */
  private fill(n: number, at: number, what: string): void {
    if (this.pos + n <= this.we) return;
    if (this.pos + n > this.size) throw this.truncated(at, what);
    this.win = this.src.read(this.pos, Math.max(n, WINDOW));
    this.ws = this.pos;
    this.we = this.pos + this.win.length;
    if (this.pos + n > this.we) throw this.truncated(at, what);
  }

  private skip(n: number, at: number, what: string): void {
    if (this.pos + n > this.size) {
      this.pos = this.size;
      throw this.truncated(at, what);
    }
    this.pos += n;
  }

  private u8(at: number, what: string): number {
    this.fill(1, at, what);
    return this.win[this.pos++ - this.ws]!;
  }

  private u16(at: number, what: string): number {
    this.fill(2, at, what);
    const v = this.win.readUInt16LE(this.pos - this.ws);
    this.pos += 2;
    return v;
  }

  private u32(at: number, what: string): number {
    this.fill(4, at, what);
    const v = this.win.readUInt32LE(this.pos - this.ws);
    this.pos += 4;
    return v;
  }

  private i32(at: number, what: string): number {
    this.fill(4, at, what);
    const v = this.win.readInt32LE(this.pos - this.ws);
    this.pos += 4;
    return v;
  }

  private u64(at: number, what: string): number {
    this.fill(8, at, what);
    const v = this.win.readBigUInt64LE(this.pos - this.ws);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Break(COMMON_RULES.malformed, at, `${what} at byte ${at} declares an implausible length of ${v} bytes`);
    return Number(v);
  }

  /**
   * A newline-terminated argument: its text (decoded, when at most `keep` bytes) and byte length. Lines of any length
   * are walked window by window without being kept.
   */
  private line(at: number, what: string, enc: 'utf8' | 'latin1', keep = MAX_TEXT): { s: string | undefined; len: number } {
    const start = this.pos;
    let p = start;
    let head: Buffer | undefined;
    for (;;) {
      if (p >= this.size) {
        this.pos = this.size;
        throw this.truncated(at, `the text argument of ${what}`);
      }
      if (p < this.ws || p >= this.we) {
        this.win = this.src.read(p, WINDOW);
        this.ws = p;
        this.we = p + this.win.length;
        if (this.win.length === 0) throw this.truncated(at, `the text argument of ${what}`);
      }
      const rel = p - this.ws;
      const nl = this.win.indexOf(10, rel);
      if (nl >= 0) {
        const len = this.ws + nl - start;
        this.pos = this.ws + nl + 1;
        if (len > keep) return { s: undefined, len };
        if (start >= this.ws) return { s: this.win.toString(enc, start - this.ws, nl), len };
        const tail = this.win.subarray(0, nl);
        return { s: Buffer.concat([head ?? Buffer.alloc(0), tail]).toString(enc), len };
      }
      // no newline in this window: keep what may still be needed, move on
      if (p - start < keep) head = Buffer.concat([head ?? Buffer.alloc(0), this.win.subarray(rel, Math.min(this.win.length, rel + keep))]);
      p = this.we;
    }
  }

  /** A counted text payload at pos: skipped now, decoded if a name or key is ever needed from it. */
  private text(len: number, at: number, what: string, enc: 'utf8' | 'latin1'): StrV {
    const off = this.pos;
    this.skip(len, at, what);
    return new SourceStr(this.src, off, len, enc === 'utf8');
  }

  // --- stack ---------------------------------------------------------------------------------------------------

  private push(v: Value, at: number): void {
    if (this.stack.length + this.marks.length >= MAX_STACK) {
      throw new Break(COMMON_RULES.limit, at, `the pickle stack grows past ${MAX_STACK} entries at byte ${at} (a pickle bomb, or a structure no model needs)`);
    }
    this.stack.push(v);
  }

  private pop(at: number): Value {
    if (this.stack.length > this.fence) return this.stack.pop()!;
    this.bad(at, 'pops from an empty stack');
    return UNKNOWN;
  }

  private peek(at: number): Value {
    if (this.stack.length > this.fence) return this.stack[this.stack.length - 1]!;
    this.bad(at, 'needs a value on an empty stack');
    return UNKNOWN;
  }

  private replaceTop(v: Value): void {
    if (this.stack.length > this.fence) this.stack[this.stack.length - 1] = v;
    else this.stack.push(v);
  }

  /** Pops the topmost MARK; returns the index of the first item above it (the items stay for the caller to read). */
  private popMark(at: number): number {
    const m = this.marks.pop();
    this.fence = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    if (m === undefined) {
      this.bad(at, 'needs a MARK but none is set');
      return Math.min(this.stack.length, this.fence);
    }
    return m;
  }

  /** CPython raises here; the stream would stop being loaded. Reported once per stream with a count. */
  private bad(at: number, what: string): void {
    this.report.add(COMMON_RULES.malformed, 'semantic', at, `${OPCODE_NAMES[this.currentOp] ?? 'opcode'} at byte ${at} ${what}; Python's unpickler stops there (the rest of the stream was scanned anyway)`);
  }

  private currentOp = 0;

  // --- values --------------------------------------------------------------------------------------------------

  private seq(k: SeqV['k'], from: number, to: number): SeqV {
    const items = this.stack.slice(from, to);
    const n = k === 'dict' ? items.length >> 1 : items.length;
    return { k, items, n, complete: true };
  }

  /** Adds stack items [from, to) to a container value (APPEND(S), SETITEM(S), ADDITEMS), or reports the target. */
  private mutate(target: Value, from: number, to: number, at: number, op: string): void {
    if (typeof target === 'number') {
      this.bad(at, `applies ${op} to a number`);
      return;
    }
    switch (target.k) {
      case 'global':
        this.report.add(PICKLE_RULES['global-mutation'], globalName(target), at, `${op} at byte ${at} modifies the imported global ${globalName(target)} instead of a new object`, globalName(target));
        return;
      case 'list':
      case 'dict':
      case 'set': {
        const count = to - from;
        target.n += target.k === 'dict' ? count >> 1 : count;
        if (target.complete && target.items.length + count <= MAX_CONTAINER_ITEMS && this.retained + count <= MAX_RETAINED_ITEMS) {
          const items = target.items === NO_ITEMS ? [] : (target.items as Value[]);
          for (let i = from; i < to; i++) items.push(this.stack[i]!);
          target.items = items;
          this.retained += count;
        } else {
          target.complete = false;
        }
        return;
      }
      case 'ext':
        this.report.add(PICKLE_RULES['unknown-extension'], `ext:${target.code}`, at, `${op} at byte ${at} modifies the object of extension code ${target.code}`);
        return;
      case 'call':
      case 'persid':
      case 'unknown':
      case 'array':
        return; // an object of some class (OrderedDict, list subclass): its own class was judged when imported
      default:
        this.bad(at, `applies ${op} to ${describe(target)}`);
    }
  }

  private makeGlobal(module: string | undefined, name: string | undefined, at: number, op: string): Value {
    if (module === undefined || name === undefined) {
      this.report.add(PICKLE_RULES['dynamic-global'], 'long', at, `${op} at byte ${at} names a module or attribute longer than ${MAX_TEXT} bytes, which cannot be checked`);
      this.report.signals++;
      return UNKNOWN;
    }
    const g: GlobalV = { k: 'global', module, name, off: at, judgement: judgeGlobal(module, name) };
    this.report.imported(g, at);
    return g;
  }

  private call(fn: Value, args: Value, at: number, op: string): CallV {
    const v: CallV = { k: 'call', fn, args, op, off: at };
    if (!isGlobal(fn)) this.report.callSeen();
    if (typeof fn === 'number') {
      this.bad(at, 'calls a number');
      return v;
    }
    switch (fn.k) {
      case 'global':
        this.report.called(fn, at);
        if (fn.judgement.verdict === 'dangerous') this.nestedPayload(fn, args);
        return v;
      case 'ext':
        this.report.add(PICKLE_RULES['unknown-extension'], `ext:${fn.code}`, fn.off, `EXT at byte ${fn.off} refers to copyreg extension code ${fn.code}, which resolves to whatever the loading process registered; ${op} at byte ${at} calls it`);
        return v;
      case 'call':
      case 'persid':
      case 'unknown':
        this.report.add(PICKLE_RULES['indirect-call'], describe(fn), at, `${op} at byte ${at} calls ${describe(fn)}, not an imported global`);
        return v;
      default:
        this.bad(at, `calls ${describe(fn)}`);
        return v;
    }
  }

  /** A nested loader called with bytes (directly or through io.BytesIO): queue the bytes for a nested scan. */
  private nestedPayload(fn: GlobalV, args: Value): void {
    const full = `${fn.module}.${fn.name}`;
    const alias = ALIASES.get(fn.module);
    if (!NESTED_LOADERS.has(full) && !(alias !== undefined && NESTED_LOADERS.has(`${alias}.${fn.name}`))) return;
    let arg = isSeq(args, 'tuple') ? args.items[0] : undefined;
    if (isCall(arg) && isGlobal(arg.fn) && /^_?io\.BytesIO$/.test(`${arg.fn.module}.${arg.fn.name}`) && isSeq(arg.args, 'tuple')) arg = arg.args.items[0];
    let job: NestedJob | undefined;
    if (typeof arg === 'object' && arg.k === 'bytes') job = { off: arg.off, len: arg.len, loader: full };
    else if (isCall(arg)) {
      const data = encodedText(arg);
      if (data) job = { off: arg.off, len: data.length, data, loader: full };
    }
    if (!job) return;
    const key = `${job.off}:${job.len}`;
    if (this.nestedSeen.has(key) || this.nested.length >= MAX_NESTED) return;
    this.nestedSeen.add(key);
    this.nested.push(job);
    const where = job.data ? `built by the call at byte ${job.off}` : `at byte ${job.off}`;
    this.report.annotate(fn, `Its ${job.len}-byte argument ${where} is scanned as a nested payload.`);
  }

  private persistentId(pid: Value): PersidV {
    // PyTorch: ('storage', storage_type, key, location, numel[, view_metadata])
    if (isSeq(pid, 'tuple') && pid.items.length >= 5 && this.pids.size < MAX_PERSISTENT_IDS) {
      const [tag, type, key, , numel] = pid.items;
      if (isStr(tag) && tag.s === 'storage' && isStr(key) && key.s !== undefined) {
        this.pids.set(key.s, { type, numel: typeof numel === 'number' ? numel : undefined });
      }
    }
    return { k: 'persid', pid };
  }

  private build(at: number): void {
    const state = this.pop(at);
    const target = this.peek(at);
    if (isGlobal(target)) {
      this.report.add(PICKLE_RULES['global-mutation'], globalName(target), at, `BUILD at byte ${at} sets the state of the imported global ${globalName(target)} itself, overwriting its attributes`, globalName(target));
      return;
    }
    if (!isCall(target)) return;
    target.state = state;
    const fn = target.fn;
    if (isGlobal(fn)) {
      this.report.called(fn, at); // __setstate__ of that class runs
      if (this.opts.joblib && isJoblibWrapper(fn)) this.joblibArray(target, state, at);
    }
  }

  /** joblib writes the array right after the wrapper's BUILD: skip raw data, or scan the pickle of an object array. */
  private joblibArray(wrapper: CallV, state: Value, at: number): void {
    const layout = joblibArray(wrapper, state);
    if (layout.kind === 'unknown') {
      throw new Break(PICKLE_RULES['unparsed-data'], at, `joblib array data follows the NumpyArrayWrapper at byte ${at}, but its length cannot be worked out (${layout.why}); the rest of the file was not scanned`);
    }
    if (this.frameEnd !== Infinity && this.pos < this.frameEnd) {
      throw new Break(PICKLE_RULES['unparsed-data'], at, `the NumpyArrayWrapper BUILD at byte ${at} is not at the end of its frame, so joblib would read the array from after the frame; the rest of the file was not scanned`);
    }
    this.frameEnd = Infinity;
    if (layout.kind === 'pickle') {
      const inner = new PickleMachine(this.src, this.ctx, this.pos, { joblib: false, report: this.report }).run();
      this.nested.push(...inner.nested);
      this.pos = inner.end;
      if (!inner.completed) throw new Break(COMMON_RULES.malformed, inner.end, 'the pickled object array inside the joblib stream is broken');
    } else {
      const what = 'joblib array data';
      this.probePlainPickle();
      if (layout.padded) this.skip(this.u8(at, what), at, what);
      this.skip(layout.bytes, at, what);
    }
    this.sawJoblibArray = true;
    this.replaceTop(ARRAY);
  }

  /**
   * pickle.load (not joblib.load) reads the array bytes as opcodes. Whatever a file means under that reading runs
   * for a consumer who loads it so: probe it from a copy of the current state and keep its malicious findings.
   */
  private probePlainPickle(): void {
    const fork = {
      stack: this.stack.slice(),
      marks: this.marks.slice(),
      memo: this.memo.size <= PROBE_MEMO_COPY ? this.memo.copy() : new Memo(),
    };
    const report = new StreamReport();
    const start = this.pos;
    const probe = new PickleMachine(this.src, this.ctx, start, { joblib: false, report, fork, maxOps: PROBE_OPS });
    const r = probe.run();
    this.report.adoptMalicious(report, `(the joblib array data from byte ${start} read as opcodes, as plain pickle.load does)`);
    for (const job of r.nested) this.nested.push(job);
  }

  // --- the loop --------------------------------------------------------------------------------------------------

  private loop(): Value {
    const maxOps = Math.min(this.ctx.limits.maxOpcodes, this.opts.maxOps ?? Infinity);
    const maxMemo = this.ctx.limits.maxMemoEntries;
    if (this.pos >= this.size) throw new Break(COMMON_RULES.malformed, this.start, this.start === 0 ? 'the file is empty: no pickle opcodes' : `no pickle opcodes at byte ${this.start}`);
    for (;;) {
      if (++this.ops > maxOps) {
        throw new Break(COMMON_RULES.limit, this.pos, `the pickle stream has more than ${maxOps} opcodes (limit maxOpcodes)`);
      }
      if ((this.ops & 0xffff) === 0) this.ctx.checkDeadline();
      const at = this.pos;
      if (at >= this.size) throw new Break(COMMON_RULES.truncated, at, `the pickle stream ends at byte ${at} before its STOP opcode`);
      if (at >= this.we) this.fill(1, at, 'an opcode');
      const op = this.win[at - this.ws]!;
      this.pos++;
      this.currentOp = op;
      if (this.firstOp < 0) this.firstOp = op;
      const name = OPCODE_NAMES[op];
      switch (op) {
        case 0x47: // BINFLOAT
          this.fill(8, at, 'BINFLOAT');
          this.pos += 8;
          this.push(FLOAT, at);
          break;
        case 0x4b: // BININT1
          this.push(this.u8(at, 'BININT1'), at);
          break;
        case 0x4d: // BININT2
          this.push(this.u16(at, 'BININT2'), at);
          break;
        case 0x4a: // BININT
          this.push(this.i32(at, 'BININT'), at);
          break;
        case 0x8a: // LONG1
        case 0x8b: { // LONG4
          const n = op === 0x8a ? this.u8(at, 'LONG1') : this.i32(at, 'LONG4');
          if (n < 0) throw new Break(COMMON_RULES.malformed, at, `LONG4 at byte ${at} has a negative length`);
          if (n <= 16) {
            this.fill(n, at, name!);
            const b = this.win.subarray(this.pos - this.ws, this.pos - this.ws + n);
            this.pos += n;
            let v = 0n;
            for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
            if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
            this.push(intValue(v), at);
          } else {
            this.skip(n, at, name!);
            this.push({ k: 'bigint', v: undefined }, at);
          }
          break;
        }
        case 0x49: { // INT
          const { s } = this.line(at, 'INT', 'latin1', 64);
          if (s === '00') this.push(FALSE, at);
          else if (s === '01') this.push(TRUE, at);
          else {
            const v = s === undefined ? undefined : parseIntText(s);
            if (v === undefined) this.bad(at, 'has an argument that is not an integer');
            this.push(v === undefined ? UNKNOWN : intValue(v), at);
          }
          break;
        }
        case 0x4c: { // LONG
          const { s } = this.line(at, 'LONG', 'latin1', 4096);
          const v = s === undefined ? undefined : parseIntText(s.replace(/L$/, ''));
          if (v === undefined && s !== undefined) this.bad(at, 'has an argument that is not an integer');
          this.push(v === undefined ? { k: 'bigint', v: undefined } : intValue(v), at);
          break;
        }
        case 0x46: // FLOAT
          this.line(at, 'FLOAT', 'latin1', 64);
          this.push(FLOAT, at);
          break;
        case 0x4e: // NONE
          this.push(NONE, at);
          break;
        case 0x88: // NEWTRUE
          this.push(TRUE, at);
          break;
        case 0x89: // NEWFALSE
          this.push(FALSE, at);
          break;
        case 0x53: { // STRING
          const { s, len } = this.line(at, 'STRING', 'latin1');
          if (s === undefined) {
            this.push({ k: 'str', s: undefined, len }, at);
            break;
          }
          if (s.length < 2 || s[0] !== s[s.length - 1] || (s[0] !== "'" && s[0] !== '"')) this.bad(at, 'has an argument that is not quoted');
          const body = escapeDecode(s.slice(1, -1));
          this.push({ k: 'str', s: body, len: body.length }, at);
          break;
        }
        case 0x56: { // UNICODE
          const { s, len } = this.line(at, 'UNICODE', 'latin1');
          const body = s === undefined ? undefined : rawUnicodeDecode(s);
          this.push({ k: 'str', s: body, len: body?.length ?? len }, at);
          break;
        }
        case 0x54: { // BINSTRING
          const n = this.i32(at, 'BINSTRING');
          if (n < 0) throw new Break(COMMON_RULES.malformed, at, `BINSTRING at byte ${at} has a negative length`);
          this.push(this.text(n, at, 'BINSTRING', 'latin1'), at);
          break;
        }
        case 0x55: // SHORT_BINSTRING
          this.push(this.text(this.u8(at, name!), at, name!, 'latin1'), at);
          break;
        case 0x58: // BINUNICODE
          this.push(this.text(this.u32(at, name!), at, name!, 'utf8'), at);
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.text(this.u8(at, name!), at, name!, 'utf8'), at);
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.text(this.u64(at, name!), at, name!, 'utf8'), at);
          break;
        case 0x42: // BINBYTES
        case 0x43: // SHORT_BINBYTES
        case 0x8e: // BINBYTES8
        case 0x96: { // BYTEARRAY8
          const n = op === 0x43 ? this.u8(at, name!) : op === 0x42 ? this.u32(at, name!) : this.u64(at, name!);
          const off = this.pos;
          this.skip(n, at, name!);
          this.push({ k: 'bytes', off, len: n }, at);
          break;
        }
        case 0x97: // NEXT_BUFFER
          this.push(BUFFER, at);
          break;
        case 0x98: // READONLY_BUFFER
          this.peek(at);
          break;
        case 0x29: // EMPTY_TUPLE
          this.push({ k: 'tuple', items: NO_ITEMS, n: 0, complete: true }, at);
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: { // TUPLE3
          const n = op - 0x84;
          const items: Value[] = new Array<Value>(n);
          for (let i = n - 1; i >= 0; i--) items[i] = this.pop(at);
          this.push({ k: 'tuple', items, n, complete: true }, at);
          break;
        }
        case 0x74: // TUPLE
        case 0x6c: // LIST
        case 0x64: // DICT
        case 0x91: { // FROZENSET
          const from = this.popMark(at);
          const kind = op === 0x74 ? 'tuple' : op === 0x6c ? 'list' : op === 0x64 ? 'dict' : 'set';
          if (kind === 'dict' && (this.stack.length - from) % 2 !== 0) this.bad(at, 'has an odd number of items');
          const v = this.seq(kind, from, this.stack.length);
          this.stack.length = from;
          this.push(v, at);
          break;
        }
        case 0x5d: // EMPTY_LIST
          this.push({ k: 'list', items: NO_ITEMS, n: 0, complete: true }, at);
          break;
        case 0x7d: // EMPTY_DICT
          this.push({ k: 'dict', items: NO_ITEMS, n: 0, complete: true }, at);
          break;
        case 0x8f: // EMPTY_SET
          this.push({ k: 'set', items: NO_ITEMS, n: 0, complete: true }, at);
          break;
        case 0x61: { // APPEND
          const n = this.stack.length;
          if (n - this.fence < 2) {
            this.bad(at, 'needs a list and a value');
            if (n > this.fence) this.stack.length = n - 1;
            break;
          }
          this.mutate(this.stack[n - 2]!, n - 1, n, at, 'APPEND');
          this.stack.length = n - 1;
          break;
        }
        case 0x73: { // SETITEM
          if (this.stack.length - this.fence < 3) {
            this.bad(at, 'needs a dict, a key and a value');
            this.stack.length = Math.max(this.fence, this.stack.length - 2);
            break;
          }
          const n = this.stack.length;
          this.mutate(this.stack[n - 3]!, n - 2, n, at, 'SETITEM');
          this.stack.length = n - 2;
          break;
        }
        case 0x65: // APPENDS
        case 0x75: // SETITEMS
        case 0x90: { // ADDITEMS
          const from = this.popMark(at);
          const opName = name!;
          if (op === 0x75 && (this.stack.length - from) % 2 !== 0) this.bad(at, 'has an odd number of items');
          if (from - 1 < this.fence) this.bad(at, 'has no container below its MARK');
          else this.mutate(this.stack[from - 1]!, from, this.stack.length, at, opName);
          this.stack.length = from;
          break;
        }
        case 0x28: // MARK
          if (this.stack.length + this.marks.length >= MAX_STACK) {
            throw new Break(COMMON_RULES.limit, at, `the pickle stack grows past ${MAX_STACK} entries at byte ${at}`);
          }
          this.marks.push(this.stack.length);
          this.fence = this.stack.length;
          break;
        case 0x30: // POP: discards the top item, or the topmost MARK when nothing was pushed after it (CPython)
          if (this.marks.length && this.marks[this.marks.length - 1] === this.stack.length) {
            this.marks.pop();
            this.fence = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
          } else {
            this.pop(at);
          }
          break;
        case 0x31: // POP_MARK
          this.stack.length = this.popMark(at);
          break;
        case 0x32: // DUP
          this.push(this.peek(at), at);
          break;
        case 0x71: // BINPUT
        case 0x72: // LONG_BINPUT
        case 0x70: // PUT
        case 0x94: { // MEMOIZE
          let key: number | undefined;
          if (op === 0x71) key = this.u8(at, name!);
          else if (op === 0x72) key = this.u32(at, name!);
          else if (op === 0x94) key = this.memo.size;
          else {
            const { s } = this.line(at, 'PUT', 'latin1', 64);
            const v = s === undefined ? undefined : parseIntText(s);
            if (typeof v === 'number' && v >= 0) key = v;
            else this.bad(at, 'has a memo key that is not a non-negative integer');
          }
          const v = this.peek(at);
          if (key !== undefined) {
            this.memo.set(key, v);
            if (this.memo.size > maxMemo) {
              throw new Break(COMMON_RULES.limit, at, `the pickle memo holds more than ${maxMemo} entries at byte ${at} (limit maxMemoEntries)`);
            }
          }
          break;
        }
        case 0x68: // BINGET
        case 0x6a: // LONG_BINGET
        case 0x67: { // GET
          let key: number | undefined;
          if (op === 0x68) key = this.u8(at, name!);
          else if (op === 0x6a) key = this.u32(at, name!);
          else {
            const { s } = this.line(at, 'GET', 'latin1', 64);
            const v = s === undefined ? undefined : parseIntText(s);
            key = typeof v === 'number' ? v : undefined;
          }
          const v = key === undefined ? undefined : this.memo.get(key);
          if (v === undefined) this.bad(at, `reads memo key ${key ?? '?'} that was never stored`);
          this.push(v ?? UNKNOWN, at);
          break;
        }
        case 0x63: { // GLOBAL
          const m = this.line(at, 'GLOBAL', 'utf8');
          const n = this.line(at, 'GLOBAL', 'utf8');
          this.push(this.makeGlobal(m.s, n.s, at, 'GLOBAL'), at);
          break;
        }
        case 0x69: { // INST
          const m = this.line(at, 'INST', 'utf8');
          const n = this.line(at, 'INST', 'utf8');
          const cls = this.makeGlobal(m.s, n.s, at, 'INST');
          const from = this.popMark(at);
          const args = this.seq('tuple', from, this.stack.length);
          this.stack.length = from;
          this.push(this.call(cls, args, at, 'INST'), at);
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const nameV = this.pop(at);
          const moduleV = this.pop(at);
          this.push(this.stackGlobal(moduleV, nameV, at), at);
          break;
        }
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: { // EXT4
          const code = op === 0x82 ? this.u8(at, name!) : op === 0x83 ? this.u16(at, name!) : this.i32(at, name!);
          this.report.signals++;
          this.report.add(PICKLE_RULES['unknown-extension'], `ext:${code}`, at, `${name} at byte ${at} refers to copyreg extension code ${code}, which resolves to whatever the loading process registered`);
          this.push({ k: 'ext', code, off: at }, at);
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop(at);
          const fn = this.pop(at);
          this.push(this.call(fn, args, at, 'REDUCE'), at);
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop(at);
          const cls = this.pop(at);
          this.push(this.call(cls, args, at, 'NEWOBJ'), at);
          break;
        }
        case 0x92: { // NEWOBJ_EX
          this.pop(at); // kwargs
          const args = this.pop(at);
          const cls = this.pop(at);
          this.push(this.call(cls, args, at, 'NEWOBJ_EX'), at);
          break;
        }
        case 0x6f: { // OBJ
          const from = this.popMark(at);
          if (this.stack.length <= from) {
            this.bad(at, 'has no class after its MARK');
            this.push(UNKNOWN, at);
            break;
          }
          const cls = this.stack[from]!;
          const args = this.seq('tuple', from + 1, this.stack.length);
          this.stack.length = from;
          this.push(this.call(cls, args, at, 'OBJ'), at);
          break;
        }
        case 0x62: // BUILD
          this.build(at);
          break;
        case 0x50: { // PERSID
          const { s, len } = this.line(at, 'PERSID', 'latin1');
          this.push(this.persistentId({ k: 'str', s, len }), at);
          break;
        }
        case 0x51: // BINPERSID
          this.push(this.persistentId(this.pop(at)), at);
          break;
        case 0x80: { // PROTO
          const v = this.u8(at, 'PROTO');
          if (v > 5) throw new Break(COMMON_RULES.malformed, at, `PROTO at byte ${at} asks for pickle protocol ${v}, which no Python supports`);
          break;
        }
        case 0x95: { // FRAME
          if (this.frameEnd !== Infinity) {
            this.report.add(PICKLE_RULES['frame-mismatch'], 'nested', at, `FRAME at byte ${at} starts before the frame that ends at byte ${this.frameEnd} is over`);
          }
          const n = this.u64(at, 'FRAME');
          if (this.pos + n > this.size) {
            throw new Break(COMMON_RULES.truncated, at, `FRAME at byte ${at} declares ${n} bytes but only ${this.size - this.pos} remain`);
          }
          this.frameEnd = this.pos + n;
          break;
        }
        case 0x2e: // STOP
          return this.pop(at);
        default:
          throw new Break(COMMON_RULES.malformed, at, `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
      }
      if (this.pos >= this.frameEnd) {
        if (this.pos > this.frameEnd) {
          this.report.add(PICKLE_RULES['frame-mismatch'], 'overrun', at, `${name} at byte ${at} runs past the end of its frame at byte ${this.frameEnd}`);
        }
        this.frameEnd = Infinity;
      }
    }
  }

  private stackGlobal(moduleV: Value, nameV: Value, at: number): Value {
    // a global as operand: an earlier BUILD may have replaced it by a string (sys_module_override-style patching)
    const dynamic = (v: Value) => typeof v === 'object' && (v.k === 'call' || v.k === 'persid' || v.k === 'ext' || v.k === 'global');
    if (dynamic(moduleV) || dynamic(nameV)) {
      const src = dynamic(moduleV) ? moduleV : nameV;
      const what = isGlobal(src) ? `the imported global ${globalName(src)} (which an earlier BUILD can have replaced by a string)` : describe(src);
      this.report.signals++;
      this.report.add(PICKLE_RULES['dynamic-global'], 'computed', at, `STACK_GLOBAL at byte ${at} takes its name from ${what}, so what it imports cannot be checked`);
      return UNKNOWN;
    }
    if (isStr(moduleV) && isStr(nameV)) return this.makeGlobal(moduleV.s, nameV.s, at, 'STACK_GLOBAL');
    if (!(typeof moduleV === 'object' && moduleV.k === 'unknown') && !(typeof nameV === 'object' && nameV.k === 'unknown')) {
      this.bad(at, 'needs two strings');
    }
    return UNKNOWN;
  }
}

