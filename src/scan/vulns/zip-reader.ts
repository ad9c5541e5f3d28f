// A small reader for the advisory archives OSV publishes (`<ecosystem>/all.zip`): central directory (with Zip64),
// stored or deflated members, CRC checked; members are read one at a time through a window, never the whole file.
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { BulwarkError } from '../../core/errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** Entries listed in the central directory. */
  maxEntries: number;
  /** Bytes of the central directory. */
  maxDirectoryBytes: number;
}

const DEFAULTS: ZipLimits = { maxEntries: 4_000_000, maxDirectoryBytes: 256 * 1024 * 1024 };
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const WINDOW = 4 * 1024 * 1024;

export class ZipArchive {
  private window: { offset: number; bytes: Buffer } = { offset: 0, bytes: Buffer.alloc(0) };

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly size: number,
    readonly entries: readonly ZipEntry[],
  ) {}

  /** Opens and lists an archive; throws ERR_ADVISORIES when it is not a readable zip. */
  static async open(path: string, limits: Partial<ZipLimits> = {}): Promise<ZipArchive> {
    const bounds = { ...DEFAULTS, ...limits };
    const handle = await open(path, 'r').catch((e: unknown) => {
      throw new BulwarkError('ERR_ADVISORIES', `cannot open ${path}: ${(e as Error).message}`, { context: { path }, cause: e });
    });
    try {
      const size = (await handle.stat()).size;
      const entries = await readDirectory(handle, path, size, bounds);
      return new ZipArchive(handle, path, size, entries);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** The member's bytes, inflated and CRC-checked; throws ERR_ADVISORIES when it is larger than `maxBytes` or damaged. */
  async read(entry: ZipEntry, maxBytes: number): Promise<Buffer> {
    const fail = (why: string) => new BulwarkError('ERR_ADVISORIES', `${this.path}: member ${entry.name}: ${why}`, { context: { path: this.path, member: entry.name } });
    if (entry.flags & 1) throw fail('encrypted');
    if (entry.uncompressedSize > maxBytes) throw fail(`${entry.uncompressedSize} bytes, over the ${maxBytes}-byte limit`);
    // Deflate never grows data by more than a few bytes per 16 KiB block: a larger compressed size is a lie.
    if (entry.compressedSize > maxBytes + 1024 + maxBytes / 1024) throw fail(`${entry.compressedSize} compressed bytes, over the ${maxBytes}-byte limit`);
    const header = await this.bytes(entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw fail('no local header');
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.size) throw fail('data runs past the end of the archive');
    const data = await this.bytes(start, entry.compressedSize);
    let out: Buffer;
    if (entry.method === 0) out = data;
    else if (entry.method === 8) {
      try {
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
      } catch (e) {
        throw fail(`cannot inflate: ${(e as Error).message}`);
      }
    } else throw fail(`unsupported compression method ${entry.method}`);
    if (out.length !== entry.uncompressedSize) throw fail(`inflates to ${out.length} bytes, the directory says ${entry.uncompressedSize}`);
    if (crc32(out) !== entry.crc32) throw fail('CRC mismatch');
    return out;
  }

  /** Reads through a window so that members read in file order cost one system call per few megabytes. */
  private async bytes(offset: number, length: number): Promise<Buffer> {
    const w = this.window;
    if (offset >= w.offset && offset + length <= w.offset + w.bytes.length) return w.bytes.subarray(offset - w.offset, offset - w.offset + length);
    if (length > WINDOW) return readAt(this.handle, offset, length);
    this.window = { offset, bytes: await readAt(this.handle, offset, Math.min(WINDOW, this.size - offset)) };
    return this.window.bytes.subarray(0, Math.min(length, this.window.bytes.length));
  }
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(Math.max(0, length));
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await handle.read(buf, done, buf.length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

async function readDirectory(handle: FileHandle, path: string, size: number, limits: ZipLimits): Promise<ZipEntry[]> {
  const fail = (why: string) => new BulwarkError('ERR_ADVISORIES', `${path} is not a readable zip archive: ${why}`, { context: { path } });
  if (size < EOCD_MIN) throw fail('too short');
  const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + EOCD_MIN + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw fail('no end-of-central-directory record');
  let count = tail.readUInt16LE(at + 10);
  let dirSize = tail.readUInt32LE(at + 12);
  let dirOffset = tail.readUInt32LE(at + 16);
  const locatorAt = at - 20;
  if (locatorAt >= 0 && tail.readUInt32LE(locatorAt) === ZIP64_LOCATOR) {
    const recordOffset = u64(tail, locatorAt + 8);
    const record = await readAt(handle, recordOffset, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw fail('bad Zip64 end-of-central-directory record');
    count = u64(record, 32);
    dirSize = u64(record, 40);
    dirOffset = u64(record, 48);
  }
  if (count > limits.maxEntries) throw fail(`${count} entries, over the limit of ${limits.maxEntries}`);
  if (dirSize > limits.maxDirectoryBytes) throw fail(`central directory of ${dirSize} bytes, over the limit`);
  if (dirOffset + dirSize > size) throw fail('central directory runs past the end of the file');
  const dir = await readAt(handle, dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw fail(`central directory entry ${n} is damaged`);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > dir.length) throw fail(`central directory entry ${n} runs past the directory`);
    const entry: ZipEntry = {
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      flags: dir.readUInt16LE(p + 8),
      method: dir.readUInt16LE(p + 10),
      crc32: dir.readUInt32LE(p + 16),
      compressedSize: dir.readUInt32LE(p + 20),
      uncompressedSize: dir.readUInt32LE(p + 24),
      localHeaderOffset: dir.readUInt32LE(p + 42),
    };
    applyZip64(entry, dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    if (entry.localHeaderOffset + 30 > size) throw fail(`entry ${entry.name} starts past the end of the file`);
    entries.push(entry);
    p = end;
  }
  return entries.sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
}

/** The Zip64 extra field (id 1) carries, in this order, whichever of the sizes and offset are 0xFFFFFFFF. */
function applyZip64(entry: ZipEntry, extra: Buffer): void {
  const FULL = 0xffffffff;
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    const body = extra.subarray(p + 4, p + 4 + length);
    if (id === 1) {
      let q = 0;
      const next = () => {
        const v = q + 8 <= body.length ? u64(body, q) : undefined;
        q += 8;
        return v;
      };
      if (entry.uncompressedSize === FULL) entry.uncompressedSize = next() ?? FULL;
      if (entry.compressedSize === FULL) entry.compressedSize = next() ?? FULL;
      if (entry.localHeaderOffset === FULL) entry.localHeaderOffset = next() ?? FULL;
      return;
    }
    p += 4 + length;
  }
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}
