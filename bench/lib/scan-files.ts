// Large model files for bench/scan.ts, written opcode by opcode and header by header as CPython's pickle and
// PyTorch's zip writer lay them out, streamed to disk so the benchmark itself never holds a gigabyte.
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const FRAME_TARGET = 64 * 1024;
const BATCH = 1000;

/** Buffers written to a file descriptor in large pieces. */
class Sink {
  private parts: Buffer[] = [];
  private pending = 0;
  written = 0;
  constructor(private readonly fd: number) {}
  push(b: Buffer): void {
    this.parts.push(b);
    this.pending += b.length;
    if (this.pending >= 8 << 20) this.flush();
  }
  flush(): void {
    if (this.pending === 0) return;
    const all = Buffer.concat(this.parts, this.pending);
    for (let off = 0; off < all.length; ) off += writeSync(this.fd, all, off);
    this.written += all.length;
    this.parts = [];
    this.pending = 0;
  }
}

/**
 * `pickle.dumps([i / 7 for i in range(count)], protocol)` for protocol 2 or 4, byte for byte as CPython writes it:
 * EMPTY_LIST, a memo put, then MARK + 1000 BINFLOATs + APPENDS per batch; protocol 4 cuts FRAMEs of about 64 KiB at
 * object boundaries. Returns the size in bytes. (Checked byte for byte against CPython 3.11.)
 */
export function writeFloatListPickle(path: string, count: number, protocol: 2 | 4): number {
  const fd = openSync(path, 'w');
  try {
    const sink = new Sink(fd);
    sink.push(Buffer.from([0x80, protocol]));
    let frame = Buffer.alloc(FRAME_TARGET + 64);
    let used = 0;
    const commit = () => {
      if (protocol === 4) {
        const head = Buffer.alloc(9);
        head[0] = 0x95;
        head.writeBigUInt64LE(BigInt(used), 1);
        sink.push(head);
      }
      sink.push(frame.subarray(0, used));
      frame = Buffer.alloc(FRAME_TARGET + 64);
      used = 0;
    };
    const op = (...bytes: number[]) => {
      for (const b of bytes) frame[used++] = b;
    };
    // EMPTY_LIST then MEMOIZE (protocol 4) or BINPUT 0 (protocol 2).
    if (protocol === 4) op(0x5d, 0x94);
    else op(0x5d, 0x71, 0x00);
    for (let start = 0; start < count; start += BATCH) {
      const n = Math.min(BATCH, count - start);
      // CPython's C pickler uses APPEND only for a list of one item; every other batch is MARK ... APPENDS.
      const single = count === 1;
      if (!single) op(0x28); // MARK
      for (let i = start; i < start + n; i++) {
        frame[used++] = 0x47; // BINFLOAT, big-endian double
        frame.writeDoubleBE(i / 7, used);
        used += 8;
        if (used >= FRAME_TARGET) commit();
      }
      op(single ? 0x61 : 0x65); // APPEND or APPENDS
    }
    op(0x2e); // STOP
    commit();
    sink.flush();
    return sink.written;
  } finally {
    closeSync(fd);
  }
}

/** data.pkl of `torch.save({'weight': torch.zeros(numel)})` (PyTorch ≥ 1.6 zip format, protocol 2). */
export function stateDictPickle(numel: number): Buffer {
  const parts: Buffer[] = [];
  const raw = (s: string) => parts.push(Buffer.from(s, 'latin1'));
  const unicode = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(Buffer.from('X'), len, b);
  };
  const binint = (n: number) => {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(n, 1);
    parts.push(b);
  };
  let memo = 0;
  const put = () => parts.push(Buffer.from([0x71, memo++])); // BINPUT
  raw('\x80\x02}');
  put();
  unicode('weight');
  put();
  raw('ctorch._utils\n_rebuild_tensor_v2\n');
  put();
  raw('((');
  unicode('storage');
  put();
  raw('ctorch\nFloatStorage\n');
  put();
  unicode('0');
  put();
  unicode('cpu');
  put();
  binint(numel);
  raw('t');
  put();
  raw('QK\x00'); // BINPERSID, storage offset 0
  binint(numel);
  raw('\x85'); // size (numel,)
  put();
  raw('K\x01\x85'); // stride (1,)
  put();
  raw('\x89ccollections\nOrderedDict\n'); // requires_grad False, backward hooks OrderedDict()
  put();
  raw(')R');
  put();
  raw('t');
  put();
  raw('R');
  put();
  raw('s.');
  return Buffer.concat(parts);
}

interface Member {
  name: string;
  size: number;
  crc: number;
  offset: number;
  extra: Buffer;
}

function localHeader(m: Member): Buffer {
  const name = Buffer.from(m.name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(0, 6); // flags
  h.writeUInt16LE(0, 8); // STORED
  h.writeUInt32LE(0, 10); // DOS time and date 0, as PyTorch writes
  h.writeUInt32LE(m.crc, 14);
  h.writeUInt32LE(m.size, 18);
  h.writeUInt32LE(m.size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(m.extra.length, 28);
  return Buffer.concat([h, name, m.extra]);
}

function centralHeader(m: Member): Buffer {
  const name = Buffer.from(m.name, 'utf8');
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt32LE(m.crc, 16);
  h.writeUInt32LE(m.size, 20);
  h.writeUInt32LE(m.size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(m.offset, 42);
  return Buffer.concat([h, name]);
}

/** Extra field that puts the member's data on a 64-byte boundary, as PyTorch's writer does (id "FB"). */
function alignment(offset: number, name: string): Buffer {
  const start = offset + 30 + Buffer.byteLength(name) + 4;
  const pad = (64 - (start % 64)) % 64;
  const b = Buffer.alloc(4 + pad);
  b.write('FB', 0, 'latin1');
  b.writeUInt16LE(pad, 2);
  return b;
}

/**
 * A PyTorch zip checkpoint of one float32 tensor of `bytes / 4` zeros: archive/data.pkl, archive/data/0 (`bytes` of
 * zeros written in 8 MiB pieces), archive/version; STORED members, no ZIP64 (keep `bytes` under 4 GiB).
 */
export function writeTorchZip(path: string, bytes: number): number {
  const fd = openSync(path, 'w');
  let off = 0;
  const write = (b: Buffer) => {
    for (let done = 0; done < b.length; ) done += writeSync(fd, b, done);
    off += b.length;
  };
  try {
    const members: Member[] = [];
    const small = (name: string, body: Buffer) => {
      const m: Member = { name, size: body.length, crc: crc32(body), offset: off, extra: alignment(off, name) };
      members.push(m);
      write(localHeader(m));
      write(body);
    };
    small('archive/data.pkl', stateDictPickle(bytes / 4));
    const zeros = Buffer.alloc(8 << 20);
    let crc = 0;
    for (let left = bytes; left > 0; left -= zeros.length) crc = crc32(zeros.subarray(0, Math.min(zeros.length, left)), crc);
    const big: Member = { name: 'archive/data/0', size: bytes, crc, offset: off, extra: alignment(off, 'archive/data/0') };
    members.push(big);
    write(localHeader(big));
    for (let left = bytes; left > 0; left -= zeros.length) write(zeros.subarray(0, Math.min(zeros.length, left)));
    small('archive/version', Buffer.from('3\n'));
    const cdStart = off;
    for (const m of members) write(centralHeader(m));
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(members.length, 8);
    eocd.writeUInt16LE(members.length, 10);
    eocd.writeUInt32LE(off - cdStart, 12);
    eocd.writeUInt32LE(cdStart, 16);
    write(eocd);
    return off;
  } finally {
    closeSync(fd);
  }
}
