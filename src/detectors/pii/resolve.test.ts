import { describe, expect, it } from 'vitest';
import { resolveOverlaps } from './resolve.js';
import type { PiiCandidate } from './types.js';

describe('resolveOverlaps', () => {
  it('keeps the more specific entity, then the higher score, then the longer match', () => {
    const out = resolveOverlaps([
      { entity: 'person', start: 0, end: 10, score: 0.9 },
      { entity: 'email', start: 5, end: 20, score: 0.6 },
      { entity: 'person', start: 30, end: 35, score: 0.6 },
      { entity: 'person', start: 30, end: 40, score: 0.6 },
    ]);
    expect(out.map((c) => [c.entity, c.start, c.end])).toEqual([
      ['email', 5, 20],
      ['person', 30, 40],
    ]);
  });

  it('drops a phone number inside a longer street address', () => {
    const out = resolveOverlaps([
      { entity: 'street_address', start: 0, end: 30, score: 0.7 },
      { entity: 'phone', start: 0, end: 10, score: 0.8 },
    ]);
    expect(out.map((c) => c.entity)).toEqual(['street_address']);
  });

  it('resolves a long chain of overlapping matches in linear time, disjoint and in order', () => {
    // Each match overlaps the next, so the whole chain is one cluster (hostile text does this).
    const chain: PiiCandidate[] = [];
    for (let i = 0; i < 100_000; i++) chain.push({ entity: 'street_address', start: i * 10, end: i * 10 + 15, score: 0.6 + (i % 3) * 0.1 });
    const out = resolveOverlaps(chain);
    expect(out.length).toBeGreaterThan(30_000);
    for (let i = 1; i < out.length; i++) expect((out[i] as PiiCandidate).start).toBeGreaterThanOrEqual((out[i - 1] as PiiCandidate).end);
  });
});
