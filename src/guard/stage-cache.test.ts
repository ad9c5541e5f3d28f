// The per-policy memory of request-side results: bounded by entries and characters, least recently used first out,
// never answers, never failures, and what it hands out cannot be changed by the request that gets it.
import { describe, expect, it } from 'vitest';
import type { StageResult } from './run-stage.js';
import { StageCache } from './stage-cache.js';

function result(category: string): StageResult {
  return { decision: 'allow', findings: [{ detector: 'd', category, score: 0.7, severity: 'low', tags: {}, action: 'flag' }], failures: [] };
}

describe('StageCache', () => {
  it('answers a text seen before at the same stage and context, and nothing else', () => {
    const cache = new StageCache();
    cache.set('k1', 'input', 'hello', { systemPrompt: 'sys' }, result('a'));
    expect(cache.get('k1', 'input', 'hello', { systemPrompt: 'sys' })?.findings[0]?.category).toBe('a');
    // The system prompt arrives as a new string with every request: compared by value.
    expect(cache.get('k1', 'input', 'hello', { systemPrompt: ['s', 'y', 's'].join('') })).toBeDefined();
    expect(cache.get('k1', 'input', 'hello', { systemPrompt: 'other' })).toBeUndefined();
    expect(cache.get('k1', 'input', 'hello', undefined)).toBeUndefined();
    expect(cache.get('k1', 'tool_result', 'hello', { systemPrompt: 'sys' })).toBeUndefined();
    expect(cache.get('k1', 'input', 'hello!', { systemPrompt: 'sys' })).toBeUndefined();
    cache.set('k1', 'input', 'docs', { documents: ['a', 'b'] }, result('b'));
    expect(cache.get('k1', 'input', 'docs', { documents: ['a', 'b'] })).toBeDefined();
    expect(cache.get('k1', 'input', 'docs', { documents: ['a', 'c'] })).toBeUndefined();
    // Another caller's identical text is a miss: a hit would be a timing signal of what someone else sent.
    expect(cache.get('k2', 'input', 'docs', { documents: ['a', 'b'] })).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 3, misses: 6 });
  });

  it('never takes answers, failed results or texts over the length bound', () => {
    const cache = new StageCache({ maxEntries: 10, maxChars: 1000, maxTextChars: 8 });
    cache.set('k1', 'output', 'answer', undefined, result('a'));
    cache.set('k1', 'input', 'failed', undefined, { decision: 'block', findings: [], failures: [{ detector: 'd', code: 'ERR_DETECTOR_TIMEOUT', message: 'slow', failMode: 'closed' }] });
    cache.set('k1', 'input', 'a longer text', undefined, result('a'));
    expect(cache.accepts('output', 'answer')).toBe(false);
    expect(cache.accepts('input', 'a longer text')).toBe(false);
    expect(cache.stats().entries).toBe(0);
  });

  it('drops the least recently used texts past its entry and character bounds', () => {
    const cache = new StageCache({ maxEntries: 3, maxChars: 1000, maxTextChars: 1000 });
    for (const t of ['one', 'two', 'three']) cache.set('k1', 'input', t, undefined, result(t));
    expect(cache.get('k1', 'input', 'one', undefined)).toBeDefined(); // now the most recent
    cache.set('k1', 'input', 'four', undefined, result('four'));
    expect(cache.get('k1', 'input', 'two', undefined)).toBeUndefined();
    expect(['one', 'three', 'four'].map((t) => cache.get('k1', 'input', t, undefined)?.findings[0]?.category)).toEqual(['one', 'three', 'four']);

    const small = new StageCache({ maxEntries: 100, maxChars: 10, maxTextChars: 10 });
    small.set('k1', 'input', 'aaaa', undefined, result('a'));
    small.set('k1', 'input', 'bbbb', undefined, result('b'));
    small.set('k1', 'input', 'cccc', undefined, result('c'));
    expect(small.stats()).toMatchObject({ entries: 2, chars: 8 });
    expect(small.get('k1', 'input', 'aaaa', undefined)).toBeUndefined();
    // Setting a text again replaces it without counting its characters twice.
    small.set('k1', 'input', 'cccc', undefined, result('c2'));
    expect(small.stats()).toMatchObject({ entries: 2, chars: 8 });
    expect(small.get('k1', 'input', 'cccc', undefined)?.findings[0]?.category).toBe('c2');
  });

  it('holds one copy of a context shared by its entries, and counts its characters once while it is used', () => {
    const cache = new StageCache({ maxEntries: 3, maxChars: 1000, maxTextChars: 100 });
    const system = 'S'.repeat(100);
    // Each request parses its own copy of the system prompt.
    for (const t of ['a', 'b', 'c']) cache.set('k1', 'input', t, { systemPrompt: system.slice(0, 50) + system.slice(50) }, result(t));
    expect(cache.stats()).toMatchObject({ entries: 3, chars: 3 + 100 });
    cache.set('k1', 'input', 'd', { systemPrompt: 'other' }, result('d'));
    expect(cache.stats()).toMatchObject({ entries: 3, chars: 3 + 100 + 5 });
    for (const t of ['e', 'f', 'g']) cache.set('k1', 'input', t, undefined, result(t));
    expect(cache.stats()).toMatchObject({ entries: 3, chars: 3 });
    // A context larger than the whole budget is not kept, nor what it would have displaced beyond the budget.
    cache.set('k1', 'input', 'h', { documents: ['D'.repeat(2000)] }, result('h'));
    expect(cache.get('k1', 'input', 'h', { documents: ['D'.repeat(2000)] })).toBeUndefined();
    expect(cache.stats().chars).toBeLessThanOrEqual(1000);
  });

  it('hands out frozen results: one request cannot change what the next one gets', () => {
    const cache = new StageCache();
    cache.set('k1', 'input', 'hello', undefined, result('a'));
    const got = cache.get('k1', 'input', 'hello', undefined)!;
    expect(() => got.findings.push(result('b').findings[0]!)).toThrow(TypeError);
    expect(() => {
      (got.findings[0] as { score: number }).score = 0;
    }).toThrow(TypeError);
    expect(cache.get('k1', 'input', 'hello', undefined)?.findings[0]?.score).toBe(0.7);
  });
});
