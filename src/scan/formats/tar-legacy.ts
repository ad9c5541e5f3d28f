// The legacy (PyTorch 0.1.x) tar checkpoint: members `sys_info`, `pickle`, `tensors` and `storages`. The last two
// interleave pickles with raw bytes (torch/serialization.py `legacy_load`): storages are a count pickle, then per
// storage an `(key, location, storage_type)` pickle, an int64 element count and the raw elements, then a views
// pickle; tensors are a count pickle, then per tensor a pickle and a fixed binary record. Every pickle is loaded by
// torch, so each is cut out and scanned; the raw bytes between them are skipped, never read.
import { COMMON_RULES } from '../rules.js';
import type { ScanContext } from '../context.js';
import { SliceSource, type ByteSource } from '../source.js';
import { PICKLE_OPCODES } from '../sniff.js';

/** Bytes per element of the legacy storage classes. */
const ELEMENT_SIZE: Readonly<Record<string, number>> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexFloatStorage: 8,
  ComplexDoubleStorage: 16,
  QInt8Storage: 1,
  QUInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
};

const MAX_PICKLE_WALK = 64 * 1024 * 1024;

/**
 * Where the pickle starting at `start` ends (just after its STOP), found by walking opcodes and skipping their
 * arguments; undefined when an unknown opcode or the end of the source comes first.
 */
export function pickleEnd(src: ByteSource, start: number, tick?: () => void): number | undefined {
  const WINDOW = 64 * 1024;
  let win: Buffer = Buffer.alloc(0);
  let winStart = start;
  const byteAt = (p: number): number | undefined => {
    if (p < winStart || p >= winStart + win.length) {
      win = src.read(p, WINDOW);
      winStart = p;
    }
    return p - winStart < win.length ? win[p - winStart] : undefined;
  };
  const bytes = (p: number, n: number): Buffer => src.read(p, n);
  const lineEnd = (p: number): number | undefined => {
    for (let q = p; q < Math.min(src.size, p + (1 << 16)); q++) if (byteAt(q) === 0x0a) return q + 1;
    return undefined;
  };
  let pos = start;
  for (let n = 0; pos - start < MAX_PICKLE_WALK; n++) {
    if ((n & 0xffff) === 0xffff) tick?.();
    const op = byteAt(pos);
    if (op === undefined) return undefined;
    const arg = PICKLE_OPCODES.get(op);
    if (arg === undefined) return undefined;
    pos++;
    if (op === 0x2e) return pos;
    if (typeof arg === 'number') pos += arg;
    else if (arg === 'line' || arg === 'int-line' || arg === 'string-line') {
      const e = lineEnd(pos);
      if (e === undefined) return undefined;
      pos = e;
    } else if (arg === 'global') {
      const e1 = lineEnd(pos);
      const e2 = e1 === undefined ? undefined : lineEnd(e1);
      if (e2 === undefined) return undefined;
      pos = e2;
    } else if (arg === 'u8len') {
      const l = byteAt(pos);
      if (l === undefined) return undefined;
      pos += 1 + l;
    } else if (arg === 'u32len') {
      const b = bytes(pos, 4);
      if (b.length < 4) return undefined;
      pos += 4 + b.readUInt32LE(0);
    } else if (arg === 'u64len' || arg === 'frame') {
      const b = bytes(pos, 8);
      if (b.length < 8) return undefined;
      const len = Number(b.readBigUInt64LE(0));
      pos += 8 + (arg === 'frame' ? 0 : len);
    }
    if (pos > src.size) return undefined;
  }
  return undefined;
}

/** The storage class a legacy `(key, location, storage_type)` pickle names, from the text of its last global. */
function storageClass(pickle: Buffer): string | undefined {
  const names = pickle.toString('latin1').match(/[A-Za-z0-9]+Storage/g);
  return names?.[names.length - 1];
}

/**
 * Scans the `storages` or `tensors` member of a legacy tar checkpoint: each embedded pickle through
 * `ctx.scanNested` (hint `pickle`), the raw data skipped. Reports malformed data where the layout breaks and then
 * hands the rest to the dispatcher as one piece, so nothing goes unscanned.
 */
export async function scanLegacyMember(src: ByteSource, kind: 'storages' | 'tensors', ctx: ScanContext): Promise<void> {
  const tick = (): void => ctx.checkDeadline();
  let pos = 0;
  let index = 0;
  const next = async (label: string): Promise<Buffer | undefined> => {
    const end = pickleEnd(src, pos, tick);
    if (end === undefined) return undefined;
    const slice = new SliceSource(src, pos, end - pos);
    await ctx.scanNested(slice, `${kind}#${index++} ${label}`, 'pickle');
    const text = end - pos <= 4096 ? Buffer.from(src.read(pos, end - pos)) : Buffer.alloc(0);
    pos = end;
    return text;
  };
  const fail = async (why: string): Promise<void> => {
    ctx.report(COMMON_RULES.malformed, { message: `legacy PyTorch ${kind} member: ${why} at byte ${pos}; the rest was scanned as one piece`, offset: pos });
    if (pos < src.size) await ctx.scanNested(new SliceSource(src, pos, src.size - pos), `${kind}@${pos}`);
  };

  const countPickle = await next('count');
  if (!countPickle) return fail('no count pickle');
  const count = smallInt(countPickle);
  if (count === undefined) return fail('the count pickle holds no plain integer');
  for (let i = 0; i < count; i++) {
    if ((i & 255) === 255) tick();
    const p = await next(kind === 'storages' ? 'storage header' : 'tensor header');
    if (!p) return fail('a record pickle is broken');
    if (kind === 'storages') {
      const cls = storageClass(p);
      const size = cls === undefined ? undefined : ELEMENT_SIZE[cls];
      if (size === undefined) return fail(`unknown storage type ${cls ?? '(none)'}`);
      const b = src.read(pos, 8);
      if (b.length < 8) return fail('the element count is cut off');
      const numel = b.readBigInt64LE(0);
      const bytes = numel * BigInt(size);
      if (numel < 0n || bytes > BigInt(src.size - pos - 8)) return fail('the storage data runs past the end');
      pos += 8 + Number(bytes);
    } else {
      const b = src.read(pos, 8);
      if (b.length < 8) return fail('the tensor record is cut off');
      const ndim = b.readInt32LE(0);
      const len = 8 + 16 * ndim + 8;
      if (ndim < 0 || ndim > 64 || pos + len > src.size) return fail('the tensor record is malformed');
      pos += len;
    }
  }
  if (kind === 'storages' && pos < src.size && !(await next('views'))) return fail('the views pickle is broken');
  if (pos < src.size) await fail('data follows the last record');
}

/** The value of a pickle that is one small non-negative integer (BININT1/BININT2/BININT/INT), else undefined. */
function smallInt(p: Buffer): number | undefined {
  let i = 0;
  if (p[i] === 0x80) i += 2;
  if (p[i] === 0x95) i += 9;
  const op = p[i];
  let v: number | undefined;
  if (op === 0x4b) v = p[i + 1];
  else if (op === 0x4d && i + 3 <= p.length) v = p.readUInt16LE(i + 1);
  else if (op === 0x4a && i + 5 <= p.length) v = p.readInt32LE(i + 1);
  else if (op === 0x49) {
    const m = /^I(\d+)\n/.exec(p.toString('latin1', i));
    v = m ? Number(m[1]) : undefined;
  }
  return v !== undefined && v >= 0 && v <= 10_000_000 ? v : undefined;
}
