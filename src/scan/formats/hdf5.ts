// HDF5 scanner for Keras 2 `.h5` models: Keras keeps the model as JSON in the root attributes `model_config` and
// `training_config`, and rebuilds (and runs) what they describe at load. The structured path reads the superblock
// (v0–v3), the root object header (v1, v2, with continuation blocks) and its attribute messages, following
// variable-length strings into the global heap. Layouts it does not follow (dense attribute storage in a fractal
// heap, shared messages, superblock v4) fall back to scanning the file for JSON objects that start like a Keras
// config. Whatever is found goes to analyseKerasConfig. Layout facts: the HDF5 File Format Specification v3.0.
import { ScanAbort, type ScanContext } from '../context.js';
import { COMMON_RULES, defineRules } from '../rules.js';
import type { ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { analyseKerasConfig } from './keras.js';
import { decodeUtf8, formatError, isPlainObject, parseJsonBytes, reportStructural, Truncated } from './structure.js';

export const HDF5_RULES = defineRules(
  {
    'model-config': {
      verdict: 'info',
      severity: 'info',
      title: 'Keras model config found in HDF5 file',
      help: 'The file carries a Keras model config (root attribute model_config or training_config); it was checked for Lambda layers, foreign modules and gadgets.',
      tags: {},
    },
    'no-model-config': {
      verdict: 'info',
      severity: 'info',
      title: 'HDF5 file without a Keras model config',
      help: 'The file holds data (weights) but no Keras model config: loading it rebuilds no layers from the file.',
      tags: {},
    },
    'layout-fallback': {
      verdict: 'info',
      severity: 'info',
      title: 'HDF5 layout read by pattern',
      help: 'Part of the root object header uses a layout the structured reader does not follow (dense attribute storage, shared messages, a newer superblock), so the file was scanned for embedded Keras configs instead.',
      tags: {},
    },
  },
  'hdf5',
);

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const CONFIG_ATTRIBUTES = new Set(['model_config', 'training_config']);
const MSG_ATTRIBUTE = 0x0c;
const MSG_CONTINUATION = 0x10;
const MSG_ATTRIBUTE_INFO = 0x15;
const MAX_MESSAGES = 10_000;
const MAX_CHUNKS = 1_000;
const MAX_ELEMENTS = 16;
const WINDOW = 1 << 20;
const MAX_CANDIDATES = 10_000;
const NEEDLES = [Buffer.from('{"class_name"'), Buffer.from('{"module"')];

/** Found by the structured reader, or a reason it could not finish. */
interface Structured {
  configs: { name: string; text: string; at: number }[];
  /** Why the pattern scan is needed; undefined when the structured read was complete. */
  incomplete?: string;
}

class Unsupported extends Error {}

class Reader {
  o = 8;
  l = 8;
  base = 0;
  constructor(
    readonly src: ByteSource,
    readonly ctx: ScanContext,
  ) {}

  bytes(at: number, n: number): Buffer {
    if (!Number.isSafeInteger(at) || at < 0 || n < 0) throw formatError(`invalid address ${at}`, at);
    const b = this.src.read(at, n);
    if (b.length < n) throw new Truncated(`structure at byte ${at} runs past the end of the file`, this.src.size);
    return b;
  }

  /** Unsigned little-endian integer of `n` bytes; undefined for the "undefined address" (all bits set). */
  uint(buf: Buffer, off: number, n: number): number | undefined {
    if (off + n > buf.length) throw formatError('field runs past the end of its message', off);
    let v = 0n;
    let allOnes = true;
    for (let i = n - 1; i >= 0; i--) {
      const b = buf[off + i]!;
      if (b !== 0xff) allOnes = false;
      v = (v << 8n) | BigInt(b);
    }
    if (allOnes) return undefined;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw formatError(`implausible ${n}-byte value at byte ${off}`, off);
    return Number(v);
  }

  addr(buf: Buffer, off: number): number | undefined {
    const a = this.uint(buf, off, this.o);
    return a === undefined ? undefined : this.base + a;
  }

  len(buf: Buffer, off: number): number {
    const v = this.uint(buf, off, this.l);
    if (v === undefined) throw formatError(`undefined length at byte ${off}`, off);
    return v;
  }
}

export const hdf5Scanner: FormatScanner = {
  format: 'hdf5',
  scan(src: ByteSource, ctx: ScanContext): void {
    const r = new Reader(src, ctx);
    const found: Structured = { configs: [] };
    try {
      readStructured(r, found);
    } catch (e) {
      if (e instanceof ScanAbort) throw e;
      reportStructural(ctx, e, 'HDF5');
      found.incomplete = 'the structure could not be read to the end';
    }
    let analysed = 0;
    for (const c of found.configs) {
      analysed += analyse(c.text, c.at, `${c.name} attribute of the root group`, ctx) ? 1 : 0;
    }
    if (found.incomplete !== undefined) {
      ctx.report(HDF5_RULES['layout-fallback'], { message: `${found.incomplete}; scanned the file for embedded Keras configs` });
      for (const c of patternScan(src, ctx)) analysed += analyse(c.text, c.at, 'a JSON object found by scanning the file', ctx) ? 1 : 0;
    }
    if (analysed === 0) ctx.report(HDF5_RULES['no-model-config']);
  },
};

function analyse(text: string, at: number, where: string, ctx: ScanContext): boolean {
  let config: unknown;
  try {
    config = parseJsonBytes(Buffer.from(text, 'utf8'), where, at);
  } catch (e) {
    reportStructural(ctx, e);
    return false;
  }
  if (!isPlainObject(config)) return false;
  ctx.report(HDF5_RULES['model-config'], { message: `Keras config read from ${where}`, offset: at });
  for (const f of analyseKerasConfig(config)) ctx.report(f.rule, { message: f.message, fragment: f.fragment, offset: at });
  return true;
}

function findSuperblock(r: Reader): number {
  for (let at = 0; at + SIGNATURE.length <= r.src.size; at = at === 0 ? 512 : at * 2) {
    if (r.src.read(at, SIGNATURE.length).equals(SIGNATURE)) return at;
  }
  throw formatError('no HDF5 superblock signature', 0);
}

function readStructured(r: Reader, out: Structured): void {
  const sbAt = findSuperblock(r);
  const head = r.bytes(sbAt, 16);
  const version = head[8]!;
  let rootAddr: number | undefined;
  let eof: number | undefined;
  if (version === 0 || version === 1) {
    r.o = head[13]!;
    r.l = head[14]!;
    checkSizes(r, sbAt);
    const p = sbAt + (version === 0 ? 24 : 28);
    const sb = r.bytes(p, 4 * r.o + 2 * r.o + 8 + 16);
    r.base = r.uint(sb, 0, r.o) ?? 0;
    eof = r.uint(sb, 2 * r.o, r.o);
    // Root group symbol table entry: link name offset, then object header address.
    rootAddr = r.addr(sb, 5 * r.o);
  } else if (version === 2 || version === 3) {
    r.o = head[9]!;
    r.l = head[10]!;
    checkSizes(r, sbAt);
    const sb = r.bytes(sbAt + 12, 4 * r.o);
    r.base = r.uint(sb, 0, r.o) ?? 0;
    eof = r.uint(sb, 2 * r.o, r.o);
    rootAddr = r.addr(sb, 3 * r.o);
  } else {
    out.incomplete = `superblock version ${version} is not read structurally`;
    return;
  }
  // The end-of-file address is absolute (unlike the others, which are relative to the base address).
  if (eof !== undefined && eof > r.src.size) {
    r.ctx.report(COMMON_RULES.truncated, { message: `HDF5 end-of-file address ${eof} is past the end of the file (${r.src.size} bytes)`, offset: sbAt });
  }
  if (rootAddr === undefined) throw formatError('root object header address is undefined', sbAt);
  try {
    readRootAttributes(r, rootAddr, out);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    out.incomplete = e.message;
  }
}

function checkSizes(r: Reader, at: number): void {
  if (![2, 4, 8].includes(r.o) || ![2, 4, 8].includes(r.l)) throw formatError(`unsupported size of offsets ${r.o} / lengths ${r.l}`, at);
}

interface Message {
  type: number;
  flags: number;
  data: Buffer;
  at: number;
}

/** Every message of the object header at `addr`, following continuation blocks (each visited once). */
function objectHeaderMessages(r: Reader, addr: number): Message[] {
  const first = r.bytes(addr, 16);
  const out: Message[] = [];
  const seen = new Set<number>();
  const chunks: { start: number; len: number; v2: boolean }[] = [];
  let creationOrder = false;
  if (first.subarray(0, 4).toString('latin1') === 'OHDR') {
    if (first[4] !== 2) throw formatError(`object header version ${first[4]}`, addr);
    const flags = first[5]!;
    let p = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    const sizeField = r.bytes(addr + p, width);
    const size = r.uint(sizeField, 0, width) ?? 0;
    p += width;
    creationOrder = (flags & 0x04) !== 0;
    chunks.push({ start: addr + p, len: size, v2: true });
  } else {
    if (first[0] !== 1) throw formatError(`object header version ${first[0]}`, addr);
    chunks.push({ start: addr + 16, len: first.readUInt32LE(8), v2: false });
  }
  let total = 0;
  while (chunks.length > 0) {
    const chunk = chunks.shift()!;
    if (seen.has(chunk.start) || seen.size >= MAX_CHUNKS) continue;
    seen.add(chunk.start);
    total += chunk.len;
    if (total > r.ctx.limits.maxMetadataBytes) throw new ScanAbort('limit', `HDF5 root object header of more than ${total} bytes exceeds the metadata limit`, r.ctx.member);
    const buf = r.bytes(chunk.start, chunk.len);
    const headerSize = chunk.v2 ? 4 + (creationOrder ? 2 : 0) : 8;
    let p = 0;
    while (p + headerSize <= buf.length) {
      const type = chunk.v2 ? buf[p]! : buf.readUInt16LE(p);
      const size = chunk.v2 ? buf.readUInt16LE(p + 1) : buf.readUInt16LE(p + 2);
      const flags = chunk.v2 ? buf[p + 3]! : buf[p + 4]!;
      const dataAt = p + headerSize;
      if (dataAt + size > buf.length) throw formatError(`header message of ${size} bytes runs past its chunk`, chunk.start + p);
      const data = buf.subarray(dataAt, dataAt + size);
      if (out.length >= MAX_MESSAGES) throw formatError(`more than ${MAX_MESSAGES} header messages`, chunk.start + p);
      out.push({ type, flags, data, at: chunk.start + dataAt });
      if (type === MSG_CONTINUATION) {
        const a = r.addr(data, 0);
        const n = r.len(data, r.o);
        if (a !== undefined) {
          // Version 2 continuation blocks are "OCHK" + messages + checksum.
          if (chunk.v2) {
            if (r.bytes(a, 4).toString('latin1') !== 'OCHK') throw formatError('continuation block without OCHK signature', a);
            chunks.push({ start: a + 4, len: Math.max(0, n - 8), v2: true });
          } else chunks.push({ start: a, len: n, v2: false });
        }
      }
      p = dataAt + size;
    }
  }
  return out;
}

function readRootAttributes(r: Reader, rootAddr: number, out: Structured): void {
  for (const m of objectHeaderMessages(r, rootAddr)) {
    if (m.type === MSG_ATTRIBUTE_INFO) {
      // version, flags, [max creation index], fractal heap address, name index B-tree address, …
      const flags = m.data[1] ?? 0;
      const heap = r.addr(m.data, 2 + (flags & 1 ? 2 : 0));
      if (heap !== undefined) throw new Unsupported('root attributes are in dense storage (fractal heap)');
      continue;
    }
    if (m.type !== MSG_ATTRIBUTE) continue;
    if (m.flags & 0x02) throw new Unsupported('a root attribute is a shared message');
    const attr = parseAttribute(r, m);
    if (attr && CONFIG_ATTRIBUTES.has(attr.name)) {
      for (const text of attr.values) out.configs.push({ name: attr.name, text, at: m.at });
    }
  }
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

function parseAttribute(r: Reader, m: Message): { name: string; values: string[] } | undefined {
  const d = m.data;
  if (d.length < 8) throw formatError('attribute message too short', m.at);
  const version = d[0]!;
  const flags = version === 1 ? 0 : d[1]!;
  const nameSize = d.readUInt16LE(2);
  const dtSize = d.readUInt16LE(4);
  const dsSize = d.readUInt16LE(6);
  let p: number;
  let sizes: [number, number, number];
  if (version === 1) {
    p = 8;
    sizes = [pad8(nameSize), pad8(dtSize), pad8(dsSize)];
  } else if (version === 2 || version === 3) {
    p = version === 3 ? 9 : 8;
    sizes = [nameSize, dtSize, dsSize];
  } else {
    throw formatError(`attribute message version ${version}`, m.at);
  }
  const nameAt = p;
  const dtAt = nameAt + sizes[0];
  const dsAt = dtAt + sizes[1];
  const dataAt = dsAt + sizes[2];
  if (dataAt > d.length) throw formatError('attribute fields run past the message', m.at);
  const name = decodeUtf8(d.subarray(nameAt, nameAt + nameSize), 'attribute name', m.at).replace(/\0+$/, '');
  if (!CONFIG_ATTRIBUTES.has(name)) return { name, values: [] };
  if (flags & 0x03) throw new Unsupported(`attribute ${name} uses a shared datatype or dataspace`);
  const dt = d.subarray(dtAt, dtAt + dtSize);
  const ds = d.subarray(dsAt, dsAt + dsSize);
  const data = d.subarray(dataAt);
  const n = elementCount(r, ds, m.at);
  const cls = (dt[0] ?? 0) & 0x0f;
  const size = dt.length >= 8 ? dt.readUInt32LE(4) : 0;
  const values: string[] = [];
  if (cls === 3) {
    if (size * n > data.length) throw formatError(`attribute ${name} data is shorter than its ${n} × ${size}-byte strings`, m.at);
    for (let i = 0; i < n; i++) values.push(decodeUtf8(data.subarray(i * size, (i + 1) * size), `attribute ${name}`, m.at).replace(/[\0 ]+$/, ''));
  } else if (cls === 9 && ((dt[1] ?? 0) & 0x0f) === 1) {
    const item = 4 + r.o + 4;
    if (item * n > data.length) throw formatError(`attribute ${name} data is shorter than its ${n} variable-length strings`, m.at);
    for (let i = 0; i < n; i++) {
      const len = data.readUInt32LE(i * item);
      const collection = r.addr(data, i * item + 4);
      const index = data.readUInt32LE(i * item + 4 + r.o);
      if (collection === undefined || len === 0) continue;
      values.push(decodeUtf8(globalHeapObject(r, collection, index, len), `attribute ${name}`, collection));
    }
  }
  return { name, values };
}

function elementCount(r: Reader, ds: Buffer, at: number): number {
  const version = ds[0];
  const rank = ds[1] ?? 0;
  let dimsAt: number;
  if (version === 1) dimsAt = 8;
  else if (version === 2) {
    if (ds[3] === 0) return 1; // scalar
    if (ds[3] === 2) return 0; // null
    dimsAt = 4;
  } else throw formatError(`dataspace version ${version}`, at);
  let n = 1;
  for (let i = 0; i < rank; i++) {
    n *= r.len(ds, dimsAt + i * r.l);
    if (n > MAX_ELEMENTS) return MAX_ELEMENTS;
  }
  return n;
}

/** Object `index` of the global heap collection at `addr`, at most `len` bytes of it. */
function globalHeapObject(r: Reader, addr: number, index: number, len: number): Buffer {
  if (len > r.ctx.limits.maxMetadataBytes) throw new ScanAbort('limit', `HDF5 string of ${len} bytes exceeds the metadata limit`, r.ctx.member);
  const head = r.bytes(addr, 8 + r.l);
  if (head.subarray(0, 4).toString('latin1') !== 'GCOL') throw formatError('global heap collection without GCOL signature', addr);
  const size = r.len(head, 8);
  const end = addr + size;
  let p = addr + 8 + r.l;
  for (let steps = 0; p + 8 + r.l <= end; steps++) {
    if (steps % 4096 === 4095) r.ctx.checkDeadline();
    const h = r.bytes(p, 8 + r.l);
    const idx = h.readUInt16LE(0);
    const objSize = r.len(h, 8);
    if (idx === 0) break; // free space: the rest of the collection
    if (idx === index) {
      if (objSize < len) throw formatError(`global heap object ${index} is shorter than its reference`, p);
      return r.bytes(p + 8 + r.l, len);
    }
    p += 8 + r.l + pad8(objSize);
  }
  throw formatError(`global heap object ${index} not found`, addr);
}

/** Byte ranges of JSON objects that start like a Keras config, found by scanning the file in windows. */
function patternScan(src: ByteSource, ctx: ScanContext): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  const maxLen = Math.min(ctx.limits.maxMetadataBytes, 64 * 1024 * 1024);
  const overlap = Math.max(...NEEDLES.map((n) => n.length));
  let skipUntil = 0;
  let tried = 0;
  for (let pos = 0; pos < src.size; pos += WINDOW - overlap) {
    ctx.checkDeadline();
    const buf = src.read(pos, WINDOW);
    const hits: number[] = [];
    for (const needle of NEEDLES) for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) hits.push(pos + i);
    hits.sort((a, b) => a - b);
    for (const at of hits) {
      if (at < skipUntil) continue;
      if (++tried > MAX_CANDIDATES) return out;
      const end = balancedEnd(src, at, maxLen, ctx);
      if (end < 0) {
        // Ran to the length limit or the end of the file: later starts inside that stretch would too.
        skipUntil = -end;
        continue;
      }
      if (end === 0) continue;
      out.push({ text: src.read(at, end - at).toString('utf8'), at });
      skipUntil = end;
      if (out.length >= 64) return out;
    }
    if (buf.length < WINDOW) break;
  }
  return out;
}

/**
 * End (exclusive) of the JSON object starting at `at`; 0 when a byte no JSON text has (NUL, a control character in
 * a string) shows it is not one; minus the position reached when it does not close within `maxLen` bytes or the file.
 */
function balancedEnd(src: ByteSource, at: number, maxLen: number, ctx: ScanContext): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let pos = at; pos < at + maxLen && pos < src.size; pos += WINDOW) {
    const buf = src.read(pos, Math.min(WINDOW, at + maxLen - pos));
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        else if (c < 0x20) return 0;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return pos + i + 1;
      } else if (c === 0) return 0;
    }
    ctx.checkDeadline();
  }
  return -Math.min(at + maxLen, src.size);
}
