import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikePickle, sniffFormat, sniffTail, tarChecksumOk } from './sniff.js';
import { SCAN_FORMATS } from './types.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const sniff = (buf: Buffer, name?: string): string => sniffFormat(buf.subarray(0, 4096), buf.length, name);

function tarHeader(name: string, size: number, magic = true): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h[156] = 0x30;
  if (magic) h.write('ustar\x0000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of h) sum += c;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

describe('sniffFormat', () => {
  it('recognises archive and compression magics', () => {
    expect(sniff(b('PK\x03\x04\x14\x00'))).toBe('zip');
    expect(sniff(b('PK\x05\x06' + '\0'.repeat(18)))).toBe('zip');
    expect(sniff(b('PK\x07\x08PK\x03\x04'))).toBe('zip');
    expect(sniff(b('7z\xbc\xaf\x27\x1c\x00\x04'))).toBe('7z');
    expect(sniff(gzipSync(Buffer.from('hello')))).toBe('gzip');
    expect(sniff(b('BZh91AY&SY\x00\x00'))).toBe('bz2');
    expect(sniff(b('BZh9\x17\x72\x45\x38\x50\x90\0\0\0\0'))).toBe('bz2');
    expect(sniff(b('BZh01AY&SY\x00\x00'))).toBe('unknown');
    expect(sniff(b('\xfd7zXZ\x00\x00\x04'))).toBe('xz');
    expect(sniff(deflateSync(Buffer.from('hello world hello world')))).toBe('zlib');
    expect(sniff(deflateSync(Buffer.from('x'.repeat(1000)), { level: 9 }))).toBe('zlib');
    expect(sniff(deflateSync(Buffer.from('abc'), { level: 1 }))).toBe('zlib');
  });

  it('is conservative about zlib and lzma', () => {
    expect(sniff(b('x\x9c\xff\xff\xff\xff\xff\xff'))).toBe('unknown'); // reserved block type / bad data
    expect(sniff(b('x\x9cnot really compressed data'))).toBe('unknown');
    expect(sniff(b('xylophone\n'))).toBe('unknown');
    const lzma = Buffer.concat([b('\x5d'), u32(1 << 23), Buffer.alloc(8, 0xff), b('\x00\x41\x12')]);
    expect(sniff(lzma)).toBe('lzma');
    const sized = Buffer.concat([b('\x5d'), u32(1 << 16), u32(5), u32(0), b('\x00\x41\x12')]);
    expect(sniff(sized)).toBe('lzma');
    const badDict = Buffer.concat([b('\x5d'), u32(12345), Buffer.alloc(8, 0xff), b('\x00\x41')]);
    expect(sniff(badDict)).not.toBe('lzma');
    const badFirst = Buffer.concat([b('\x5d'), u32(1 << 23), Buffer.alloc(8, 0xff), b('\x01\x41')]);
    expect(sniff(badFirst)).not.toBe('lzma');
  });

  it('recognises model formats', () => {
    expect(sniff(b("\x93NUMPY\x01\x00v\x00{'descr': '<i4'"))).toBe('numpy');
    expect(sniff(b('\x89HDF\r\n\x1a\n\x00\x00'))).toBe('hdf5');
    expect(sniff(Buffer.concat([Buffer.alloc(512), b('\x89HDF\r\n\x1a\n\x00\x00')]))).toBe('hdf5');
    expect(sniff(Buffer.concat([Buffer.alloc(1024), b('\x89HDF\r\n\x1a\n')]))).toBe('hdf5');
    expect(sniff(Buffer.concat([Buffer.alloc(100), b('\x89HDF\r\n\x1a\n')]))).toBe('unknown');
    expect(sniff(b('GGUF\x03\x00\x00\x00'))).toBe('gguf');
    const header = Buffer.from('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const st = Buffer.concat([u64(header.length), header, Buffer.alloc(4)]);
    expect(sniff(st)).toBe('safetensors');
    expect(sniff(st.subarray(0, st.length - 8))).not.toBe('safetensors'); // header longer than the file
  });

  it('recognises tar by magic and by old-style checksum', () => {
    const t = Buffer.concat([tarHeader('pickle', 3), Buffer.alloc(512), Buffer.alloc(1024)]);
    expect(sniff(t)).toBe('tar');
    const v7 = Buffer.concat([tarHeader('model.pkl', 3, false), Buffer.alloc(1536)]);
    expect(tarChecksumOk(v7)).toBe(true);
    expect(sniff(v7)).toBe('tar');
    const broken = Buffer.from(v7);
    broken[0] = 0x4e;
    expect(sniff(broken)).not.toBe('tar');
  });

  it('recognises pickles of every protocol, including protocol 0 exploits', () => {
    expect(sniff(b('\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x94.'))).toBe('pickle');
    expect(sniff(b('\x80\x02}q\x00.'))).toBe('pickle');
    expect(sniff(b("cos\nsystem\n(S'echo'\ntR."))).toBe('pickle');
    expect(sniff(b('c__builtin__\neval\n(Vprint(1)\ntR.'))).toBe('pickle');
    expect(sniff(b('(dp0\nS\'a\'\np1\nI1\ns.'))).toBe('pickle');
    expect(sniff(b('(lp0\nI1\naI2\na.'))).toBe('pickle');
    expect(sniff(b('}q\x00(X\x01\x00\x00\x00aK\x01u.'))).toBe('pickle');
    expect(sniff(b(']q\x00(K\x01K\x02e.'))).toBe('pickle');
    expect(sniff(b('N.'))).toBe('pickle');
    expect(sniff(b('I42\n.'))).toBe('pickle');
    // a GLOBAL followed by a broken length is a truncated pickle, for the pickle scanner to report
    expect(sniff(b('cbuiltins\nexec\n(X>\nf = open(1)tR.'))).toBe('pickle');
  });

  it('does not take text or junk for a pickle', () => {
    expect(sniff(b('cmod\n\xf8\n'))).toBe('unknown');
    expect(sniff(b('(c) 2024 Example Corp\n'))).toBe('unknown');
    expect(sniff(b('NOTICE: this is text\n'))).toBe('unknown');
    expect(sniff(b('Some words here\n'))).toBe('unknown');
    expect(sniff(b('I am a text file\n'))).toBe('unknown');
    expect(sniff(b('\x89PNG\r\n\x1a\n'))).toBe('unknown');
    expect(sniff(b('\x80\x07garbage'))).toBe('unknown');
    expect(sniff(b('.'))).toBe('unknown');
    expect(sniff(Buffer.alloc(0))).toBe('unknown');
    expect(looksLikePickle(b('hello'), 5)).toBe(false);
  });

  it('recognises ONNX protobufs conservatively', () => {
    const graph = Buffer.concat([b('\x0a\x01x'), Buffer.alloc(20)]);
    const model = Buffer.concat([
      b('\x08\x08'), // ir_version 8
      b('\x12\x07pytorch'),
      b('\x1a\x032.1'),
      b('\x3a'),
      varint(graph.length),
      graph,
      b('\x42\x04\x0a\x00\x10\x11'),
    ]);
    expect(sniff(model)).toBe('onnx');
    expect(sniff(model, 'model.onnx')).toBe('onnx');
    const noIr = Buffer.concat([b('\x12\x07pytorch'), b('\x3a'), varint(graph.length), graph]);
    expect(sniff(noIr)).toBe('unknown');
    expect(sniff(noIr, 'model.onnx')).toBe('onnx');
    expect(sniff(b('\x08\x08\x12\xff\x01short'))).toBe('unknown');
  });

  it('uses the name only to break ties (JSON)', () => {
    expect(sniff(b('  {"a": 1}'), 'config.json')).toBe('json');
    expect(sniff(b('\xef\xbb\xbf{"a": 1}'), 'x.JSON')).toBe('json');
    expect(sniff(b('{"a": 1}'), 'config.txt')).toBe('unknown');
    expect(sniff(b('PK\x03\x04'), 'config.json')).toBe('zip');
    expect(sniff(b("cos\nsystem\n(S'x'\ntR."), 'notes.json')).toBe('pickle');
  });

  it('never throws and always returns a known format (fuzz)', () => {
    const formats = new Set<string>(SCAN_FORMATS);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat({ max: 1 << 30 }), fc.option(fc.string()), (bytes, extra, name) => {
        const buf = Buffer.from(bytes);
        const f = sniffFormat(buf, buf.length + (extra % 3 === 0 ? 0 : extra), name ?? undefined);
        expect(formats.has(f)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    // mutations of real heads
    const seeds = [gzipSync(Buffer.from('x')), b("cos\nsystem\n(S'echo'\ntR."), deflateRawSync(Buffer.from('abc')), tarHeader('a', 1)];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (seed, muts) => {
        const buf = Buffer.from(seed);
        for (const [i, v] of muts) if (buf.length) buf[i % buf.length] = v;
        expect(formats.has(sniffFormat(buf, buf.length))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sniffTail', () => {
  it('finds an end-of-central-directory record at the end', () => {
    const eocd = Buffer.alloc(22);
    eocd.write('PK\x05\x06', 0, 'latin1');
    eocd.writeUInt32LE(10, 12);
    eocd.writeUInt32LE(100, 16);
    const file = Buffer.concat([Buffer.alloc(200), eocd]);
    expect(sniffTail(file, file.length)).toBe('zip');
    const withComment = Buffer.concat([Buffer.alloc(200), eocd, b('hi')]);
    withComment.writeUInt16LE(2, 200 + 20);
    expect(sniffTail(withComment, withComment.length)).toBe('zip');
    expect(sniffTail(Buffer.alloc(100), 100)).toBeUndefined();
    eocd.writeUInt32LE(1000, 16);
    expect(sniffTail(Buffer.concat([Buffer.alloc(200), eocd]), 222)).toBeUndefined();
  });
});

function u32(n: number): Buffer {
  const x = Buffer.alloc(4);
  x.writeUInt32LE(n);
  return x;
}
function u64(n: number): Buffer {
  const x = Buffer.alloc(8);
  x.writeBigUInt64LE(BigInt(n));
  return x;
}
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
