import { describe, expect, it } from 'vitest';
import { BoundedValues, ChildCache, OTHER } from './metrics-labels.js';

describe('BoundedValues', () => {
  it('admits a fixed number of short values, keeps them, and maps the rest to "other"', () => {
    const v = new BoundedValues(2, 5);
    expect(v.get('a')).toBe('a');
    expect(v.get('toolong')).toBe(OTHER);
    expect(v.get('b')).toBe('b');
    expect(v.get('c')).toBe(OTHER);
    expect(v.get('a')).toBe('a');
    expect(v.get(undefined)).toBe(OTHER);
    expect(v.get('')).toBe(OTHER);
  });

  it('replaces control characters on admission', () => {
    expect(new BoundedValues(4).get('a\r\nb\u2028')).toBe('a\uFFFD\uFFFDb\uFFFD');
  });
});

describe('ChildCache', () => {
  it('returns the same child for the same labels and makes it once', () => {
    const made: string[][] = [];
    const cache = new ChildCache(3, (...v) => {
      made.push(v);
      return { v };
    });
    const x = cache.get('a', 'b', 'c');
    expect(cache.get('a', 'b', 'c')).toBe(x);
    expect(cache.get('a', 'b', 'd')).not.toBe(x);
    expect(made).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'd'],
    ]);
  });

  it('sends new combinations to the all-"other" child once full', () => {
    const cache = new ChildCache(2, (...v) => v.join('|'), 3);
    expect([cache.get('a', '1'), cache.get('a', '2'), cache.get('b', '1')]).toEqual(['a|1', 'a|2', 'b|1']);
    expect(cache.get('c', '9')).toBe('other|other');
    expect(cache.get('a', '3')).toBe('other|other');
    expect(cache.get('a', '1')).toBe('a|1');
  });
});
