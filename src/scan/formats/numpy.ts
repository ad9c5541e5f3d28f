// NumPy .npy files (alone or as .npz members): the header is checked like numpy.load reads it, plain arrays are
// bounds-checked without reading their data, and an object array — whose data is a pickle that numpy.load runs when
// allow_pickle=True — is handed to the pickle scanner. An object dtype alone is no verdict: the pickle decides.
import { COMMON_RULES, TAGS_SUPPLY_CHAIN, defineRules } from '../rules.js';
import type { ScanContext } from '../context.js';
import { SliceSource, type ByteSource } from '../source.js';
import { sniffFormat, SNIFF_BYTES } from '../sniff.js';
import type { FormatScanner } from '../types.js';
import { LiteralError, describeDtype, parsePythonLiteral, type PyValue } from './numpy-header.js';

export const NUMPY_RULES = defineRules(
  {
    'object-dtype': {
      verdict: 'info',
      severity: 'info',
      title: 'NumPy array of Python objects',
      help: 'The array data is a pickle, which numpy.load unpickles when allow_pickle=True. The pickle itself was scanned; this note alone is no verdict.',
      tags: {},
    },
    'unknown-dtype': {
      verdict: 'suspicious',
      severity: 'low',
      title: 'NumPy dtype not understood',
      help: 'The header names a dtype the scanner does not know, so the data size could not be checked. If it sniffs as a pickle it was scanned as one.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'trailing-data': {
      verdict: 'info',
      severity: 'low',
      title: 'Data after the NumPy array',
      help: 'Bytes follow the array data; numpy.load ignores them. When they look like a known format they were scanned as well.',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'numpy',
);

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');
const MAX_HEADER = 1024 * 1024;

export const numpyScanner: FormatScanner = {
  format: 'numpy',
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const pre = src.read(0, 12);
    if (pre.length < 10 || !pre.subarray(0, 6).equals(MAGIC)) {
      ctx.report(COMMON_RULES.truncated, { message: 'NumPy file ends inside its preamble', offset: 0 });
      return;
    }
    const major = pre[6]!;
    if (major < 1 || major > 3) {
      ctx.report(COMMON_RULES.malformed, { message: `NumPy format version ${major}.${pre[7]} does not exist`, offset: 6 });
      return;
    }
    if (major > 1 && pre.length < 12) {
      ctx.report(COMMON_RULES.truncated, { message: 'NumPy file ends inside its preamble', offset: 8 });
      return;
    }
    const headerStart = major === 1 ? 10 : 12;
    const headerLen = major === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    if (headerLen > Math.min(MAX_HEADER, ctx.limits.maxMetadataBytes)) {
      ctx.report(COMMON_RULES.limit, { message: `NumPy header is ${headerLen} bytes long`, offset: 8 });
      return;
    }
    const raw = src.read(headerStart, headerLen);
    if (raw.length < headerLen) {
      ctx.report(COMMON_RULES.truncated, { message: 'NumPy file ends inside its header', offset: headerStart + raw.length });
      return;
    }
    const dataOffset = headerStart + headerLen;
    const header = parseHeader(raw.toString(major === 3 ? 'utf8' : 'latin1'), ctx, headerStart);
    if (!header) return;

    const dtype = describeDtype(header.descr);
    const dataLen = src.size - dataOffset;
    if (dtype.hasObject) {
      ctx.report(NUMPY_RULES['object-dtype'], { message: 'NumPy array of Python objects: its data is a pickle', offset: dataOffset });
      await ctx.scanNested(new SliceSource(src, dataOffset, dataLen), 'array data', 'pickle');
      return;
    }
    if (dtype.itemsize === undefined) {
      ctx.report(NUMPY_RULES['unknown-dtype'], { message: `NumPy dtype ${describe(header.descr)} is not understood`, offset: headerStart });
      if (sniffFormat(src.read(dataOffset, SNIFF_BYTES), dataLen) === 'pickle') await ctx.scanNested(new SliceSource(src, dataOffset, dataLen), 'array data', 'pickle');
      return;
    }
    const expected = header.count * dtype.itemsize;
    if (BigInt(dataLen) < expected) {
      ctx.report(COMMON_RULES.truncated, { message: `NumPy array needs ${expected} bytes of data but the file holds ${dataLen}`, offset: src.size });
    } else if (BigInt(dataLen) > expected) {
      const at = dataOffset + Number(expected);
      ctx.report(NUMPY_RULES['trailing-data'], { message: `${src.size - at} bytes follow the array data`, offset: at });
      if (sniffFormat(src.read(at, SNIFF_BYTES), src.size - at) !== 'unknown') await ctx.scanNested(new SliceSource(src, at, src.size - at), '<trailing data>');
    }
  },
};

interface Header {
  descr: PyValue;
  count: bigint;
}

/** The three keys numpy.load requires (and no others), or undefined after reporting what is wrong. */
function parseHeader(text: string, ctx: ScanContext, at: number): Header | undefined {
  let lit: PyValue;
  try {
    lit = parsePythonLiteral(text.replace(/\0+$/, ''));
  } catch (e) {
    const where = e instanceof LiteralError ? at + e.at : at;
    ctx.report(COMMON_RULES.malformed, { message: `NumPy header is not a Python literal (${(e as Error).message})`, offset: where });
    return undefined;
  }
  if (lit.t !== 'dict') {
    ctx.report(COMMON_RULES.malformed, { message: 'NumPy header is not a dict', offset: at });
    return undefined;
  }
  const fields = new Map<string, PyValue>();
  for (const [k, v] of lit.v) {
    if (k.t !== 'str') {
      ctx.report(COMMON_RULES.malformed, { message: 'NumPy header has a key that is not a string', offset: at });
      return undefined;
    }
    fields.set(k.v, v);
  }
  const keys = [...fields.keys()].sort().join(',');
  if (keys !== 'descr,fortran_order,shape') {
    ctx.report(COMMON_RULES.malformed, { message: `NumPy header has keys {${keys}} instead of descr, fortran_order, shape`, offset: at });
    return undefined;
  }
  const shape = fields.get('shape')!;
  const order = fields.get('fortran_order')!;
  if (order.t !== 'bool') {
    ctx.report(COMMON_RULES.malformed, { message: 'NumPy header fortran_order is not a boolean', offset: at });
    return undefined;
  }
  const dims = shape.t === 'tuple' ? shape.v : undefined;
  let count = 1n;
  for (const d of dims ?? []) {
    if (d.t !== 'int' || d.v < 0n) {
      ctx.report(COMMON_RULES.malformed, { message: 'NumPy header shape is not a tuple of non-negative integers', offset: at });
      return undefined;
    }
    count *= d.v;
  }
  if (!dims) {
    ctx.report(COMMON_RULES.malformed, { message: 'NumPy header shape is not a tuple', offset: at });
    return undefined;
  }
  return { descr: fields.get('descr')!, count };
}

function describe(v: PyValue): string {
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
