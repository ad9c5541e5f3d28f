// Random-access byte sources for the scanners: a file read piece by piece (never whole), a buffer, a slice of either,
// and a sequential cursor with a read window for parsers that walk a stream (pickle, tar, protobuf).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { BulwarkError } from '../core/errors.js';

export interface ByteSource {
  /** Length in bytes. */
  readonly size: number;
  /**
   * Bytes [offset, offset + length) clipped to the end of the source: a short (possibly empty) buffer means the
   * end was reached. The returned buffer may share memory with the source: copy it before keeping it.
   */
  read(offset: number, length: number): Buffer;
}

/** An in-memory source (decompressed members, test inputs). */
export class BufferSource implements ByteSource {
  readonly size: number;
  constructor(private readonly buf: Buffer) {
    this.size = buf.length;
  }
  read(offset: number, length: number): Buffer {
    if (offset >= this.size || length <= 0) return Buffer.alloc(0);
    return this.buf.subarray(offset, Math.min(this.size, offset + length));
  }
}

/** A window [start, start + size) of another source (a stored zip member, a tensor-free region). */
export class SliceSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly parent: ByteSource,
    private readonly start: number,
    size: number,
  ) {
    if (start < 0 || size < 0) throw new TypeError('SliceSource: negative start or size');
    this.size = Math.max(0, Math.min(size, parent.size - start));
  }
  read(offset: number, length: number): Buffer {
    if (offset >= this.size || length <= 0) return Buffer.alloc(0);
    return this.parent.read(this.start + offset, Math.min(length, this.size - offset));
  }
}

/** A file on disk, read with positioned synchronous reads; memory stays bounded by what callers ask for. */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new BulwarkError('ERR_IO', `cannot open ${path}: ${(e as Error).message}`, { context: { path }, cause: e });
    }
  }

  read(offset: number, length: number): Buffer {
    if (this.fd === undefined) throw new TypeError('FileSource: read after close');
    if (offset >= this.size || length <= 0) return Buffer.alloc(0);
    const n = Math.min(length, this.size - offset);
    const buf = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const got = readSync(this.fd, buf, done, n - done, offset + done);
      if (got === 0) break; // the file shrank while we read it
      done += got;
    }
    return done === n ? buf : buf.subarray(0, done);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Thrown by a cursor that needs more bytes than the source has: the stream is truncated at `offset`. */
export class EndOfSource extends BulwarkError {
  constructor(readonly offset: number, wanted: number) {
    super('ERR_SCAN_FORMAT', `unexpected end of data at byte ${offset} (needed ${wanted} more)`, { context: { offset } });
  }
}

/**
 * Sequential reader over a source with a read window (default 1 MiB), so a parser can ask for one byte at a time
 * without a system call per byte, and skip large payloads without reading them.
 */
export class ByteCursor {
  private win: Buffer = Buffer.alloc(0);
  private winStart = 0;
  /** Absolute position of the next byte. */
  pos: number;

  constructor(
    readonly src: ByteSource,
    start = 0,
    private readonly windowSize = 1 << 20,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return Math.max(0, this.src.size - this.pos);
  }

  get atEnd(): boolean {
    return this.pos >= this.src.size;
  }

  private fill(n: number): void {
    const rel = this.pos - this.winStart;
    if (rel >= 0 && rel + n <= this.win.length) return;
    this.win = this.src.read(this.pos, Math.max(n, this.windowSize));
    this.winStart = this.pos;
    if (this.win.length < n) throw new EndOfSource(this.pos + this.win.length, n - this.win.length);
  }

  u8(): number {
    const rel = this.pos - this.winStart;
    if (rel >= 0 && rel < this.win.length) {
      this.pos++;
      return this.win[rel]!;
    }
    this.fill(1);
    return this.win[this.pos++ - this.winStart]!;
  }

  /** `n` bytes as a view (valid until the next read); throws EndOfSource when fewer remain. */
  bytes(n: number): Buffer {
    if (n < 0) throw new TypeError('ByteCursor.bytes: negative length');
    if (n > this.windowSize * 16) {
      // Large reads bypass the window; callers are expected to bound n themselves.
      const b = this.src.read(this.pos, n);
      if (b.length < n) throw new EndOfSource(this.pos + b.length, n - b.length);
      this.pos += n;
      return b;
    }
    this.fill(n);
    const rel = this.pos - this.winStart;
    this.pos += n;
    return this.win.subarray(rel, rel + n);
  }

  /** Skips `n` bytes without reading them; throws EndOfSource when the source ends first. */
  skip(n: number): void {
    if (n < 0) throw new TypeError('ByteCursor.skip: negative length');
    if (this.pos + n > this.src.size) {
      const at = this.src.size;
      const missing = this.pos + n - at;
      this.pos = at;
      throw new EndOfSource(at, missing);
    }
    this.pos += n;
  }

  u16le(): number {
    const b = this.bytes(2);
    return b.readUInt16LE(0);
  }

  u32le(): number {
    const b = this.bytes(4);
    return b.readUInt32LE(0);
  }

  i32le(): number {
    const b = this.bytes(4);
    return b.readInt32LE(0);
  }

  /** Unsigned 64-bit little-endian as a number; throws ERR_SCAN_FORMAT above 2^53. */
  u64le(): number {
    const b = this.bytes(8);
    const v = b.readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new BulwarkError('ERR_SCAN_FORMAT', `64-bit length ${v} at byte ${this.pos - 8} is not plausible`, { context: { offset: this.pos - 8 } });
    }
    return Number(v);
  }

  /** Bytes up to and excluding the next `\n` (consumed), at most `max` bytes; throws when none is found in time. */
  line(max: number): Buffer {
    const start = this.pos;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      this.fill(1);
      const rel = this.pos - this.winStart;
      const view = this.win.subarray(rel, Math.min(this.win.length, rel + (max + 1 - total)));
      const nl = view.indexOf(10);
      if (nl >= 0) {
        chunks.push(view.subarray(0, nl));
        this.pos += nl + 1;
        return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      }
      chunks.push(Buffer.from(view));
      total += view.length;
      this.pos += view.length;
      if (total > max) {
        throw new BulwarkError('ERR_SCAN_FORMAT', `line starting at byte ${start} is longer than ${max} bytes`, { context: { offset: start } });
      }
    }
  }
}
