import { describe, expect, it } from 'vitest';
import { ExpiringLru } from './expiring-lru.js';

describe('ExpiringLru', () => {
  it('returns live entries and drops expired ones', () => {
    const c = new ExpiringLru<string>(10);
    c.set('a', 'A', 100, 0);
    expect(c.get('a', 99)).toBe('A');
    expect(c.get('a', 100)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not store entries that are already expired', () => {
    const c = new ExpiringLru<string>(10);
    c.set('a', 'A', 5, 5);
    expect(c.size).toBe(0);
  });

  it('evicts the least recently used entry beyond the bound', () => {
    const c = new ExpiringLru<number>(2);
    c.set('a', 1, 1_000, 0);
    c.set('b', 2, 1_000, 0);
    expect(c.get('a', 1)).toBe(1);
    c.set('c', 3, 1_000, 1);
    expect(c.get('b', 2)).toBeUndefined();
    expect(c.get('a', 2)).toBe(1);
    expect(c.get('c', 2)).toBe(3);
    expect(c.size).toBe(2);
  });

  it('refuses a non-positive bound', () => {
    expect(() => new ExpiringLru(0)).toThrow(TypeError);
  });
});
