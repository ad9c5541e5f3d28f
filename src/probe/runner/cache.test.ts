// Response cache keys (target, repeat and request; not the session id) and the in-memory LRU.
import { describe, expect, it } from 'vitest';
import { createMemoryCache, responseCacheKey } from './cache.js';

describe('response cache', () => {
  it('keys on target, repeat and request content, ignoring the session id', () => {
    const req = { system: 's', messages: [{ role: 'user' as const, content: 'hi' }] };
    const k = responseCacheKey('t', 0, req);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(responseCacheKey('t', 0, { ...req, sessionId: 'abc' })).toBe(k);
    expect(responseCacheKey('t', 1, req)).not.toBe(k);
    expect(responseCacheKey('u', 0, req)).not.toBe(k);
    expect(responseCacheKey('t', 0, { ...req, system: 'S' })).not.toBe(k);
  });

  it('evicts the least recently used entry', () => {
    const c = createMemoryCache(2);
    const r = (text: string) => ({ text, latencyMs: 1 });
    c.set('a', r('A'));
    c.set('b', r('B'));
    c.get('a');
    c.set('c', r('C'));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toEqual(r('A'));
    expect(c.size).toBe(2);
  });
});
