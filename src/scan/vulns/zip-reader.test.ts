// The advisory-archive zip reader: stored and deflated members, Zip64 end records, damage and limits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../core/errors.js';
import { makeZip } from './testdata/make-zip.js';
import { ZipArchive } from './zip-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(bytes: Buffer): string {
  const path = join(dir, `${n++}.zip`);
  writeFileSync(path, bytes);
  return path;
}

async function readAll(path: string, max = 1 << 20): Promise<Record<string, string>> {
  const zip = await ZipArchive.open(path);
  try {
    const out: Record<string, string> = {};
    for (const e of zip.entries) out[e.name] = (await zip.read(e, max)).toString('utf8');
    return out;
  } finally {
    await zip.close();
  }
}

describe('ZipArchive', () => {
  it('reads stored and deflated members in file order', async () => {
    const path = file(makeZip([{ name: 'a.json', data: '{"id":"A"}', method: 0 }, { name: 'b.json', data: 'x'.repeat(100_000) }, { name: 'é.json', data: '' }]));
    const all = await readAll(path);
    expect(Object.keys(all)).toEqual(['a.json', 'b.json', 'é.json']);
    expect(all['a.json']).toBe('{"id":"A"}');
    expect(all['b.json']).toHaveLength(100_000);
  });

  it('reads Zip64 end records (archives of more than 65535 records)', async () => {
    const path = file(makeZip([{ name: 'a.json', data: 'A' }, { name: 'b.json', data: 'B' }], { zip64: true }));
    expect(await readAll(path)).toEqual({ 'a.json': 'A', 'b.json': 'B' });
  });

  it('reads members larger than the read window', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 7);
    const path = file(makeZip([{ name: 'small.json', data: 's' }, { name: 'big.bin', data: big, method: 0 }, { name: 'z.json', data: 'z' }]));
    const zip = await ZipArchive.open(path);
    try {
      const [, bigEntry, last] = zip.entries;
      expect((await zip.read(bigEntry!, 8 * 1024 * 1024)).equals(big)).toBe(true);
      expect((await zip.read(last!, 10)).toString()).toBe('z');
    } finally {
      await zip.close();
    }
  });

  it('refuses members over the size bound, with a CRC mismatch or an unknown method', async () => {
    const good = makeZip([{ name: 'a.json', data: 'hello world', method: 0 }]);
    await expect(readAll(file(good), 5)).rejects.toMatchObject({ code: 'ERR_ADVISORIES', message: expect.stringContaining('over the 5-byte limit') });
    const corrupt = Buffer.from(good);
    corrupt[30 + 'a.json'.length] = 'H'.charCodeAt(0);
    await expect(readAll(file(corrupt))).rejects.toMatchObject({ code: 'ERR_ADVISORIES', message: expect.stringContaining('CRC mismatch') });
    const method = Buffer.from(good);
    const central = method.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    method.writeUInt16LE(12, central + 10);
    await expect(readAll(file(method))).rejects.toMatchObject({ message: expect.stringContaining('unsupported compression method 12') });
  });

  it('a deflate bomb stops at the bound', async () => {
    const zip = makeZip([{ name: 'bomb.json', data: Buffer.alloc(10 * 1024 * 1024) }]);
    // Lie in the central directory: claim 10 bytes.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(10, central + 24);
    await expect(readAll(file(zip), 1000)).rejects.toMatchObject({ code: 'ERR_ADVISORIES' });
  });

  it('says what is wrong with files that are not zips', async () => {
    await expect(ZipArchive.open(file(Buffer.from('not a zip at all, just text....')))).rejects.toMatchObject({ code: 'ERR_ADVISORIES', message: expect.stringContaining('no end-of-central-directory') });
    await expect(ZipArchive.open(file(Buffer.alloc(3)))).rejects.toMatchObject({ message: expect.stringContaining('too short') });
    await expect(ZipArchive.open(join(dir, 'missing.zip'))).rejects.toMatchObject({ code: 'ERR_ADVISORIES' });
    const truncated = makeZip([{ name: 'a.json', data: 'A'.repeat(1000) }]);
    await expect(ZipArchive.open(file(truncated.subarray(200)))).rejects.toMatchObject({ code: 'ERR_ADVISORIES' });
  });

  it('mutated archives give ERR_ADVISORIES or data, never another error', async () => {
    const base = makeZip([{ name: 'a.json', data: '{"id":"A"}' }, { name: 'b.json', data: 'b'.repeat(300), method: 0 }], { zip64: true });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }), fc.nat(base.length), async (edits, cut) => {
        const bytes = Buffer.from(base.subarray(0, Math.max(cut, base.length - 40)));
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        try {
          await readAll(file(bytes), 4096);
        } catch (e) {
          if (!isBulwarkError(e)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});
