import { readFileSync } from 'node:fs';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScanContext } from '../context.js';
import { BufferSource } from '../source.js';
import { inflateBounded } from './compressed-inflate.js';
import { bz2Scanner, gzipScanner, lzmaScanner, xzScanner, zlibScanner } from './compressed.js';
import type { FormatScanner } from '../types.js';

const PAYLOAD = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1');
const fixture = (name: string): Buffer => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

async function scan(scanner: FormatScanner, buf: Buffer, limits = {}): Promise<ReturnType<typeof ScanContext.forTest>> {
  const ctx = ScanContext.forTest({ limits });
  await scanner.scan(new BufferSource(buf), ctx);
  return ctx;
}
const rules = (ctx: ScanContext): string[] => ctx.findings.map((f) => f.rule);

describe('inflateBounded', () => {
  it('inflates, stops at the cap, and reports broken streams with their partial output', async () => {
    const data = Buffer.alloc(100_000, 7);
    const ok = await inflateBounded(new BufferSource(deflateRawSync(data)), 'raw', 1 << 20);
    expect(ok).toMatchObject({ ended: true, overflow: false });
    expect(ok.data.equals(data)).toBe(true);
    const capped = await inflateBounded(new BufferSource(deflateRawSync(data)), 'raw', 1000);
    expect(capped).toMatchObject({ ended: false, overflow: true });
    expect(capped.data.length).toBe(1000);
    const z = deflateSync(data);
    const cut = await inflateBounded(new BufferSource(z.subarray(0, z.length - 10)), 'zlib', 1 << 20);
    expect(cut.ended).toBe(false);
    expect(cut.error).toMatch(/unexpected end/);
    expect(cut.data.length).toBeGreaterThan(0);
    const raw = deflateRawSync(PAYLOAD);
    const trailing = await inflateBounded(new BufferSource(Buffer.concat([raw, Buffer.from('PK\x07\x08junk')])), 'raw', 1 << 20);
    expect(trailing).toMatchObject({ ended: true, consumed: raw.length });
  });
});

describe('gzip and zlib scanners', () => {
  it('scans the decompressed stream, named after the gzip FNAME field', async () => {
    const ctx = await scan(gzipScanner, gzipSync(PAYLOAD));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested).toEqual([{ name: '<gunzipped>', size: PAYLOAD.length, head: PAYLOAD }]);
    const named = Buffer.from(gzipSync(PAYLOAD));
    // rebuild with FNAME: ID1 ID2 CM FLG(0x08) MTIME(4) XFL OS name\0 …
    const withName = Buffer.concat([named.subarray(0, 3), Buffer.from([0x08]), named.subarray(4, 10), Buffer.from('config.json\0'), named.subarray(10)]);
    const n = await scan(gzipScanner, withName);
    expect(n.nested[0]!.name).toBe('config.json');
  });

  it('reads multi-member gzip', async () => {
    const ctx = await scan(gzipScanner, Buffer.concat([gzipSync(PAYLOAD.subarray(0, 10)), gzipSync(PAYLOAD.subarray(10))]));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested[0]!.head.equals(PAYLOAD)).toBe(true);
  });

  it('reports trailing data and scans it when it is a known format', async () => {
    const ctx = await scan(gzipScanner, Buffer.concat([gzipSync(Buffer.from('hello')), PAYLOAD]));
    expect(rules(ctx)).toEqual(['compressed.trailing-data']);
    expect(ctx.nested.map((n) => n.name)).toEqual(['<gunzipped>', '<trailing data>']);
    const padded = await scan(gzipScanner, Buffer.concat([gzipSync(Buffer.from('hello')), Buffer.alloc(512)]));
    expect(padded.findings).toEqual([]);
  });

  it('reports a truncated or corrupt stream but scans what came out', async () => {
    const big = Buffer.concat([PAYLOAD, Buffer.alloc(200_000, 1)]);
    const gz = gzipSync(big);
    const cut = await scan(gzipScanner, gz.subarray(0, gz.length >> 1));
    expect(rules(cut)).toEqual(['scan.truncated']);
    expect(cut.nested[0]!.head.subarray(0, PAYLOAD.length).equals(PAYLOAD)).toBe(true);
    const z = Buffer.from(deflateSync(big));
    z[z.length - 1] = z[z.length - 1]! ^ 0xff; // Adler-32 check fails: Python would complain only after the data was read
    const sum = await scan(zlibScanner, z);
    expect(rules(sum)).toEqual(['compressed.checksum-mismatch']);
    expect(sum.findings[0]!.verdict).toBe('info');
    expect(sum.nested[0]!.size).toBe(big.length);
    const stored = Buffer.concat([gzipSync(PAYLOAD, { level: 0 }), Buffer.alloc(0)]);
    stored[14] = stored[14]! ^ 0xff; // the stored block's LEN/NLEN no longer match
    const bad = await scan(gzipScanner, stored);
    expect(rules(bad)).toEqual(['scan.malformed']);
  });

  it('stops a bomb at the decompression budget', async () => {
    const ctx = await scan(gzipScanner, gzipSync(Buffer.alloc(16 << 20)), { maxDecompressedBytes: 1 << 20 });
    expect(rules(ctx)).toEqual(['scan.limit']);
    expect(ctx.nested[0]!.size).toBe(1 << 20);
  });

  it('never throws on mutated input (fuzz)', async () => {
    const seeds = [gzipSync(PAYLOAD), deflateSync(PAYLOAD), gzipSync(Buffer.alloc(5000, 9))];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.boolean(), async (seed, muts, gz) => {
        const buf = Buffer.from(seed);
        for (const [i, v] of muts) buf[i % buf.length] = v;
        await scan(gz ? gzipScanner : zlibScanner, buf, { maxDecompressedBytes: 1 << 20 });
      }),
      { numRuns: 300 },
    );
  });
});

describe('bzip2, xz and lzma scanners (7z-wasm)', () => {
  it.each([
    ['bz2', bz2Scanner, 'payload.pkl.bz2'],
    ['xz', xzScanner, 'payload.pkl.xz'],
    ['lzma', lzmaScanner, 'payload.pkl.lzma'],
  ] as const)('decompresses %s and scans the output', async (_name, scanner, file) => {
    const ctx = await scan(scanner, fixture(file));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested).toHaveLength(1);
    expect(ctx.nested[0]!.head.equals(PAYLOAD)).toBe(true);
  });

  it('stops an xz bomb at the decompression budget', async () => {
    const ctx = await scan(xzScanner, fixture('zeros-10MiB.xz'), { maxDecompressedBytes: 1 << 20 });
    expect(rules(ctx)).toEqual(['scan.limit']);
    expect(ctx.nested[0]!.size).toBe(1 << 20);
  });

  it('reports truncated and corrupt streams, scanning the partial output', async () => {
    const xz = fixture('payload.pkl.xz');
    const cut = await scan(xzScanner, xz.subarray(0, xz.length - 20));
    expect(rules(cut).some((r) => r === 'scan.truncated' || r === 'scan.malformed')).toBe(true);
    expect(cut.nested).toHaveLength(1);
    const bz = Buffer.from(fixture('payload.pkl.bz2'));
    bz[20] = bz[20]! ^ 0xff;
    const bad = await scan(bz2Scanner, bz);
    expect(rules(bad).some((r) => r === 'scan.truncated' || r === 'scan.malformed')).toBe(true);
  });

  it('reports trailing data after an xz stream', async () => {
    const ctx = await scan(xzScanner, Buffer.concat([fixture('payload.pkl.xz'), Buffer.from('trailing bytes that are not xz')]));
    expect(ctx.nested[0]!.head.equals(PAYLOAD)).toBe(true);
    expect(ctx.findings.every((f) => f.verdict !== 'malicious')).toBe(true);
    expect(rules(ctx).length).toBeGreaterThan(0);
  });
});
