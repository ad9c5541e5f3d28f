// The JSONPath subset: what it reads, what it refuses (typed), and fuzzing: it never throws anything else, and
// formatted paths read back the value they were built to reach.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { compileJsonPath, formatJsonPath, valueText, type PathSegment } from './json-path.js';

describe('compileJsonPath', () => {
  const doc = { choices: [{ message: { content: 'hi', 'a.b': 1, "it's": 2 } }], list: [1, 2, 3], 'x y': { z: true } };

  it.each([
    ['$', doc],
    ['$.choices[0].message.content', 'hi'],
    ["$.choices[0].message['a.b']", 1],
    ['$.choices[0].message["it\'s"]', 2],
    ["$.choices[0].message['it\\'s']", 2],
    ['$.list[-1]', 3],
    ['$.list[-3]', 1],
    ["$['x y'].z", true],
  ])('reads %s', (path, expected) => {
    expect(compileJsonPath(path).get(doc)).toEqual(expected);
  });

  it.each([
    '$.choices[1].message',
    '$.list[3]',
    '$.list[-4]',
    '$.list.length',
    '$.choices.0',
    '$.missing.deeper',
    '$.choices[0].message.content.x',
    '$.toString',
    '$.__proto__',
  ])('gives undefined for %s', (path) => {
    expect(compileJsonPath(path).get(doc)).toBeUndefined();
  });

  it.each(['', 'choices', '$.', '$..a', '$[', '$[x]', '$[1', "$['a", "$['a'", '$.a b', '$[*]', '$[1.5]', `$${'.a'.repeat(65)}`, `$.${'a'.repeat(1100)}`])(
    'refuses %j with ERR_CONFIG_INVALID',
    (path) => {
      expect(() => compileJsonPath(path)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    },
  );

  it('never throws anything but a BulwarkError, and evaluation never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `$${s}`), fc.stringMatching(/^\$(\.[a-z]{1,3}|\[-?\d{1,2}\]|\['[a-z.]*'\])*$/)), fc.jsonValue(), (path, value) => {
        try {
          const p = compileJsonPath(path);
          p.get(value);
        } catch (e) {
          expect(e).toBeInstanceOf(BulwarkError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any value through the formatted path that leads to it', () => {
    const segment: fc.Arbitrary<PathSegment> = fc.oneof(fc.record({ key: fc.string({ maxLength: 6 }) }), fc.record({ index: fc.integer({ min: 0, max: 3 }) }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.jsonValue(), (segments, leaf) => {
        // Build a document with `leaf` at the end of `segments`.
        let doc: unknown = leaf;
        for (let i = segments.length - 1; i >= 0; i--) {
          const s = segments[i] as PathSegment;
          if ('key' in s) doc = Object.fromEntries([[s.key, doc]]);
          else doc = [...Array.from({ length: s.index }, () => null), doc];
        }
        const path = compileJsonPath(formatJsonPath(segments));
        expect(path.segments).toEqual(segments);
        expect(path.get(doc)).toEqual(leaf);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('valueText', () => {
  it('keeps strings, serialises other JSON and has nothing for null or absent', () => {
    expect(valueText('a')).toBe('a');
    expect(valueText(3)).toBe('3');
    expect(valueText({ a: [1] })).toBe('{"a":[1]}');
    expect(valueText(null)).toBeUndefined();
    expect(valueText(undefined)).toBeUndefined();
  });
});
