// ZIP structure, read the way the loaders read it: the end-of-central-directory record found from the end (Python's
// zipfile and miniz, which PyTorch uses, both take the last one), ZIP64 records, the central directory, and for each
// entry the local header, whose own name and extra lengths give the data offset. When the central directory is
// missing or broken, the local headers can be walked from the start instead.
import type { ByteSource } from '../source.js';

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_DESCRIPTOR = 0x08074b50;

export const FLAG_ENCRYPTED = 0x1;
export const FLAG_DESCRIPTOR = 0x8;
export const FLAG_PATCHED = 0x20;
export const FLAG_STRONG_ENCRYPTION = 0x40;
export const FLAG_UTF8 = 0x800;
/** Flag bits a loader may refuse (Python's zipfile does for 0x20 and 0x40) or that no writer sets. */
export const FLAGS_UNUSUAL = 0x20 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

const MAX_COMMENT = 0xffff;
const EOCD_SIZE = 22;

export interface ZipEntry {
  /** Name from the central directory (or the local header when walking local headers). */
  name: string;
  /** Name from the local header, when it could be read. */
  localName?: string;
  flags: number;
  localFlags?: number;
  method: number;
  localMethod?: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Absolute offset of the local header. */
  localOffset: number;
  /** Absolute offset of the data (after the local header's name and extra field). */
  dataOffset?: number;
  /** Why the local header could not be used. */
  localProblem?: string;
  /** Sizes are not known (a data descriptor entry found by walking local headers, before its end was found). */
  sizeUnknown?: boolean;
}

export interface CentralDirectory {
  entries: ZipEntry[];
  /** Entries the end record promises (may exceed entries.length when the limit stopped us). */
  declaredEntries: number;
  /** Bytes before the archive proper (Python's zipfile adds them to every offset). */
  prefix: number;
  zip64: boolean;
  /** The listing was cut at maxEntries. */
  limited: boolean;
  /** Why the listing ended early, if it did (then entries holds what came before). */
  problem?: string;
  /** Where the central directory starts. */
  offset: number;
}

export interface EndRecord {
  at: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
  zip64: boolean;
}

/** Candidate end records, last first (the one loaders use comes first). */
export function findEndRecords(src: ByteSource): EndRecord[] {
  const tailLen = Math.min(src.size, MAX_COMMENT + EOCD_SIZE);
  const tailStart = src.size - tailLen;
  const tail = src.read(tailStart, tailLen);
  const out: EndRecord[] = [];
  for (let i = tail.length - EOCD_SIZE; i >= 0 && out.length < 4; i--) {
    if (tail[i] !== 0x50 || tail[i + 1] !== 0x4b || tail[i + 2] !== 0x05 || tail[i + 3] !== 0x06) continue;
    const at = tailStart + i;
    let rec: EndRecord = { at, entries: tail.readUInt16LE(i + 10), cdSize: tail.readUInt32LE(i + 12), cdOffset: tail.readUInt32LE(i + 16), zip64: false };
    const z64 = readZip64End(src, at);
    if (z64) rec = z64;
    out.push(rec);
  }
  return out;
}

function readZip64End(src: ByteSource, eocdAt: number): EndRecord | undefined {
  if (eocdAt < 20) return undefined;
  const loc = src.read(eocdAt - 20, 20);
  if (loc.length < 20 || loc.readUInt32LE(0) !== SIG_ZIP64_LOCATOR) return undefined;
  const candidates = [Number(loc.readBigUInt64LE(8)), eocdAt - 20 - 56];
  for (const at of candidates) {
    if (!Number.isSafeInteger(at) || at < 0 || at + 56 > src.size) continue;
    const r = src.read(at, 56);
    if (r.readUInt32LE(0) !== SIG_ZIP64_EOCD) continue;
    const entries = Number(r.readBigUInt64LE(32));
    const cdSize = Number(r.readBigUInt64LE(40));
    const cdOffset = Number(r.readBigUInt64LE(48));
    if (![entries, cdSize, cdOffset].every(Number.isSafeInteger)) continue;
    return { at, entries, cdSize, cdOffset, zip64: true };
  }
  return undefined;
}

/**
 * Reads the central directory named by `end`, at `cdOffset + prefix`. Stops at `maxEntries` (limited) or at the
 * first record that is not a central header (problem).
 */
export function readCentralDirectory(src: ByteSource, end: EndRecord, prefix: number, maxEntries: number, tick?: () => void): CentralDirectory | undefined {
  const start = end.cdOffset + prefix;
  if (start < 0 || start + 4 > src.size) return undefined;
  if (src.read(start, 4).readUInt32LE(0) !== SIG_CENTRAL) {
    // An empty archive has no central header at all.
    if (end.entries === 0) return { entries: [], declaredEntries: 0, prefix, zip64: end.zip64, limited: false, offset: start };
    return undefined;
  }
  const entries: ZipEntry[] = [];
  const cd: CentralDirectory = { entries, declaredEntries: end.entries, prefix, zip64: end.zip64, limited: false, offset: start };
  let pos = start;
  const WINDOW = 1 << 20;
  let win: Buffer = Buffer.alloc(0);
  let winStart = 0;
  const view = (at: number, n: number): Buffer | undefined => {
    if (at < winStart || at + n > winStart + win.length) {
      win = src.read(at, Math.max(n, WINDOW));
      winStart = at;
    }
    return at + n <= winStart + win.length ? win.subarray(at - winStart, at - winStart + n) : undefined;
  };
  for (let i = 0; ; i++) {
    if ((i & 4095) === 4095) tick?.();
    const h = view(pos, 46);
    if (!h || h.readUInt32LE(0) !== SIG_CENTRAL) {
      if (i < end.entries) cd.problem = h ? `entry ${i} of the central directory has a bad signature` : `the central directory ends after ${i} entries`;
      break;
    }
    if (i >= maxEntries) {
      cd.limited = true;
      break;
    }
    const nameLen = h.readUInt16LE(28);
    const extraLen = h.readUInt16LE(30);
    const commentLen = h.readUInt16LE(32);
    const flags = h.readUInt16LE(8);
    const entry: ZipEntry = {
      name: '',
      flags,
      method: h.readUInt16LE(10),
      crc: h.readUInt32LE(16),
      compressedSize: h.readUInt32LE(20),
      size: h.readUInt32LE(24),
      localOffset: h.readUInt32LE(42),
    };
    const rest = view(pos + 46, nameLen + extraLen);
    if (!rest) {
      cd.problem = `entry ${i} of the central directory is cut short`;
      break;
    }
    entry.name = decodeName(rest.subarray(0, nameLen), flags);
    applyZip64Extra(entry, rest.subarray(nameLen, nameLen + extraLen));
    entry.localOffset += prefix;
    entries.push(entry);
    pos += 46 + nameLen + extraLen + commentLen;
    // Python stops when the declared directory size is used up; miniz when the count is reached.
    if (i + 1 >= end.entries && pos - start >= end.cdSize) break;
  }
  return cd;
}

function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    const body = extra.subarray(p + 4, p + 4 + len);
    if (id === 0x0001) {
      let q = 0;
      const next = (): number | undefined => {
        if (q + 8 > body.length) return undefined;
        const v = Number(body.readBigUInt64LE(q));
        q += 8;
        return Number.isSafeInteger(v) ? v : undefined;
      };
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localOffset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
      return;
    }
    p += 4 + len;
  }
}

/** Reads the local header of `entry`: the data offset, and the local name, flags and method to compare. */
export function readLocalHeader(src: ByteSource, entry: ZipEntry): void {
  const h = src.read(entry.localOffset, 30);
  if (h.length < 30) {
    entry.localProblem = `local header at byte ${entry.localOffset} is past the end of the file`;
    return;
  }
  if (h.readUInt32LE(0) !== SIG_LOCAL) {
    entry.localProblem = `no local header at byte ${entry.localOffset}`;
    return;
  }
  const nameLen = h.readUInt16LE(26);
  const extraLen = h.readUInt16LE(28);
  const flags = h.readUInt16LE(6);
  entry.localFlags = flags;
  entry.localMethod = h.readUInt16LE(8);
  entry.localName = decodeName(src.read(entry.localOffset + 30, nameLen), flags);
  entry.dataOffset = entry.localOffset + 30 + nameLen + extraLen;
}

export interface LocalWalk {
  entries: ZipEntry[];
  /** Where the walk stopped. */
  end: number;
  /** Why it stopped, unless at a central header, an end record or the end of the file. */
  problem?: string;
  limited: boolean;
}

/**
 * Walks local headers from `start` (the fallback when the central directory is unusable). Entries with a data
 * descriptor and no sizes are delimited by `findEnd`, which returns the compressed length (for deflate, by
 * inflating) or undefined when it cannot tell.
 */
export async function walkLocalHeaders(
  src: ByteSource,
  start: number,
  maxEntries: number,
  findEnd: (entry: ZipEntry) => Promise<number | undefined>,
  tick?: () => void,
): Promise<LocalWalk> {
  const entries: ZipEntry[] = [];
  let pos = start;
  for (let i = 0; ; i++) {
    if ((i & 1023) === 1023) tick?.();
    const h = src.read(pos, 30);
    if (h.length < 4) return { entries, end: pos, limited: false };
    const sig = h.readUInt32LE(0);
    if (sig === SIG_CENTRAL || sig === SIG_EOCD || sig === SIG_ZIP64_EOCD) return { entries, end: pos, limited: false };
    if (sig !== SIG_LOCAL) return { entries, end: pos, limited: false, problem: `no local header at byte ${pos}` };
    if (h.length < 30) return { entries, end: pos, limited: false, problem: `local header at byte ${pos} is cut short` };
    if (i >= maxEntries) return { entries, end: pos, limited: true };
    const flags = h.readUInt16LE(6);
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    const nameBuf = src.read(pos + 30, nameLen);
    const extra = src.read(pos + 30 + nameLen, extraLen);
    const entry: ZipEntry = {
      name: decodeName(nameBuf, flags),
      flags,
      localFlags: flags,
      method: h.readUInt16LE(8),
      crc: h.readUInt32LE(14),
      compressedSize: h.readUInt32LE(18),
      size: h.readUInt32LE(22),
      localOffset: pos,
      dataOffset: pos + 30 + nameLen + extraLen,
    };
    entry.localName = entry.name;
    entry.localMethod = entry.method;
    applyZip64Extra(entry, extra);
    if (entry.dataOffset! > src.size) {
      entries.push(entry);
      return { entries, end: src.size, limited: false, problem: `local header at byte ${pos} runs past the end of the file` };
    }
    let next: number;
    if (flags & FLAG_DESCRIPTOR && entry.compressedSize === 0) {
      const len = await findEnd(entry);
      if (len === undefined) {
        entry.sizeUnknown = true;
        entry.compressedSize = src.size - entry.dataOffset!;
        entries.push(entry);
        return { entries, end: src.size, limited: false, problem: `could not find where entry ${JSON.stringify(entry.name)} ends` };
      }
      entry.compressedSize = len;
      next = entry.dataOffset! + len;
      next += descriptorLength(src, next, entry);
    } else {
      next = entry.dataOffset! + entry.compressedSize;
      if (flags & FLAG_DESCRIPTOR) next += descriptorLength(src, next, entry);
    }
    entries.push(entry);
    if (next > src.size) return { entries, end: src.size, limited: false, problem: `entry ${JSON.stringify(entry.name)} runs past the end of the file` };
    pos = next;
  }
}

/** Length of the data descriptor at `at` (with or without its signature, 32- or 64-bit sizes); fills in sizes. */
function descriptorLength(src: ByteSource, at: number, entry: ZipEntry): number {
  const d = src.read(at, 24);
  const sig = d.length >= 4 && d.readUInt32LE(0) === SIG_DESCRIPTOR;
  const o = sig ? 4 : 0;
  if (d.length < o + 12) return d.length;
  const crc = d.readUInt32LE(o);
  const c32 = d.readUInt32LE(o + 4);
  if (c32 === entry.compressedSize) {
    entry.crc = crc;
    entry.size = d.readUInt32LE(o + 8);
    return o + 12;
  }
  if (d.length >= o + 20 && Number(d.readBigUInt64LE(o + 4)) === entry.compressedSize) {
    entry.crc = crc;
    entry.size = Number(d.readBigUInt64LE(o + 12));
    return o + 20;
  }
  return o + 12;
}

/**
 * For a stored entry with a data descriptor and no sizes: the distance to the first descriptor whose compressed
 * size matches it, searching at most `limit` bytes.
 */
export function findStoredEnd(src: ByteSource, dataOffset: number, limit: number): number | undefined {
  const CHUNK = 1 << 20;
  const end = Math.min(src.size, dataOffset + limit);
  for (let base = dataOffset; base < end; base += CHUNK - 16) {
    const buf = src.read(base, Math.min(CHUNK, end - base + 24));
    let i = buf.indexOf('PK\x07\x08', 0, 'latin1');
    while (i >= 0) {
      const len = base + i - dataOffset;
      if (i + 12 <= buf.length) {
        const c32 = buf.readUInt32LE(i + 8);
        if (c32 === len) return len;
        if (i + 16 <= buf.length && Number(buf.readBigUInt64LE(i + 8)) === len) return len;
      }
      i = buf.indexOf('PK\x07\x08', i + 1, 'latin1');
    }
    if (buf.length < CHUNK) break;
  }
  return undefined;
}

/** Decodes a member name: UTF-8 when flagged or valid, else Latin-1 (CP437 differs only in symbols we never match). */
export function decodeName(b: Buffer, flags: number): string {
  if (flags & FLAG_UTF8) return b.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return b.toString('latin1');
  }
}
