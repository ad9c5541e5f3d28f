// The per-policy memory of request-side results: keyed by caller, bounded by entries and by a cost in characters
// (keys, contexts, findings), least recently used first out; never answers, failures, or entries too large for their
// share; and what it hands out cannot be changed by the request that gets it.
import { describe, expect, it } from 'vitest';
import type { StageResult } from './run-stage.js';
import { StageCache } from './stage-cache.js';

function result(category: string, findings = 1, evidence?: string): StageResult {
  const one = { detector: 'd', category, score: 0.7, severity: 'low' as const, tags: {}, action: 'flag' as const, ...(evidence === undefined ? {} : { evidence }) };
  return { decision: 'allow', findings: Array.from({ length: findings }, () => ({ ...one })), failures: [] };
}
const clean = (): StageResult => ({ decision: 'allow', findings: [], failures: [] });
/** Cost of a clean entry of caller "k1" at stage input: the key "k1\0input\0<text>". */
const keyCost = (text: string): number => 'k1'.length + 1 + 'input'.length + 1 + text.length;

describe('StageCache', () => {
  it('answers a text the same caller sent before at the same stage and context, and nothing else', () => {
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
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 3, misses: 5 });
  });

  it('keeps callers apart: another caller neither hits nor displaces an entry', () => {
    const cache = new StageCache();
    cache.set('k1', 'input', 'a guess', undefined, result('a'));
    // A hit (or a miss where there was a hit) would tell one caller what another sent.
    expect(cache.get('k2', 'input', 'a guess', undefined)).toBeUndefined();
    cache.set('k2', 'input', 'a guess', undefined, result('b'));
    expect(cache.get('k1', 'input', 'a guess', undefined)?.findings[0]?.category).toBe('a');
    expect(cache.get('k2', 'input', 'a guess', undefined)?.findings[0]?.category).toBe('b');
  });

  it('never takes answers, failed results, results with many findings or entries too large for their share', () => {
    const cache = new StageCache({ maxEntries: 10, maxChars: 16_000, maxTextChars: 8 });
    expect(cache.set('k1', 'output', 'answer', undefined, result('a'))).toBe(false);
    expect(cache.set('k1', 'input', 'failed', undefined, { decision: 'block', findings: [], failures: [{ detector: 'd', code: 'ERR_DETECTOR_TIMEOUT', message: 'slow', failMode: 'closed' }] })).toBe(false);
    expect(cache.set('k1', 'input', 'a longer text', undefined, clean())).toBe(false);
    expect(cache.set('k1', 'input', 'many', undefined, result('a', 33))).toBe(false);
    // The share is 16,000 / 16 = 1,000 characters: findings count 256 each plus their evidence.
    expect(cache.set('k1', 'input', 'three', undefined, result('a', 3))).toBe(true);
    expect(cache.set('k1', 'input', 'four', undefined, result('a', 4))).toBe(false);
    expect(cache.set('k1', 'input', 'evidence', undefined, result('a', 1, 'x'.repeat(800)))).toBe(false);
    expect(cache.set('k1', 'input', 'ctx', { documents: ['D'.repeat(1000)] }, clean())).toBe(false);
    expect(cache.accepts('output', 'answer')).toBe(false);
    expect(cache.accepts('input', 'a longer text')).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 1, chars: keyCost('three') + 3 * 256 });
  });

  it('drops the least recently used entries past its entry and character bounds', () => {
    const cache = new StageCache({ maxEntries: 3, maxChars: 1_000_000, maxTextChars: 1000 });
    for (const t of ['one', 'two', 'three']) cache.set('k1', 'input', t, undefined, result(t));
    expect(cache.get('k1', 'input', 'one', undefined)).toBeDefined(); // now the most recent
    cache.set('k1', 'input', 'four', undefined, result('four'));
    expect(cache.get('k1', 'input', 'two', undefined)).toBeUndefined();
    expect(['one', 'three', 'four'].map((t) => cache.get('k1', 'input', t, undefined)?.findings[0]?.category)).toEqual(['one', 'three', 'four']);

    // Entries of 13 characters, a budget of 16 of them.
    const small = new StageCache({ maxEntries: 100, maxChars: 16 * keyCost('t000'), maxTextChars: 100 });
    for (let i = 0; i < 17; i++) expect(small.set('k1', 'input', `t${String(i).padStart(3, '0')}`, undefined, clean())).toBe(true);
    expect(small.stats()).toMatchObject({ entries: 16, chars: 16 * keyCost('t000') });
    expect(small.get('k1', 'input', 't000', undefined)).toBeUndefined();
    // Setting a text again replaces it without counting it twice.
    small.set('k1', 'input', 't016', undefined, clean());
    expect(small.stats()).toMatchObject({ entries: 16, chars: 16 * keyCost('t000') });
  });

  it('makes room from the entries of a caller over its share, so one caller cannot push out the others', () => {
    const cache = new StageCache({ maxEntries: 8, maxChars: 1_000_000, maxTextChars: 100 });
    cache.set('quiet', 'input', 'my conversation', undefined, result('q1'));
    cache.set('quiet', 'input', 'my tool definition', undefined, result('q2'));
    // A caller sending many distinct texts: beyond its share (8 / 4 = 2 entries) of a full memory it evicts its own.
    for (let i = 0; i < 50; i++) cache.set('noisy', 'input', `text ${i}`, undefined, clean());
    expect(cache.get('quiet', 'input', 'my conversation', undefined)?.findings[0]?.category).toBe('q1');
    expect(cache.get('quiet', 'input', 'my tool definition', undefined)?.findings[0]?.category).toBe('q2');
    expect(cache.get('noisy', 'input', 'text 49', undefined)).toBeDefined();
    expect(cache.get('noisy', 'input', 'text 40', undefined)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 8, callers: 2 });
    // A caller within its share still evicts the least recently used entries of all.
    cache.set('third', 'input', 'new', undefined, clean());
    expect(cache.stats()).toMatchObject({ entries: 8, callers: 3 });

    // The character budget is shared the same way: entries of 16 characters, a budget of 32 of them.
    const cost = 'quiet'.length + 1 + 'input'.length + 1 + 'q000'.length;
    const small = new StageCache({ maxEntries: 1000, maxChars: 32 * cost, maxTextChars: 100 });
    expect(small.set('quiet', 'input', 'q000', undefined, clean())).toBe(true);
    for (let i = 0; i < 100; i++) small.set('noisy', 'input', `n${String(i).padStart(3, '0')}`, undefined, clean());
    expect(small.get('quiet', 'input', 'q000', undefined)).toBeDefined();
    expect(small.stats()).toMatchObject({ entries: 32, chars: 32 * cost });
  });

  it('keeps the entry just set even when the memory is smaller than the callers\' shares', () => {
    // 2 entries: a share of 0.5, so every caller is over it from its first entry.
    const tiny = new StageCache({ maxEntries: 2, maxChars: 1_000_000, maxTextChars: 100 });
    tiny.set('a', 'input', 'one', undefined, clean());
    tiny.set('a', 'input', 'two', undefined, clean());
    expect(tiny.set('b', 'input', 'three', undefined, clean())).toBe(true);
    expect(tiny.get('b', 'input', 'three', undefined)).toBeDefined();
    expect(tiny.stats()).toMatchObject({ entries: 2, callers: 2 });
  });

  it('lets a lone caller use all of it, and forgets callers whose entries are gone', () => {
    const cache = new StageCache({ maxEntries: 8, maxChars: 1_000_000, maxTextChars: 100 });
    for (let i = 0; i < 8; i++) cache.set('only', 'input', `text ${i}`, undefined, clean());
    expect(cache.stats()).toMatchObject({ entries: 8, callers: 1 });
    for (let i = 0; i < 8; i++) expect(cache.get('only', 'input', `text ${i}`, undefined)).toBeDefined();
    // A second caller within its share (2 of 8) takes the oldest entries of all: those of the first.
    for (let i = 0; i < 2; i++) cache.set('other', 'input', `text ${i}`, undefined, clean());
    expect(cache.get('only', 'input', 'text 0', undefined)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 8, callers: 2 });
    // Once all of a caller's entries are gone, so is the caller.
    const turnover = new StageCache({ maxEntries: 8, maxChars: 1_000_000, maxTextChars: 100 });
    turnover.set('first', 'input', 'hello', undefined, clean());
    for (const c of ['b', 'c', 'd', 'e']) for (const t of ['x', 'y']) turnover.set(c, 'input', t, undefined, clean());
    expect(turnover.get('first', 'input', 'hello', undefined)).toBeUndefined();
    expect(turnover.stats()).toMatchObject({ entries: 8, callers: 4 });
  });

  it('holds one copy of a context shared by its entries, and counts its characters once while it is used', () => {
    const cache = new StageCache({ maxEntries: 3, maxChars: 10_000, maxTextChars: 100 });
    const system = 'S'.repeat(100);
    // Each request parses its own copy of the system prompt.
    for (const t of ['a', 'b', 'c']) cache.set('k1', 'input', t, { systemPrompt: system.slice(0, 50) + system.slice(50) }, clean());
    expect(cache.stats()).toMatchObject({ entries: 3, chars: 3 * keyCost('a') + 100 });
    cache.set('k1', 'input', 'd', { systemPrompt: 'other' }, clean());
    expect(cache.stats()).toMatchObject({ entries: 3, chars: 3 * keyCost('a') + 100 + 5 });
    for (const t of ['e', 'f', 'g']) cache.set('k1', 'input', t, undefined, clean());
    expect(cache.stats()).toMatchObject({ entries: 3, chars: 3 * keyCost('a') });
    expect(cache.get('k1', 'input', 'e', undefined)).toBeDefined();
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
