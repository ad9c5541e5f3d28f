// The tolerant JSON reader: same values as JSON.parse on JSON, comments and trailing commas, member lines, bounded
// nesting, typed errors with line and column, no prototype pollution, and never anything but a BulwarkError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { parseJsonc, pointerSegment } from './jsonc.js';

describe('parseJsonc', () => {
  it('reads JSON exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v, null, Math.random() < 0.5 ? 2 : undefined);
        expect(parseJsonc(text).value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts comments, trailing commas and a BOM', () => {
    const text = '\ufeff// head\n{\n  /* block\n comment */ "a": [1, 2,],\n  "b": {"c": "x // not a comment",},\n}\n// tail';
    expect(parseJsonc(text).value).toEqual({ a: [1, 2], b: { c: 'x // not a comment' } });
  });

  it('records the line of every member and item', () => {
    const doc = parseJsonc('{\n  "mcpServers": {\n    // comment\n    "a/b~c": {\n      "args": [\n        "x"\n      ]\n    }\n  }\n}');
    expect(doc.lines.get('/mcpServers')).toBe(2);
    expect(doc.lines.get(`/mcpServers/${pointerSegment('a/b~c')}`)).toBe(4);
    expect(pointerSegment('a/b~c')).toBe('a~1b~0c');
    expect(doc.lines.get('/mcpServers/a~1b~0c/args/0')).toBe(6);
  });

  it('gives typed errors with line and column', () => {
    const bad = ['', '{', '{"a": }', '{"a" 1}', '[1 2]', '{"a": 01}', '"\\x"', '{"a": "b\n"}', '/* open', '{} x', 'nul'];
    for (const text of bad) {
      let error: unknown;
      try {
        parseJsonc(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(BulwarkError);
      expect((error as BulwarkError).code).toBe('ERR_INPUT_INVALID_JSON');
      expect((error as BulwarkError).message).toMatch(/at line \d+, column \d+$/);
    }
    expect(() => parseJsonc('{\n  "a": 1,\n  "b" 2\n}')).toThrow(/expected ":" at line 3, column 7/);
  });

  it('refuses deep nesting instead of overflowing the stack', () => {
    expect(() => parseJsonc(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toThrow(/nesting deeper than 128/);
    expect(() => parseJsonc(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`)).toThrow(/nesting deeper than 128/);
  });

  it('keeps __proto__ as data, never as a prototype', () => {
    const v = parseJsonc('{"__proto__": {"polluted": true}, "constructor": 1}').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws nothing but BulwarkErrors on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '/', '*', '\n', '1', 'a', '\\') , maxLength: 200 })), (text) => {
        try {
          parseJsonc(text);
        } catch (e) {
          expect(e).toBeInstanceOf(BulwarkError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
