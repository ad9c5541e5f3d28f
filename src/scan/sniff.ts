// Content sniffing: which format a file or member is, from its first bytes (never from its name, which only breaks
// ties between formats that have no magic number, such as JSON and ONNX).
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import type { ScanFormat } from './types.js';

/** How many leading bytes callers should pass to sniffFormat. */
export const SNIFF_BYTES = 4096;

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const SEVENZIP_MAGIC = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const NUMPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const BZ2_BLOCK = Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
const BZ2_EOS = Buffer.from([0x17, 0x72, 0x45, 0x38, 0x50, 0x90]);
const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;

/**
 * The format of a file whose first bytes are `head` (up to SNIFF_BYTES) and whose total length is `size`.
 * `name` only breaks ties for formats without a magic number (`.json`, `.onnx`). Never throws.
 */
export function sniffFormat(head: Buffer, size: number, name?: string): ScanFormat {
  const lower = name?.toLowerCase() ?? '';
  if (isZipHead(head)) return 'zip';
  if (startsWith(head, SEVENZIP_MAGIC)) return '7z';
  if (isGzip(head)) return 'gzip';
  if (isBzip2(head)) return 'bz2';
  if (startsWith(head, XZ_MAGIC)) return 'xz';
  if (startsWith(head, NUMPY_MAGIC)) return 'numpy';
  if (isHdf5(head)) return 'hdf5';
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'GGUF') return 'gguf';
  if (isTar(head)) return 'tar';
  if (isSafetensors(head, size)) return 'safetensors';
  if (isZlib(head)) return 'zlib';
  if (isLzmaAlone(head)) return 'lzma';
  if (isOnnx(head, size, lower.endsWith('.onnx'))) return 'onnx';
  if (looksLikePickle(head, size)) return 'pickle';
  if (lower.endsWith('.json') && isJsonObjectStart(head)) return 'json';
  // A chat template kept beside the tokenizer (chat_template.jinja): the json scanner analyses it as a template.
  if (lower.endsWith('.jinja')) return 'json';
  return 'unknown';
}

/**
 * `zip` when `tail` (the last bytes of a file, up to 64 KiB + 22) holds a plausible end-of-central-directory record:
 * Python's zipfile (Keras, joblib, numpy's npz via zipfile) finds an archive from its end, so data prepended to a
 * zip hides it from a head-only sniff. PyTorch and numpy check the first bytes themselves.
 */
export function sniffTail(tail: Buffer, size: number): 'zip' | undefined {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] !== 0x50 || tail[i + 1] !== 0x4b || tail[i + 2] !== 0x05 || tail[i + 3] !== 0x06) continue;
    const commentLen = tail.readUInt16LE(i + 20);
    if (i + 22 + commentLen !== tail.length) continue;
    const cdSize = tail.readUInt32LE(i + 12);
    const cdOffset = tail.readUInt32LE(i + 16);
    const eocdAt = size - tail.length + i;
    if (cdOffset === 0xffffffff || cdSize === 0xffffffff) return 'zip'; // ZIP64: the locator says more
    if (cdOffset + cdSize <= eocdAt) return 'zip';
  }
  return undefined;
}

function startsWith(head: Buffer, magic: Buffer, at = 0): boolean {
  return head.length >= at + magic.length && head.subarray(at, at + magic.length).equals(magic);
}

function isZipHead(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0x50 || head[1] !== 0x4b) return false;
  const a = head[2];
  const b = head[3];
  // local header, empty archive (EOCD only), spanned-archive marker before the first local header
  return (a === 3 && b === 4) || (a === 5 && b === 6) || (a === 7 && b === 8);
}

function isGzip(head: Buffer): boolean {
  // ID1 ID2, CM = 8 (deflate), reserved FLG bits clear
  return head.length >= 10 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8 && (head[3]! & 0xe0) === 0;
}

function isBzip2(head: Buffer): boolean {
  if (head.length < 10 || head[0] !== 0x42 || head[1] !== 0x5a || head[2] !== 0x68) return false;
  const level = head[3]!;
  if (level < 0x31 || level > 0x39) return false;
  return startsWith(head, BZ2_BLOCK, 4) || startsWith(head, BZ2_EOS, 4);
}

function isHdf5(head: Buffer): boolean {
  // The superblock sits at 0 or after a user block of 512, 1024, 2048 … bytes.
  for (let at = 0; at + HDF5_MAGIC.length <= head.length; at = at === 0 ? 512 : at * 2) {
    if (startsWith(head, HDF5_MAGIC, at)) return true;
  }
  return false;
}

function isTar(head: Buffer): boolean {
  if (head.length < 512) return false;
  if (head.toString('latin1', 257, 262) === 'ustar') return tarChecksumOk(head);
  // Old (V7) headers carry no magic: require a name, an octal size and a matching checksum.
  if (head[0] === 0) return false;
  return tarChecksumOk(head) && /^[0-7 ]*\0?[ \0]*$/.test(head.toString('latin1', 124, 136));
}

/** The header checksum at 148..155 (octal) equals the byte sum of the header with that field read as spaces. */
export function tarChecksumOk(h: Buffer): boolean {
  if (h.length < 512) return false;
  const field = h.toString('latin1', 148, 156).replace(/[\0 ]+$/g, '').replace(/^ +/, '');
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  const want = parseInt(field, 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === want;
}

function isSafetensors(head: Buffer, size: number): boolean {
  if (head.length < 9) return false;
  const n = head.readBigUInt64LE(0);
  if (n < 2n || n > BigInt(MAX_SAFETENSORS_HEADER)) return false;
  return 8 + Number(n) <= size && head[8] === 0x7b;
}

function isZlib(head: Buffer): boolean {
  if (head.length < 3 || head[0] !== 0x78) return false;
  const flg = head[1]!;
  if (flg !== 0x01 && flg !== 0x5e && flg !== 0x9c && flg !== 0xda) return false;
  if (((head[2]! >> 1) & 3) === 3) return false; // reserved block type
  try {
    // A valid stream inflates without error as far as the head goes (a sync flush accepts a cut-off stream).
    inflateSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20 });
    return true;
  } catch (e) {
    return e instanceof RangeError; // more output than we asked for: a valid (if large) stream
  }
}

function isLzmaAlone(head: Buffer): boolean {
  // .lzma: properties byte (lc/lp/pb), dictionary size u32, uncompressed size u64 (or all ones), then the range
  // coder's first byte, which is always 0. Only the property bytes xz/lzma/7-Zip actually write are accepted.
  if (head.length < 14 || head[13] !== 0) return false;
  const props = head[0]!;
  if (props >= 9 * 5 * 5) return false;
  if (props !== 0x5d && props !== 0x5e && props !== 0x2c && props !== 0x5a) return false;
  const dict = head.readUInt32LE(1);
  if (dict < 4096 || dict > 0x60000000) return false;
  const pow = 31 - Math.clz32(dict);
  if (dict !== 2 ** pow && dict !== 2 ** pow + 2 ** (pow - 1)) return false;
  const lo = head.readUInt32LE(5);
  const hi = head.readUInt32LE(9);
  if (lo === 0xffffffff && hi === 0xffffffff) return true;
  return hi < 0x10000; // < 2^48 bytes
}

// ---------------------------------------------------------------------------------------------------------------
// ONNX: a protobuf ModelProto. It has no magic, so the first fields must be ModelProto fields with the right wire
// types and plausible values, and the first one must be ir_version unless the name says `.onnx`.

const ONNX_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], // ir_version: varint
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
]);

function isOnnx(head: Buffer, size: number, named: boolean): boolean {
  let pos = 0;
  let fields = 0;
  while (pos < head.length && fields < 6) {
    const tag = readVarint(head, pos);
    if (!tag) return false;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (ONNX_FIELDS.get(field) !== wire) return false;
    if (fields === 0 && field !== 1 && !named) return false;
    pos = tag.next;
    const v = readVarint(head, pos);
    if (!v) return pos >= head.length && fields > 0; // cut off by the head
    if (field === 1 && (v.value < 1 || v.value > 64)) return false;
    pos = v.next;
    if (wire === 2) {
      if (pos + v.value > size) return false;
      pos += v.value;
    }
    fields++;
  }
  return fields >= 2 || (fields === 1 && pos === size);
}

function readVarint(b: Buffer, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (pos + i >= b.length) return undefined;
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Pickle: no magic either. A protocol 2+ pickle starts with PROTO; protocol 0/1 pickles start with an ordinary
// opcode. We walk the first opcodes and accept the head when they are well-formed, which lets `cos\nsystem\n…`
// through while rejecting ordinary text.

/** How a pickle opcode's argument is laid out: none, a text line, two lines, fixed bytes, or a length prefix. */
export type PickleArg = 'none' | 'line' | 'int-line' | 'string-line' | 'global' | number | 'u8len' | 'u32len' | 'u64len' | 'frame';

/** Every pickle opcode (protocols 0–5) and the layout of its argument. */
export const PICKLE_OPCODES: ReadonlyMap<number, PickleArg> = new Map<number, PickleArg>([
  ...[...'(.012NRQ)]}abdelostu'].map((c) => [c.charCodeAt(0), 'none'] as [number, PickleArg]),
  ...[0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98].map((c) => [c, 'none'] as [number, PickleArg]),
  [0x49, 'int-line'], // I
  [0x4c, 'int-line'], // L
  [0x46, 'line'], // F
  [0x53, 'string-line'], // S
  [0x56, 'line'], // V
  [0x50, 'line'], // P
  [0x70, 'int-line'], // p
  [0x67, 'int-line'], // g
  [0x63, 'global'], // c
  [0x69, 'global'], // i
  [0x4b, 1], // K
  [0x4d, 2], // M
  [0x4a, 4], // J
  [0x47, 8], // G
  [0x71, 1], // q
  [0x72, 4], // r
  [0x68, 1], // h
  [0x6a, 4], // j
  [0x82, 1], // EXT1
  [0x83, 2], // EXT2
  [0x84, 4], // EXT4
  [0x80, 1], // PROTO
  [0x95, 'frame'],
  [0x55, 'u8len'], // U
  [0x43, 'u8len'], // C
  [0x8c, 'u8len'], // SHORT_BINUNICODE
  [0x8a, 'u8len'], // LONG1
  [0x54, 'u32len'], // T
  [0x58, 'u32len'], // X
  [0x42, 'u32len'], // B
  [0x8b, 'u32len'], // LONG4
  [0x8d, 'u64len'],
  [0x8e, 'u64len'],
  [0x96, 'u64len'],
]);

/** Opcodes a protocol 0/1 pickle can sensibly start with (no PROTO). */
const PROTO0_START = new Set([...'(c]})NIJKLMFGSVUTXP'].map((c) => c.charCodeAt(0)));
const IDENT_LINE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const INT_LINE = /^[-+]?[0-9]+L?$/;
const MAX_WALK = 8;

/** True when `head` starts like a pickle stream a Python unpickler would accept. */
export function looksLikePickle(head: Buffer, size: number): boolean {
  if (head.length === 0) return false;
  const first = head[0]!;
  if (first === 0x80) {
    if (head.length < 2 || head[1]! > 5) return false;
  } else if (!PROTO0_START.has(first)) {
    return false;
  }
  let pos = 0;
  // GLOBAL, INST or PROTO seen: a stream cut short after those is a truncated pickle (for the pickle scanner to
  // report), not some other kind of file.
  let strong = false;
  for (let n = 0; n < MAX_WALK; n++) {
    if (pos >= head.length) return true; // everything we could see was well-formed
    const op = head[pos]!;
    const arg = PICKLE_OPCODES.get(op);
    if (arg === undefined) return false;
    if (op === 0x2e) return n > 0; // STOP after at least one opcode
    const next = skipArg(head, pos + 1, arg, size);
    if (next === undefined) return false;
    if (next === 'cut') return true; // well-formed as far as the head goes
    if (next === 'past-end') return strong && n >= 2;
    if (arg === 'global' || op === 0x80) strong = true;
    pos = next;
  }
  return true;
}

function skipArg(b: Buffer, pos: number, arg: PickleArg, size: number): number | 'cut' | 'past-end' | undefined {
  // 'cut': the argument runs past the head but maybe not past the file, so it cannot be judged;
  // 'past-end': it runs past the end of the file (a truncated or corrupt stream)
  const cut = b.length < size ? 'cut' : 'past-end';
  if (typeof arg === 'number') return pos + arg <= b.length ? pos + arg : cut;
  switch (arg) {
    case 'none':
      return pos;
    case 'line':
    case 'int-line':
    case 'string-line': {
      const nl = b.indexOf(0x0a, pos);
      if (nl < 0) return cut;
      const line = b.toString('latin1', pos, nl);
      if (arg === 'int-line' && !INT_LINE.test(line)) return undefined;
      if (arg === 'string-line' && !/^(['"]).*\1$/.test(line)) return undefined;
      if (arg === 'line' && /[\0\r]/.test(line)) return undefined;
      return nl + 1;
    }
    case 'global': {
      const nl1 = b.indexOf(0x0a, pos);
      if (nl1 < 0) return b.length - pos <= 256 ? cut : undefined;
      if (nl1 - pos > 256 || !IDENT_LINE.test(b.toString('latin1', pos, nl1))) return undefined;
      const nl2 = b.indexOf(0x0a, nl1 + 1);
      if (nl2 < 0) return b.length - nl1 <= 257 ? cut : undefined;
      const name = b.subarray(nl1 + 1, nl2);
      if (name.length === 0 || name.length > 256 || !isNameText(name)) return undefined;
      return nl2 + 1;
    }
    case 'u8len': {
      if (pos >= b.length) return cut;
      const end = pos + 1 + b[pos]!;
      return end <= size ? end : 'past-end';
    }
    case 'u32len': {
      if (pos + 4 > b.length) return cut;
      const end = pos + 4 + b.readUInt32LE(pos);
      return end <= size ? end : 'past-end';
    }
    case 'u64len':
    case 'frame': {
      if (pos + 8 > b.length) return cut;
      const len = b.readBigUInt64LE(pos);
      if (len > BigInt(size)) return 'past-end';
      // A FRAME holds the opcodes that follow; the others carry a payload to skip.
      return arg === 'frame' ? pos + 8 : pos + 8 + Number(len);
    }
  }
}

/** Printable UTF-8 with no spaces or control characters (a Python dotted name, however exotic). */
function isNameText(b: Buffer): boolean {
  for (const c of b) if (c <= 0x20 || c === 0x7f) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

function isJsonObjectStart(head: Buffer): boolean {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b;
}
