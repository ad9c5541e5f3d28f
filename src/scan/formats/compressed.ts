// Single-stream compression wrappers (gzip, zlib, bzip2, xz, lzma — joblib's `compress=` formats among them):
// decompressed under a hard output cap, and the output scanned as a file of its own. A bomb stops at the cap and is an
// error; a corrupt or cut-off stream is an error too, but whatever came out before the break is still scanned.
import { crc32 } from 'node:zlib';
import { COMMON_RULES, TAGS_SUPPLY_CHAIN, defineRules } from '../rules.js';
import type { ScanContext } from '../context.js';
import { BufferSource, SliceSource, type ByteSource } from '../source.js';
import { sniffFormat, SNIFF_BYTES } from '../sniff.js';
import type { FormatScanner } from '../types.js';
import { inflateBounded } from './compressed-inflate.js';
import { ABORTED, SevenZip } from './sevenzip-engine.js';

export const COMPRESSED_RULES = defineRules(
  {
    'trailing-data': {
      verdict: 'info',
      severity: 'low',
      title: 'Data after the end of a compressed stream',
      help: 'Bytes follow the compressed stream. Decompressors stop before them, so a loader never sees them, but a reader that looks at the file from its end (a ZIP reader) may; when they look like a known format they were scanned as well.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'checksum-mismatch': {
      verdict: 'info',
      severity: 'low',
      title: 'Compressed stream checksum does not match',
      help: 'The CRC or Adler-32 stored after the stream differs from the decompressed data. Python checks it only after the data has been read, so a pickle inside is unpickled before the error; the content was scanned anyway.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'decoder-unavailable': {
      verdict: 'error',
      severity: 'medium',
      title: 'Decompressor unavailable',
      help: 'The 7-Zip WebAssembly module (package `7z-wasm`) that decompresses bzip2, xz, lzma and 7z could not be loaded, so the content was not checked. Reinstall Bulwark with its dependencies.',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'compressed',
);

/** What a decompression produced. */
export interface Decompressed {
  data: Buffer;
  /** The stream ended properly (no error, not cut at the cap). */
  complete: boolean;
}

function scanInflated(kind: 'gzip' | 'zlib', label: string): FormatScanner['scan'] {
  return async (src, ctx) => {
    const r = kind === 'gzip' ? await gunzip(src, ctx) : await unzlib(src, ctx);
    await ctx.scanNested(new BufferSource(r.data), r.name ?? label);
    if (r.trailingAt !== undefined) await scanTrailing(src, r.trailingAt, ctx);
  };
}

interface Unwrapped {
  data: Buffer;
  /** Original file name (gzip FNAME). */
  name?: string;
  /** Offset of bytes after the last stream that are neither another stream nor zero padding. */
  trailingAt?: number;
}

/**
 * Inflates the raw deflate data at `at` into at most the remaining budget, reporting a bomb, truncation or corruption;
 * returns the output and, when the stream ended properly, where its compressed bytes end.
 */
async function inflateAt(src: ByteSource, at: number, ctx: ScanContext, what: string): Promise<{ data: Buffer; end?: number }> {
  const budget = ctx.decompressBudget;
  const r = await inflateBounded(new SliceSource(src, at, src.size - at), 'raw', budget, () => ctx.checkDeadline());
  ctx.chargeDecompressed(r.data.length);
  if (r.overflow) {
    ctx.report(COMMON_RULES.limit, { message: `${what} decompresses past the remaining budget of ${budget} bytes (a decompression bomb?); the first ${r.data.length} bytes were scanned` });
    return { data: r.data };
  }
  if (!r.ended) {
    const rule = r.error === undefined || /unexpected end/i.test(r.error) ? COMMON_RULES.truncated : COMMON_RULES.malformed;
    ctx.report(rule, { message: `${what} is broken (${r.error ?? 'it stops before its end'}) after ${r.data.length} bytes of output; they were scanned`, offset: at + r.consumed });
    return { data: r.data };
  }
  return { data: r.data, end: at + r.consumed };
}

/** gzip, member after member (Python's gzip module reads them as one stream), checking each trailer. */
async function gunzip(src: ByteSource, ctx: ScanContext): Promise<Unwrapped> {
  const out: Buffer[] = [];
  let name: string | undefined;
  let pos = 0;
  for (let member = 0; ; member++) {
    ctx.checkDeadline();
    const header = gzipHeader(src, pos);
    if (!header) {
      if (member === 0) ctx.report(COMMON_RULES.malformed, { message: 'gzip header is invalid', offset: pos });
      else return { data: concat(out), ...(name === undefined ? {} : { name }), trailingAt: pos };
      return { data: concat(out) };
    }
    if (member === 0) name = header.name;
    const r = await inflateAt(src, header.dataStart, ctx, 'gzip stream');
    out.push(r.data);
    if (r.end === undefined) return { data: concat(out), ...(name === undefined ? {} : { name }) };
    const trailer = src.read(r.end, 8);
    if (trailer.length < 8) {
      ctx.report(COMMON_RULES.truncated, { message: 'gzip member ends without its CRC and size trailer', offset: r.end });
      return { data: concat(out), ...(name === undefined ? {} : { name }) };
    }
    if (trailer.readUInt32LE(0) !== crc32(r.data) >>> 0 || trailer.readUInt32LE(4) !== r.data.length % 2 ** 32) {
      ctx.report(COMPRESSED_RULES['checksum-mismatch'], { message: 'gzip member CRC or length does not match its content; scanned anyway', offset: r.end });
    }
    pos = r.end + 8;
    const next = src.read(pos, 2);
    if (next.length === 0) return { data: concat(out), ...(name === undefined ? {} : { name }) };
    if (next[0] !== 0x1f || next[1] !== 0x8b) return { data: concat(out), ...(name === undefined ? {} : { name }), trailingAt: pos };
  }
}

/** The header of the gzip member at `at`: where its deflate data starts and the FNAME field; undefined if invalid. */
function gzipHeader(src: ByteSource, at: number): { dataStart: number; name?: string } | undefined {
  const h = src.read(at, 64 * 1024 + 16);
  if (h.length < 10 || h[0] !== 0x1f || h[1] !== 0x8b || h[2] !== 8 || (h[3]! & 0xe0) !== 0) return undefined;
  const flg = h[3]!;
  let p = 10;
  let name: string | undefined;
  if (flg & 0x04) {
    if (p + 2 > h.length) return undefined;
    p += 2 + h.readUInt16LE(p);
  }
  for (const bit of [0x08, 0x10]) {
    if (!(flg & bit)) continue;
    const end = h.indexOf(0, p);
    if (end < 0) return undefined;
    if (bit === 0x08) {
      const n = h.toString('latin1', p, end).replace(/^.*[\\/]/, '');
      if (n.length > 0 && n.length <= 255 && /^[\x20-\x7e]+$/.test(n)) name = n;
    }
    p = end + 1;
  }
  if (flg & 0x02) p += 2;
  if (p > h.length) return undefined;
  return { dataStart: at + p, ...(name === undefined ? {} : { name }) };
}

/** zlib: a two-byte header, deflate data, an Adler-32 of the output. */
async function unzlib(src: ByteSource, ctx: ScanContext): Promise<Unwrapped> {
  const h = src.read(0, 2);
  if (h.length < 2 || (h[0]! & 0x0f) !== 8 || ((h[0]! << 8) | h[1]!) % 31 !== 0) {
    ctx.report(COMMON_RULES.malformed, { message: 'zlib header is invalid', offset: 0 });
    return { data: Buffer.alloc(0) };
  }
  if (h[1]! & 0x20) {
    ctx.report(COMMON_RULES.malformed, { message: 'zlib stream needs a preset dictionary, so it cannot be decompressed', offset: 1 });
    return { data: Buffer.alloc(0) };
  }
  const r = await inflateAt(src, 2, ctx, 'zlib stream');
  if (r.end === undefined) return { data: r.data };
  const check = src.read(r.end, 4);
  if (check.length < 4) {
    ctx.report(COMMON_RULES.truncated, { message: 'zlib stream ends without its Adler-32 check', offset: r.end });
    return { data: r.data };
  }
  if (check.readUInt32BE(0) !== adler32(r.data)) {
    ctx.report(COMPRESSED_RULES['checksum-mismatch'], { message: 'zlib Adler-32 check does not match the content; scanned anyway', offset: r.end });
  }
  const end = r.end + 4;
  return end < src.size ? { data: r.data, trailingAt: end } : { data: r.data };
}

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; ) {
    const stop = Math.min(b.length, i + 5552);
    for (; i < stop; i++) {
      a += b[i]!;
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Reports bytes after a compressed stream; scans them when they are something other than padding or junk. */
async function scanTrailing(src: ByteSource, at: number, ctx: ScanContext): Promise<void> {
  const len = src.size - at;
  const head = src.read(at, SNIFF_BYTES);
  if (head.every((b) => b === 0) && len <= SNIFF_BYTES) return; // tape-style zero padding
  ctx.report(COMPRESSED_RULES['trailing-data'], { message: `${len} bytes follow the end of the compressed stream`, offset: at });
  if (sniffFormat(head, len) !== 'unknown') await ctx.scanNested(new SliceSource(src, at, len), '<trailing data>');
}

export const gzipScanner: FormatScanner = { format: 'gzip', scan: scanInflated('gzip', '<gunzipped>') };
export const zlibScanner: FormatScanner = { format: 'zlib', scan: scanInflated('zlib', '<inflated>') };

/**
 * Decompresses a bzip2/xz/lzma stream (7-Zip `-t` type names) with 7-Zip, at most the remaining budget, reporting
 * what went wrong against the context (limit, truncation, corruption, or a missing decoder). Undefined only when
 * the decoder could not be loaded.
 */
export async function decompressWith7z(src: ByteSource, type: 'bzip2' | 'xz' | 'lzma', ctx: ScanContext, member?: string): Promise<Decompressed | undefined> {
  let z: SevenZip;
  try {
    z = await SevenZip.create();
  } catch (e) {
    ctx.report(COMPRESSED_RULES['decoder-unavailable'], { message: `cannot load 7z-wasm: ${(e as Error).message}`, ...(member === undefined ? {} : { member }) });
    return undefined;
  }
  const at = member === undefined ? {} : { member };
  const path = z.mount(src, 'stream');
  const budget = ctx.decompressBudget;
  const x = z.extract(path, type, budget, () => ctx.checkDeadline());
  const data = x.files.length === 1 ? x.files[0]!.data : Buffer.concat(x.files.map((f) => f.data));
  ctx.chargeDecompressed(data.length);
  const messages = [...x.stderr, ...x.stdout].join('\n');
  if (x.overCap) {
    ctx.report(COMMON_RULES.limit, { message: `${type} stream decompresses past the remaining budget of ${budget} bytes (a decompression bomb?); the first ${data.length} bytes were scanned`, ...at });
    return { data, complete: false };
  }
  if (x.exitCode === 0 && !/There are some data after the end of the payload data/i.test(messages)) return { data, complete: true };
  if (/some data after the end of the payload/i.test(messages) && x.exitCode <= 1) {
    ctx.report(COMPRESSED_RULES['trailing-data'], { message: `data follows the end of the ${type} stream`, ...at });
    return { data, complete: true };
  }
  const truncated = /Unexpected end of (data|archive)/i.test(messages);
  const what = summarise7zErrors(messages) ?? (x.exitCode === ABORTED ? '7-Zip aborted' : `7-Zip exit code ${x.exitCode}`);
  ctx.report(truncated ? COMMON_RULES.truncated : COMMON_RULES.malformed, { message: `${type} stream is broken (${what}) after ${data.length} bytes of output; they were scanned`, ...at });
  return { data, complete: false };
}

/** The first few distinct error lines 7-Zip printed, for a finding message. */
export function summarise7zErrors(messages: string): string | undefined {
  const lines = messages
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(ERROR|ERRORS|WARNING|WARNINGS)?:?\s*(Data Error|CRC Failed|Unexpected end|Headers Error|Unsupported|Can ?not open|Cannot open|Is not archive|There are some data|Can't allocate|Wrong password|Unconfirmed start)/i.test(l))
    .map((l) => l.replace(/^.*?:\s*/, '').replace(/\/in\d+\/stream/g, 'stream'));
  const uniq = [...new Set(lines)].slice(0, 3);
  return uniq.length > 0 ? uniq.join('; ') : undefined;
}

function scanWith7z(type: 'bzip2' | 'xz' | 'lzma', label: string): FormatScanner['scan'] {
  return async (src, ctx) => {
    const out = await decompressWith7z(src, type, ctx);
    if (out) await ctx.scanNested(new BufferSource(out.data), label);
  };
}

export const bz2Scanner: FormatScanner = { format: 'bz2', scan: scanWith7z('bzip2', '<bunzipped>') };
export const xzScanner: FormatScanner = { format: 'xz', scan: scanWith7z('xz', '<unxz>') };
export const lzmaScanner: FormatScanner = { format: 'lzma', scan: scanWith7z('lzma', '<unlzma>') };

/** Two sources one after the other (a rebuilt header in front of a slice of the archive). */
class ConcatSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly a: ByteSource,
    private readonly b: ByteSource,
  ) {
    this.size = a.size + b.size;
  }
  read(offset: number, length: number): Buffer {
    if (offset >= this.size || length <= 0) return Buffer.alloc(0);
    const end = Math.min(this.size, offset + length);
    if (end <= this.a.size) return this.a.read(offset, end - offset);
    if (offset >= this.a.size) return this.b.read(offset - this.a.size, end - offset);
    return Buffer.concat([this.a.read(offset, this.a.size - offset), this.b.read(0, end - this.a.size)]);
  }
}

const ZIP_BZIP2 = 12;
const ZIP_LZMA = 14;

/**
 * Decompresses a ZIP member stored with a method other than stored/deflate, when we can: bzip2 (12) and LZMA (14),
 * the two Python's zipfile also reads. Undefined for any other method (the caller reports it as unsupported).
 */
export async function decompressZipMethod(raw: ByteSource, method: number, declaredSize: number, ctx: ScanContext, member: string): Promise<Decompressed | undefined> {
  if (method === ZIP_BZIP2) return (await decompressWith7z(raw, 'bzip2', ctx, member)) ?? { data: Buffer.alloc(0), complete: false };
  if (method === ZIP_LZMA) {
    // ZIP's LZMA: version (2 bytes), properties length (2), properties, then a raw LZMA stream. Rebuilt as an
    // .lzma file: properties (5 bytes), uncompressed size (unknown: all ones), the stream.
    const h = raw.read(0, 4);
    if (h.length < 4) return { data: Buffer.alloc(0), complete: false };
    const propsLen = h.readUInt16LE(2);
    const props = raw.read(4, propsLen);
    if (propsLen !== 5 || props.length !== 5) {
      ctx.report(COMMON_RULES.malformed, { message: `ZIP LZMA member has ${propsLen} property bytes instead of 5`, member });
      return { data: Buffer.alloc(0), complete: false };
    }
    const header = Buffer.alloc(13, 0xff);
    props.copy(header, 0);
    if (Number.isSafeInteger(declaredSize)) header.writeBigUInt64LE(BigInt(declaredSize), 5);
    const stream = new ConcatSource(new BufferSource(header), new SliceSource(raw, 4 + propsLen, raw.size - 4 - propsLen));
    return (await decompressWith7z(stream, 'lzma', ctx, member)) ?? { data: Buffer.alloc(0), complete: false };
  }
  return undefined;
}
