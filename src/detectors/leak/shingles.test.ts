// Tests for word shingles: normalising tokenizer with offsets, containment, longest shared run, stretches.
import { describe, expect, it } from 'vitest';
import { findTokenSequence, indexShingles, overlap, shingleKeys, tokenize } from './shingles.js';

describe('tokenize', () => {
  it('lower-cases, keeps offsets, and drops format characters inside words', () => {
    const t = tokenize('Hello, WO\u200bRLD! ﬁne');
    expect(t.words).toEqual(['hello', 'world', 'fine']);
    expect(t.starts).toEqual([0, 7, 15]);
    expect(t.ends).toEqual([5, 13, 18]);
  });

  it('makes each CJK character a token', () => {
    expect(tokenize('你好世界 ok').words).toEqual(['你', '好', '世', '界', 'ok']);
  });
});

describe('overlap', () => {
  const ref = tokenize('one two three four five six seven eight').words;
  const index = indexShingles(ref, 3);

  it('measures containment, the longest run in the same order, and merged stretches', () => {
    const o = overlap(index, tokenize('x one two three four y six seven eight z').words, 3);
    expect(o.containment).toBeCloseTo(3 / 6);
    expect(o.longestRun).toBe(4);
    expect(o.stretches).toEqual([
      [1, 4],
      [6, 8],
    ]);
  });

  it('is zero for unrelated text and for texts shorter than a shingle', () => {
    expect(overlap(index, ['a', 'b', 'c', 'd'], 3).containment).toBe(0);
    expect(overlap(index, ['one', 'two'], 3).containment).toBe(0);
    expect(shingleKeys(['a'], 3)).toEqual([]);
  });

  it('gives equal keys to equal shingles and different keys otherwise', () => {
    const keys = shingleKeys(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'd'], 3);
    expect(keys[0]).toBe(keys[3]);
    expect(new Set(keys).size).toBe(4);
    expect(keys.every((k) => Number.isSafeInteger(k))).toBe(true);
  });
});

describe('findTokenSequence', () => {
  it('finds a contiguous token sequence', () => {
    expect(findTokenSequence(['a', 'b', 'c', 'd'], ['b', 'c'])).toBe(1);
    expect(findTokenSequence(['a', 'b', 'c'], ['c', 'b'])).toBe(-1);
    expect(findTokenSequence(['a'], [])).toBe(-1);
  });
});
