import { describe, expect, it } from 'vitest';
import { canonicalJson, caseId } from './case-id.js';
import { createRng } from './rng.js';

describe('caseId', () => {
  const base = { pack: 'p', category: 'c', kind: 'attack' as const, intent: 'i', tags: {}, turns: [{ role: 'user' as const, content: 'hi' }], graders: [{ type: 'refusal' }] };
  it('is stable under key order and labels, and changes with content', () => {
    expect(caseId(base)).toMatch(/^p\/[0-9a-f]{16}$/);
    expect(caseId({ ...base, category: 'other', intent: 'other' })).toBe(caseId(base));
    expect(caseId({ ...base, turns: [{ content: 'hi', role: 'user' }] })).toBe(caseId(base));
    expect(caseId({ ...base, turns: [{ role: 'user', content: 'hi!' }] })).not.toBe(caseId(base));
    expect(canonicalJson({ b: 1, a: [undefined, { d: 2, c: 3 }] })).toBe('{"a":[null,{"c":3,"d":2}],"b":1}');
  });
});

describe('createRng', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = createRng('seed');
    const b = createRng('seed');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(42).next()).not.toBe(createRng(43).next());
    for (let i = 0; i < 100; i++) expect(a.int(7)).toBeLessThan(7);
  });
});
