// GGUF scanner: walks the header, every metadata key/value and every tensor info of a GGUF file with bounds on each
// length and count, checks tensor offsets, alignment and the data section against the file size, and hands chat
// templates (`tokenizer.chat_template`, `tokenizer.chat_template.<name>`) to the template analyser.
//
// Hand-written rather than @huggingface/gguf: that package fetches remote URLs (or whole local files) into memory and
// has no bounds on declared lengths; here every read goes through a ByteSource, tensor data is never read, and each
// length is checked against the limits and the bytes left before anything is allocated.
import { ScanAbort, type ScanContext } from '../context.js';
import { defineRules, TAGS_SUPPLY_CHAIN } from '../rules.js';
import { ByteCursor, type ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { analyseChatTemplate } from './chat-template.js';
import { decodeUtf8, formatError, printable, reportStructural, Truncated } from './structure.js';

export const GGUF_RULES = defineRules(
  {
    'hidden-data': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'GGUF data section holds bytes no tensor describes',
      help: 'Between or after the tensors there are more bytes than alignment padding needs. llama.cpp lays tensors out back to back; unexplained bytes can carry a hidden payload for a second-stage loader. Compare the file with the publisher\'s original.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'unknown-tensor-type': {
      verdict: 'info',
      severity: 'info',
      title: 'GGUF tensor has a type this scanner does not know',
      help: 'A newer llama.cpp quantisation type, probably: the size of that tensor could not be checked, nor the layout after it.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'big-endian': {
      verdict: 'info',
      severity: 'info',
      title: 'Big-endian GGUF file',
      help: 'The file was written for a big-endian machine; it was parsed as such.',
      tags: {},
    },
  },
  'gguf',
);

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const MAX_KEY_BYTES = 65_535;
const MAX_DIMS = 4;
const MAX_ARRAY_NESTING = 4;
const DEFAULT_ALIGNMENT = 32;
const STEP_CHECK = 1 << 16;

/** Value types of GGUF metadata (gguf spec); [name, size in bytes] for fixed-size ones. */
const SCALAR_SIZE: ReadonlyMap<number, number> = new Map([
  [0, 1], // UINT8
  [1, 1], // INT8
  [2, 2], // UINT16
  [3, 2], // INT16
  [4, 4], // UINT32
  [5, 4], // INT32
  [6, 4], // FLOAT32
  [7, 1], // BOOL
  [10, 8], // UINT64
  [11, 8], // INT64
  [12, 8], // FLOAT64
]);
const T_UINT32 = 4;
const T_STRING = 8;
const T_ARRAY = 9;

/**
 * ggml tensor types: [elements per block, bytes per block]. Facts from llama.cpp gguf-py `GGML_QUANT_SIZES`
 * (gguf/constants.py), including the retired Q4_0_4_4 … IQ4_NL_8_8 repacked types that old files may carry.
 */
const GGML_TYPES: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [1, 4]], // F32
  [1, [1, 2]], // F16
  [2, [32, 18]], // Q4_0
  [3, [32, 20]], // Q4_1
  [6, [32, 22]], // Q5_0
  [7, [32, 24]], // Q5_1
  [8, [32, 34]], // Q8_0
  [9, [32, 36]], // Q8_1
  [10, [256, 84]], // Q2_K
  [11, [256, 110]], // Q3_K
  [12, [256, 144]], // Q4_K
  [13, [256, 176]], // Q5_K
  [14, [256, 210]], // Q6_K
  [15, [256, 292]], // Q8_K
  [16, [256, 66]], // IQ2_XXS
  [17, [256, 74]], // IQ2_XS
  [18, [256, 98]], // IQ3_XXS
  [19, [256, 50]], // IQ1_S
  [20, [32, 18]], // IQ4_NL
  [21, [256, 110]], // IQ3_S
  [22, [256, 82]], // IQ2_S
  [23, [256, 136]], // IQ4_XS
  [24, [1, 1]], // I8
  [25, [1, 2]], // I16
  [26, [1, 4]], // I32
  [27, [1, 8]], // I64
  [28, [1, 8]], // F64
  [29, [256, 56]], // IQ1_M
  [30, [1, 2]], // BF16
  [31, [32, 18]], // Q4_0_4_4 (retired)
  [32, [32, 18]], // Q4_0_4_8 (retired)
  [33, [32, 18]], // Q4_0_8_8 (retired)
  [34, [256, 54]], // TQ1_0
  [35, [256, 66]], // TQ2_0
  [36, [32, 18]], // IQ4_NL_4_4 (retired)
  [37, [32, 18]], // IQ4_NL_4_8 (retired)
  [38, [32, 18]], // IQ4_NL_8_8 (retired)
  [39, [32, 17]], // MXFP4
]);

interface TensorInfo {
  name: string;
  offset: number;
  /** Bytes of data; undefined for an unknown type. */
  bytes: number | undefined;
  at: number;
}

/** Little- or big-endian number reader over a cursor; v1 files use 32-bit lengths and counts. */
class GgufReader {
  constructor(
    readonly c: ByteCursor,
    private readonly le: boolean,
    private readonly v1: boolean,
  ) {}

  u32(): number {
    const b = this.c.bytes(4);
    return this.le ? b.readUInt32LE(0) : b.readUInt32BE(0);
  }

  u64(what: string): number {
    const at = this.c.pos;
    const b = this.c.bytes(8);
    const v = this.le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw formatError(`${what} ${v} at byte ${at} is not plausible`, at);
    return Number(v);
  }

  /** A length or count: u32 in GGUF v1, u64 after. */
  size(what: string): number {
    return this.v1 ? this.u32() : this.u64(what);
  }

  /** Bytes one length field takes. */
  get sizeBytes(): number {
    return this.v1 ? 4 : 8;
  }

  unsigned(type: number): number | undefined {
    switch (type) {
      case 0:
        return this.c.u8();
      case 2: {
        const b = this.c.bytes(2);
        return this.le ? b.readUInt16LE(0) : b.readUInt16BE(0);
      }
      case 4:
        return this.u32();
      case 10:
        return this.u64('value');
      default:
        return undefined;
    }
  }
}

function checkLength(n: number, ctx: ScanContext, c: ByteCursor, what: string, at: number): void {
  if (n > c.remaining) throw new Truncated(`${what} of ${n} bytes at byte ${at} runs past the end of the file`, at);
  const max = ctx.limits.maxMetadataBytes;
  if (n > max) throw new ScanAbort('limit', `GGUF ${what} of ${n} bytes at byte ${at} exceeds the ${max}-byte metadata limit`, ctx.member);
}

export const ggufScanner: FormatScanner = {
  format: 'gguf',
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    try {
      await parse(src, ctx);
    } catch (e) {
      // Templates met before the break were analysed as they were read: a broken file does not hide its payload.
      reportStructural(ctx, e, 'GGUF');
    }
  },
};

async function analyseTemplate(key: string, text: string, at: number, ctx: ScanContext): Promise<void> {
  for (const f of await analyseChatTemplate(text)) {
    const message = key === 'tokenizer.chat_template' ? f.message : `${printable(key)}: ${f.message}`;
    ctx.report(f.rule, { message, fragment: f.fragment, offset: at });
  }
  ctx.checkDeadline();
}

async function parse(src: ByteSource, ctx: ScanContext): Promise<void> {
  const c = new ByteCursor(src);
  const head = c.bytes(8);
  if (head.readUInt32LE(0) !== MAGIC) throw formatError('not a GGUF file (bad magic)', 0);
  let le = true;
  let version = head.readUInt32LE(4);
  if (version < 1 || version > 3) {
    const be = head.readUInt32BE(4);
    if (be < 1 || be > 3) throw formatError(`unsupported GGUF version ${version}`, 4);
    le = false;
    version = be;
    ctx.report(GGUF_RULES['big-endian'], { offset: 4 });
  }
  const r = new GgufReader(c, le, version === 1);
  const tensorCount = r.size('tensor count');
  const kvCount = r.size('metadata count');
  // Smallest encodings: a key/value is a key length, a type and one byte; a tensor info is a name length,
  // a dimension count, a type and an offset. Counts that cannot fit in the file are not believed.
  const minKv = r.sizeBytes + 4 + 1;
  const minTensor = r.sizeBytes + 4 + 4 + 8;
  if (kvCount * minKv > c.remaining) throw formatError(`header declares ${kvCount} metadata entries, more than ${c.remaining} bytes can hold`, 16);
  if (tensorCount * minTensor > c.remaining) throw formatError(`header declares ${tensorCount} tensors, more than ${c.remaining} bytes can hold`, 8);

  const keys = new Set<string>();
  let alignment = DEFAULT_ALIGNMENT;
  let steps = 0;
  const tick = (): void => {
    if (++steps % STEP_CHECK === 0) ctx.checkDeadline();
  };

  const readString = (what: string): { at: number; len: number } => {
    const at = c.pos;
    const len = r.size(`${what} length`);
    checkLength(len, ctx, c, what, at);
    return { at, len };
  };

  /** Skips (or for arrays, walks) one value of `type`, with arrays nested at most MAX_ARRAY_NESTING deep. */
  const skipValue = (type: number, depth: number): void => {
    tick();
    const fixed = SCALAR_SIZE.get(type);
    if (fixed !== undefined) return c.skip(fixed);
    if (type === T_STRING) {
      const s = readString('string');
      return c.skip(s.len);
    }
    if (type !== T_ARRAY) throw formatError(`unknown metadata value type ${type}`, c.pos - 4);
    if (depth >= MAX_ARRAY_NESTING) throw formatError(`arrays nested deeper than ${MAX_ARRAY_NESTING}`, c.pos);
    const at = c.pos;
    const elemType = r.u32();
    const count = r.size('array length');
    const elemFixed = SCALAR_SIZE.get(elemType);
    const minElem = elemFixed ?? (elemType === T_STRING ? r.sizeBytes : elemType === T_ARRAY ? 4 + r.sizeBytes : 1);
    if (count * minElem > c.remaining) throw new Truncated(`array of ${count} elements at byte ${at} runs past the end of the file`, at);
    if (elemFixed !== undefined) return c.skip(count * elemFixed);
    if (elemType !== T_STRING && elemType !== T_ARRAY) throw formatError(`unknown array element type ${elemType}`, at);
    for (let i = 0; i < count; i++) skipValue(elemType, depth + 1);
  };

  for (let i = 0; i < kvCount; i++) {
    tick();
    const k = readString('metadata key');
    const keyAt = k.at;
    if (k.len > MAX_KEY_BYTES) throw formatError(`metadata key of ${k.len} bytes at byte ${keyAt}`, keyAt);
    const key = decodeUtf8(c.bytes(k.len), 'metadata key', keyAt);
    if (keys.has(key)) throw formatError(`duplicate metadata key ${printable(key)}`, keyAt);
    keys.add(key);
    const type = r.u32();
    const valueAt = c.pos;
    if (key === 'general.alignment') {
      const v = type === T_UINT32 ? r.unsigned(type) : undefined;
      if (v === undefined || v === 0 || (v & (v - 1)) !== 0) throw formatError('general.alignment must be a non-zero power of two stored as uint32', valueAt);
      alignment = v;
    } else if (key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.')) {
      if (type !== T_STRING) throw formatError(`${printable(key)} is not a string`, valueAt);
      const s = readString(key);
      await analyseTemplate(key, decodeUtf8(c.bytes(s.len), printable(key), valueAt), valueAt, ctx);
    } else {
      skipValue(type, 0);
    }
  }

  const tensors: TensorInfo[] = [];
  const names = new Set<string>();
  let unknownType = false;
  for (let i = 0; i < tensorCount; i++) {
    tick();
    const n = readString('tensor name');
    if (n.len > MAX_KEY_BYTES) throw formatError(`tensor name of ${n.len} bytes at byte ${n.at}`, n.at);
    const name = decodeUtf8(c.bytes(n.len), 'tensor name', n.at);
    if (names.has(name)) throw formatError(`duplicate tensor ${printable(name)}`, n.at);
    names.add(name);
    const nDims = r.u32();
    if (nDims > MAX_DIMS) throw formatError(`tensor ${printable(name)} has ${nDims} dimensions (at most ${MAX_DIMS})`, n.at);
    let elements = 1;
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) {
      const dim = r.size('tensor dimension');
      dims.push(dim);
      elements *= dim;
      if (!Number.isSafeInteger(elements)) throw formatError(`tensor ${printable(name)} has an implausible element count`, n.at);
    }
    const typeAt = c.pos;
    const type = r.u32();
    const offset = r.u64('tensor offset');
    if (offset % alignment !== 0) throw formatError(`tensor ${printable(name)} offset ${offset} is not a multiple of the alignment ${alignment}`, typeAt + 4);
    const t = GGML_TYPES.get(type);
    let bytes: number | undefined;
    if (t) {
      const [block, size] = t;
      if ((dims[0] ?? 1) % block !== 0) throw formatError(`tensor ${printable(name)} row of ${dims[0]} elements is not a multiple of the block size ${block}`, typeAt);
      bytes = (elements / block) * size;
    } else {
      unknownType = true;
      ctx.report(GGUF_RULES['unknown-tensor-type'], { message: `tensor ${printable(name)} has unknown ggml type ${type}`, offset: typeAt });
    }
    tensors.push({ name, offset, bytes, at: n.at });
  }

  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  checkDataSection(src.size, dataStart, alignment, tensors, unknownType, ctx);
}

/** Tensors must lie inside the file without overlapping; bytes beyond alignment padding are unexplained. */
function checkDataSection(size: number, dataStart: number, alignment: number, tensors: TensorInfo[], unknownType: boolean, ctx: ScanContext): void {
  if (tensors.length > 0 && dataStart > size) throw new Truncated(`tensor data should start at byte ${dataStart}, past the end of the file`, size);
  const dataSize = Math.max(0, size - dataStart);
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  let end = 0;
  let layoutKnown = true;
  for (const t of sorted) {
    if (t.offset > dataSize) throw new Truncated(`tensor ${printable(t.name)} starts at data offset ${t.offset}, past the end of the file`, size);
    if (t.bytes === undefined) {
      layoutKnown = false;
      continue;
    }
    if (t.offset + t.bytes > dataSize) throw new Truncated(`tensor ${printable(t.name)} ends at byte ${dataStart + t.offset + t.bytes}, past the end of the file`, size);
    if (layoutKnown) {
      if (t.offset < end) throw formatError(`tensor ${printable(t.name)} overlaps the tensor before it`, t.at);
      if (t.offset - end >= alignment) {
        ctx.report(GGUF_RULES['hidden-data'], { message: `${t.offset - end} unexplained bytes before tensor ${printable(t.name)}`, offset: dataStart + end });
      }
    }
    end = Math.max(end, t.offset + t.bytes);
  }
  if (layoutKnown && !unknownType && tensors.length > 0 && dataSize - end >= alignment) {
    ctx.report(GGUF_RULES['hidden-data'], { message: `${dataSize - end} bytes follow the last tensor`, offset: dataStart + end });
  }
  if (tensors.length === 0 && size > dataStart + alignment) {
    ctx.report(GGUF_RULES['hidden-data'], { message: `${size - dataStart} bytes follow a header that declares no tensors`, offset: dataStart });
  }
}
