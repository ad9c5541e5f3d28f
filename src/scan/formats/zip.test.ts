import { readFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../core/errors.js';
import { ScanAbort, ScanContext } from '../context.js';
import { BufferSource, type ByteSource } from '../source.js';
import { zipScanner } from './zip.js';

const PAYLOAD = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1');
const PROTO2 = Buffer.from('\x80\x02}q\x00.', 'latin1');
const fixture = (name: string): Buffer => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

interface ZEntry {
  name: string;
  data: Buffer;
  method?: number;
  flags?: number;
  crc?: number;
  localName?: string;
  /** Sizes and CRC in a data descriptor after the data (PyTorch's writer does this). */
  descriptor?: boolean;
  /** Declared uncompressed size, when it should lie. */
  size?: number;
  /** Raw (already compressed/encrypted) bytes to store instead of compressing `data`. */
  raw?: Buffer;
}

/** A minimal ZIP writer for tests: local headers, data (+ descriptors), central directory, end record. */
function buildZip(entries: ZEntry[], opts: { prefix?: Buffer; noCentral?: boolean; zip64?: boolean; pointTo?: Record<number, number> } = {}): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer): void => {
    parts.push(b);
    offset += b.length;
  };
  if (opts.prefix) push(opts.prefix);
  const base = opts.prefix?.length ?? 0;
  const central: Buffer[] = [];
  const offsets: number[] = [];
  for (const e of entries) {
    const method = e.method ?? 0;
    const body = e.raw ?? (method === 8 ? deflateRawSync(e.data) : e.data);
    const crc = e.crc ?? crc32(e.data) >>> 0;
    const size = e.size ?? e.data.length;
    const flags = (e.flags ?? 0) | (e.descriptor ? 0x8 : 0);
    const lname = Buffer.from(e.localName ?? e.name);
    const cname = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    if (!e.descriptor) {
      lh.writeUInt32LE(crc, 14);
      lh.writeUInt32LE(body.length, 18);
      lh.writeUInt32LE(size, 22);
    }
    lh.writeUInt16LE(lname.length, 26);
    offsets.push(offset);
    const localOffset = offset - base;
    push(lh);
    push(lname);
    push(body);
    if (e.descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(body.length, 8);
      d.writeUInt32LE(size, 12);
      push(d);
    }
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(cname.length, 28);
    ch.writeUInt32LE(localOffset, 42);
    central.push(Buffer.concat([ch, cname]));
  }
  if (opts.pointTo) {
    for (const [i, target] of Object.entries(opts.pointTo)) central[Number(i)]!.writeUInt32LE(offsets[target]! - base, 42);
  }
  if (opts.noCentral) return Buffer.concat(parts);
  const cdOffset = offset - base;
  const cd = Buffer.concat(central);
  push(cd);
  if (opts.zip64) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeBigUInt64LE(BigInt(entries.length), 24);
    z.writeBigUInt64LE(BigInt(entries.length), 32);
    z.writeBigUInt64LE(BigInt(cd.length), 40);
    z.writeBigUInt64LE(BigInt(cdOffset), 48);
    const at = offset;
    push(z);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(at), 8);
    loc.writeUInt32LE(1, 16);
    push(loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdOffset, 16);
  push(eocd);
  return Buffer.concat(parts);
}

async function scan(buf: Buffer | ByteSource, limits = {}): Promise<ReturnType<typeof ScanContext.forTest>> {
  const ctx = ScanContext.forTest({ limits });
  await zipScanner.scan(Buffer.isBuffer(buf) ? new BufferSource(buf) : buf, ctx);
  return ctx;
}
const rules = (ctx: ScanContext): string[] => ctx.findings.map((f) => f.rule);

describe('zipScanner', () => {
  it('dispatches stored and deflated members, checking CRCs', async () => {
    const ctx = await scan(buildZip([{ name: 'a.pkl', data: PAYLOAD }, { name: 'b/c.pkl', data: PAYLOAD, method: 8 }]));
    expect(ctx.nested.map((n) => n.name)).toEqual(['a.pkl', 'b/c.pkl']);
    expect(ctx.nested.every((n) => n.head.equals(PAYLOAD))).toBe(true);
    expect(ctx.findings).toEqual([]);
    expect(ctx.formats).toEqual([]);
  });

  it('tolerates a bad CRC (info) and scans the member anyway', async () => {
    const ctx = await scan(buildZip([{ name: 'data.pkl', data: PAYLOAD, crc: 0x1234 }]));
    expect(rules(ctx)).toEqual(['zip.crc-mismatch']);
    expect(ctx.findings[0]!.verdict).toBe('info');
    expect(ctx.nested).toHaveLength(1);
  });

  it('reads the corpus-style trick archives (picklescan test files) as PyTorch would', async () => {
    const mismatch = await scan(buildZip([{ name: 'data.pkl', localName: 'datap.kl', data: PAYLOAD }]));
    expect(rules(mismatch)).toContain('zip.name-mismatch');
    expect(mismatch.nested[0]!.name).toBe('data.pkl');
    for (const flags of [0x20, 0x40]) {
      const odd = await scan(buildZip([{ name: 'model/config.pkl', data: PAYLOAD, flags }]));
      expect(rules(odd)).toContain('zip.unusual-flags');
      expect(odd.nested[0]!.head.equals(PAYLOAD)).toBe(true);
    }
    const fakeEncrypted = await scan(buildZip([{ name: 'model/config.pkl', data: PAYLOAD, flags: 0x1 }]));
    expect(fakeEncrypted.findings.map((f) => f.message)).toContain('ZIP member is flagged as encrypted but holds plain data');
    expect(fakeEncrypted.nested).toHaveLength(1);
    const deflatedFake = await scan(buildZip([{ name: 'x.pkl', data: PAYLOAD, flags: 0x1, method: 8 }]));
    expect(deflatedFake.nested[0]!.head.equals(PAYLOAD)).toBe(true);
  });

  it('reports truly encrypted members: info for a text file, suspicious for a model member', async () => {
    const cipher = Buffer.from('a624 23ad add3 da99 54d8 4e5b 2904 1920 ff87 2cad c7c6 151c 53aa 99'.replace(/ /g, ''), 'hex');
    const text = await scan(buildZip([{ name: 'test.txt', data: Buffer.from('hello'), raw: cipher, flags: 0x1 }]));
    expect(rules(text)).toEqual(['zip.encrypted-member']);
    expect(text.findings[0]!.verdict).toBe('info');
    expect(text.nested).toEqual([]);
    const model = await scan(buildZip([{ name: 'archive/data.pkl', data: Buffer.from('hello'), raw: cipher, flags: 0x1 }]));
    expect(rules(model)).toEqual(['scan.encrypted']);
    expect(model.nested).toEqual([]);
  });

  it('scans every copy of a duplicated name', async () => {
    const ctx = await scan(buildZip([{ name: 'data.pkl', data: PROTO2 }, { name: 'data.pkl', data: PAYLOAD }]));
    expect(rules(ctx)).toEqual(['zip.duplicate-name']);
    expect(ctx.nested.map((n) => n.head.subarray(0, 3).toString('latin1'))).toEqual(['\x80\x02}', 'cos']);
  });

  it('recognises a PyTorch checkpoint under any folder name and skips tensor payloads', async () => {
    const floats = Buffer.alloc(4096);
    for (let i = 0; i < 1024; i++) floats.writeFloatLE(i / 3, i * 4);
    const ctx = await scan(
      buildZip([
        { name: 'weird name ✓/data.pkl', data: PROTO2, descriptor: true },
        { name: 'weird name ✓/data/0', data: floats, descriptor: true },
        { name: 'weird name ✓/data/1', data: Buffer.from('NNNNNNNN') },
        { name: 'weird name ✓/data/2', data: PAYLOAD },
        { name: 'weird name ✓/data/3', data: Buffer.concat([PROTO2, floats]) },
        { name: 'weird name ✓/version', data: Buffer.from('3\n') },
        { name: 'weird name ✓/byteorder', data: Buffer.from('little') },
      ]),
    );
    expect(ctx.formats).toEqual(['pytorch-zip']);
    // data/3 starts plainly like a protocol 2 pickle; data/1 and data/2 are left alone, as torch.load leaves them
    expect(ctx.nested.map((n) => n.name)).toEqual(['weird name ✓/data.pkl', 'weird name ✓/data/3', 'weird name ✓/version', 'weird name ✓/byteorder']);
    expect(ctx.findings).toEqual([]);
  });

  it('classifies npz and keras archives', async () => {
    const npy = Buffer.from("\x93NUMPY\x01\x00\x06\x00{}   \n", 'latin1');
    const npz = await scan(buildZip([{ name: 'a.npy', data: npy }, { name: 'b.npy', data: npy, method: 8 }]));
    expect(npz.formats).toEqual(['npz']);
    expect(npz.nested).toHaveLength(2);
    const keras = await scan(
      buildZip([
        { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.0.0"}') },
        { name: 'model.weights.h5', data: Buffer.from('\x89HDF\r\n\x1a\n', 'latin1') },
        { name: 'config.json', data: Buffer.from('{"class_name": "Sequential"}'), method: 8 },
      ]),
    );
    expect(keras.formats).toEqual(['keras']);
    expect(keras.nested[0]).toMatchObject({ name: 'config.json', hint: 'keras' });
    expect(keras.nested.map((n) => n.name)).toEqual(['config.json', 'metadata.json', 'model.weights.h5']);
  });

  it('falls back to local headers when the central directory is missing', async () => {
    const zip = buildZip(
      [
        { name: 'archive/data.pkl', data: PAYLOAD, descriptor: true },
        { name: 'archive/other.pkl', data: PROTO2, method: 8, descriptor: true },
        { name: 'archive/version', data: Buffer.from('3\n') },
      ],
      { noCentral: true },
    );
    const ctx = await scan(zip);
    expect(rules(ctx)).toEqual(['zip.no-central-directory']);
    expect(ctx.findings[0]!.verdict).toBe('error');
    expect(ctx.nested.map((n) => n.name)).toEqual(['archive/data.pkl', 'archive/other.pkl', 'archive/version']);
    expect(ctx.nested[0]!.head.equals(PAYLOAD)).toBe(true);
    expect(ctx.nested[1]!.head.equals(PROTO2)).toBe(true);
  });

  it('falls back when the central directory is damaged, and reports a cut-off walk', async () => {
    const zip = buildZip([{ name: 'data.pkl', data: PAYLOAD }]);
    const cd = zip.indexOf('PK\x01\x02', 0, 'latin1');
    zip[cd + 3] = 9;
    const ctx = await scan(zip);
    expect(rules(ctx)).toContain('zip.no-central-directory');
    expect(ctx.nested).toHaveLength(1);
    const cut = await scan(buildZip([{ name: 'data.pkl', data: PAYLOAD }], { noCentral: true }).subarray(0, 40));
    expect(rules(cut)).toContain('zip.no-central-directory');
    expect(rules(cut)).toContain('scan.malformed');
  });

  it('handles data prepended to the archive (self-extractor or polyglot)', async () => {
    const ctx = await scan(buildZip([{ name: 'data.pkl', data: PAYLOAD }], { prefix: Buffer.from('#!/bin/sh\nexit 0\n') }));
    expect(rules(ctx)).toContain('zip.prepended-data');
    expect(ctx.nested).toHaveLength(1);
    expect(ctx.nested[0]!.head.equals(PAYLOAD)).toBe(true);
  });

  it('reads ZIP64 end records', async () => {
    const ctx = await scan(buildZip([{ name: 'a.pkl', data: PAYLOAD }, { name: 'b.pkl', data: PROTO2 }], { zip64: true }));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested.map((n) => n.name)).toEqual(['a.pkl', 'b.pkl']);
  });

  it('bounds the number of entries', async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `m${i}.pkl`, data: PROTO2 }));
    const ctx = await scan(buildZip(entries), { maxArchiveEntries: 3 });
    expect(rules(ctx)).toContain('scan.limit');
    expect(ctx.nested).toHaveLength(3);
  });

  it('stops a deflate bomb at the decompression budget and scans what came out', async () => {
    const zeros = Buffer.alloc(8 << 20);
    const ctx = await scan(buildZip([{ name: 'bomb.pkl', data: zeros, method: 8 }]), { maxDecompressedBytes: 1 << 20 });
    expect(rules(ctx)).toEqual(['scan.limit']); // no size-mismatch: the true size is unknown
    expect(ctx.nested[0]!.size).toBe(1 << 20);
  });

  it('flags a deflate member that inflates past its declared size', async () => {
    const ctx = await scan(buildZip([{ name: 'a.pkl', data: Buffer.alloc(3 << 20, 0x4e), method: 8, size: 10 }]));
    expect(rules(ctx)).toContain('zip.size-mismatch');
    expect(ctx.nested[0]!.size).toBe(10 + (1 << 20));
  });

  it('detects overlapping entries and scans shared data once', async () => {
    const zip = buildZip([{ name: 'a.pkl', data: PAYLOAD }, { name: 'b.pkl', data: PROTO2 }, { name: 'c.pkl', data: PROTO2 }], { pointTo: { 1: 0, 2: 0 } });
    const ctx = await scan(zip);
    expect(rules(ctx)).toContain('zip.overlapping-entries');
    // b and c name the same bytes (a's header, 6 bytes): scanned once; a's own range is scanned too
    expect(ctx.nested.map((n) => n.name)).toEqual(['a.pkl', 'b.pkl']);
  });

  it('reports unsupported methods, path traversal and truncated members', async () => {
    const zstd = await scan(buildZip([{ name: 'a.pkl', data: PAYLOAD, method: 93 }]));
    expect(rules(zstd)).toEqual(['zip.unsupported-method']);
    expect(zstd.findings[0]!.verdict).toBe('error');
    const trav = await scan(buildZip([{ name: '../../etc/cron.d/x', data: PAYLOAD }]));
    expect(rules(trav)).toContain('zip.path-traversal');
    const whole = buildZip([{ name: 'data.pkl', data: Buffer.alloc(1000, 0x4e) }]);
    const hdr = Buffer.from(whole);
    hdr.writeUInt32LE(5000, whole.indexOf('PK\x01\x02', 0, 'latin1') + 20); // compressed size past the end
    const cut = await scan(hdr);
    expect(rules(cut)).toContain('scan.truncated');
  });

  it('decompresses bzip2 and LZMA members (Python zipfile methods 12 and 14)', async () => {
    const ctx = await scan(fixture('methods.zip'));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested.map((n) => n.name)).toEqual(['bz/data.pkl', 'lz/data.pkl']);
    expect(ctx.nested.every((n) => n.head.subarray(0, PAYLOAD.length).equals(PAYLOAD))).toBe(true);
  });

  it('reads only the directory and pickle members of a 1 GiB PyTorch checkpoint, fast', async () => {
    const src = virtualCheckpoint(8, 128 << 20);
    const started = performance.now();
    const ctx = await scan(src);
    const ms = performance.now() - started;
    expect(ctx.formats).toEqual(['pytorch-zip']);
    expect(ctx.nested.map((n) => n.name)).toEqual(['archive/data.pkl', 'archive/version']);
    expect(src.bytesRead).toBeLessThan(2 << 20);
    expect(ms).toBeLessThan(1000);
  });

  it('never throws anything but scan errors on random or mutated input (fuzz)', async () => {
    const seeds = [
      buildZip([{ name: 'a/data.pkl', data: PAYLOAD }, { name: 'a/version', data: Buffer.from('3') }]),
      buildZip([{ name: 'x.npy', data: PROTO2, method: 8, descriptor: true }]),
      buildZip([{ name: 'x', data: PAYLOAD }], { zip64: true }),
      buildZip([{ name: 'x', data: PAYLOAD, descriptor: true }], { noCentral: true }),
    ];
    const check = async (buf: Buffer): Promise<void> => {
      try {
        await scan(buf, { maxDecompressedBytes: 1 << 20, maxArchiveEntries: 50 });
      } catch (e) {
        if (!(e instanceof ScanAbort) && !(isBulwarkError(e) && e.code.startsWith('ERR_SCAN'))) throw e;
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), fc.nat(), async (seed, muts, cut) => {
        const buf = Buffer.from(seed);
        for (const [i, v] of muts) buf[i % buf.length] = v;
        await check(cut % 5 === 0 ? buf.subarray(0, cut % buf.length) : buf);
      }),
      { numRuns: 1500 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await check(Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(bytes)]));
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * A PyTorch-style zip whose tensor members are `count` × `size` bytes of zeros that exist only when read: the
 * directory and the pickle are real, the payload is synthesised, and every byte read is counted.
 */
function virtualCheckpoint(count: number, size: number): ByteSource & { bytesRead: number } {
  const headers: { offset: number; bytes: Buffer }[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const add = (name: string, data: Buffer | number): void => {
    const n = Buffer.from(name);
    const len = typeof data === 'number' ? data : data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt32LE(len, 18);
    lh.writeUInt32LE(len, 22);
    lh.writeUInt16LE(n.length, 26);
    headers.push({ offset, bytes: Buffer.concat([lh, n, typeof data === 'number' ? Buffer.alloc(0) : data]) });
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt32LE(typeof data === 'number' ? 0 : crc32(data) >>> 0, 16);
    ch.writeUInt32LE(len, 20);
    ch.writeUInt32LE(len, 24);
    ch.writeUInt16LE(n.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(Buffer.concat([ch, n]));
    offset += 30 + n.length + len;
  };
  add('archive/data.pkl', PROTO2);
  for (let i = 0; i < count; i++) add(`archive/data/${i}`, size);
  add('archive/version', Buffer.from('3\n'));
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(central.length, 8);
  eocd.writeUInt16LE(central.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  headers.push({ offset, bytes: Buffer.concat([cd, eocd]) });
  const total = offset + cd.length + 22;
  const src = {
    size: total,
    bytesRead: 0,
    read(at: number, length: number): Buffer {
      const end = Math.min(total, at + length);
      if (at >= end) return Buffer.alloc(0);
      const out = Buffer.alloc(end - at);
      for (const h of headers) {
        const s = Math.max(at, h.offset);
        const e = Math.min(end, h.offset + h.bytes.length);
        if (s < e) h.bytes.copy(out, s - at, s - h.offset, e - h.offset);
      }
      src.bytesRead += out.length;
      return out;
    },
  };
  return src;
}
