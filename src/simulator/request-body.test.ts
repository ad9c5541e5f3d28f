// Body parsing: nesting depth scan against real JSON structure, UTF-8 validation, object-only bodies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestingExceeds, parseJsonObject } from './request-body.js';

function depth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((m, c) => Math.max(m, depth(c)), 0);
}

describe('nestingExceeds', () => {
  it('measures the nesting of any JSON value, brackets and escaped quotes in strings ignored', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
        const bytes = Buffer.from(JSON.stringify(value));
        expect(nestingExceeds(bytes, max)).toBe(depth(value) > max);
      }),
    );
    expect(nestingExceeds(Buffer.from('{"a":"\\"[[[[","b":["]]]"]}'), 2)).toBe(false);
    expect(nestingExceeds(Buffer.from('[[[]]]'), 2)).toBe(true);
  });
});

describe('parseJsonObject', () => {
  it('accepts an object and rejects everything else with a typed wire error', () => {
    expect(parseJsonObject(Buffer.from('{"a":1}'), 8)).toEqual({ ok: true, value: { a: 1 } });
    for (const body of ['[]', '1', '"s"', 'null', '', '{', '{"a":1}x']) {
      const r = parseJsonObject(Buffer.from(body), 8);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ status: 400, code: 'invalid_json' });
    }
    const invalid = parseJsonObject(Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]), 8);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_encoding' } });
    expect(parseJsonObject(Buffer.from('{"a":[[[1]]]}'), 3)).toMatchObject({ ok: false, error: { status: 400 } });
  });
});
