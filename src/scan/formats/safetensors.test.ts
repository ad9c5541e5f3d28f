import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safetensorsScanner } from './safetensors.js';
import { fixtureCases, mutate, run } from './testdata/harness.js';

/** A safetensors file: 8-byte header length, the JSON header (padded with spaces as the writer does), data bytes. */
function file(header: unknown, dataBytes: number, raw?: string): Buffer {
  let json = raw ?? JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const h = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(dataBytes)]);
}

const VALID = {
  __metadata__: { format: 'pt' },
  'model.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
  'model.bias': { dtype: 'BF16', shape: [3], data_offsets: [24, 30] },
  'model.mask': { dtype: 'BOOL', shape: [2], data_offsets: [30, 32] },
  'model.packed': { dtype: 'F4', shape: [4], data_offsets: [32, 34] },
  'model.empty': { dtype: 'I64', shape: [0, 5], data_offsets: [34, 34] },
};

describe('safetensorsScanner', () => {
  it('passes a well-formed file, in any key order', async () => {
    expect((await run(safetensorsScanner, file(VALID, 34))).findings).toEqual([]);
    const reversed = Object.fromEntries(Object.entries(VALID).reverse());
    expect((await run(safetensorsScanner, file(reversed, 34))).findings).toEqual([]);
    expect((await run(safetensorsScanner, file({}, 0))).findings).toEqual([]);
  });

  it('reports a header running past the end as truncated, a short file too', async () => {
    const buf = file(VALID, 34);
    buf.writeBigUInt64LE(1_000_000n, 0);
    expect((await run(safetensorsScanner, buf)).rules).toEqual(['scan.truncated']);
    expect((await run(safetensorsScanner, buf.subarray(0, 5))).rules).toEqual(['scan.truncated']);
    expect((await run(safetensorsScanner, file(VALID, 20))).rules).toEqual(['scan.truncated']);
  });

  it('rejects invalid JSON, invalid UTF-8, deep nesting and non-object headers', async () => {
    expect((await run(safetensorsScanner, file(null, 0, '{"a": '))).rules).toEqual(['scan.malformed']);
    expect((await run(safetensorsScanner, file(null, 0, '[1, 2]'))).rules).toEqual(['scan.malformed']);
    const bad = file(null, 0, '{"a\u00e9": 1}');
    bad[bad.indexOf(0xc3)] = 0xff;
    expect((await run(safetensorsScanner, bad)).findings[0]!.message).toMatch(/UTF-8/);
    const deep = `{"x": ${'['.repeat(1000)}${']'.repeat(1000)}}`;
    expect((await run(safetensorsScanner, file(null, 0, deep))).findings[0]!.message).toMatch(/deeper/);
  });

  it('checks dtype, shape, offsets and byte counts', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ t: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16, /unknown dtype/],
      [{ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4, /shape/],
      [{ t: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, 4, /shape/],
      [{ t: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, 4, /data_offsets/],
      [{ t: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4, /data_offsets/],
      [{ t: { dtype: 'F32', shape: [3, 3], data_offsets: [0, 16] } }, 16, /needs 36 bytes/],
      [{ t: { dtype: 'F4', shape: [3], data_offsets: [0, 2] } }, 2, /whole bytes/],
      [{ t: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, 4, /implausible/],
      [{ t: 'x' }, 0, /not an object/],
      [{ __metadata__: { a: 1 } }, 0, /not a string/],
      [{ __metadata__: [] }, 0, /not an object/],
    ];
    for (const [header, data, message] of cases) {
      const r = await run(safetensorsScanner, file(header, data));
      expect(r.verdict, JSON.stringify(header)).toBe('error');
      expect(r.findings.map((f) => f.message).join('\n')).toMatch(message);
    }
  });

  it('finds overlaps, gaps and trailing bytes', async () => {
    const overlap = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } };
    expect((await run(safetensorsScanner, file(overlap, 16))).rules).toEqual(['scan.malformed']);
    const gap = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4096, 4104] } };
    const g = await run(safetensorsScanner, file(gap, 4104));
    expect(g.rules).toEqual(['safetensors.hidden-data', 'scan.malformed']);
    expect(g.verdict).toBe('error');
    const trailing = await run(safetensorsScanner, file(VALID, 34 + 1000));
    expect(trailing.rules).toEqual(['safetensors.hidden-data', 'scan.malformed']);
    expect(trailing.findings[0]!.offset).toBe(file(VALID, 0).length + 34);
  });

  it('stops at a header beyond the metadata limit', async () => {
    const r = await run(safetensorsScanner, file(VALID, 34), { limits: { maxMetadataBytes: 64 } });
    expect(r.aborted?.reason).toBe('limit');
  });

  it('is not fooled by __proto__ keys', async () => {
    const r = await run(safetensorsScanner, file(null, 4, '{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}'));
    expect(r.findings).toEqual([]);
  });

  it('survives random bytes and mutations of a valid file', async () => {
    const base = file(VALID, 34);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(safetensorsScanner, mutate(base, edits));
      }),
      { numRuns: 800 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await run(safetensorsScanner, Buffer.from(bytes));
      }),
      { numRuns: 500 },
    );
  });

  const fixtures = fixtureCases(['.safetensors']);
  it.skipIf(fixtures.length === 0)(`agrees with the real-library fixtures (${fixtures.length} in test/fixtures/model-files)`, async () => {
    for (const f of fixtures) expect((await run(safetensorsScanner, readFileSync(f.path))).verdict, `${f.path}: ${f.reason}`).toBe(f.verdict);
  });
});
