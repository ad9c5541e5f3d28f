import { describe, expect, it } from 'vitest';
import { MemoryLimitStore } from './memory-store.js';

const RULE = { limit: 10, windowMs: 60_000, bucketMs: 1_000 };

describe('MemoryLimitStore', () => {
  it('consumes within a window and reports remaining or the wait', () => {
    const s = new MemoryLimitStore();
    expect(s.consume('k', 7, RULE, 0)).toEqual({ ok: true, remaining: 3 });
    expect(s.consume('k', 4, RULE, 0)).toEqual({ ok: false, retryAfterMs: 61_000 });
    expect(s.consume('k', 11, RULE, 0)).toEqual({ ok: false, retryAfterMs: Infinity });
  });

  it('sweeps windows of keys that went idle', () => {
    const s = new MemoryLimitStore({ sweepIntervalMs: 10_000 });
    for (let i = 0; i < 100; i++) s.consume(`k${i}`, 1, RULE, 0);
    expect(s.windowCount).toBe(100);
    s.consume('fresh', 1, RULE, 62_000);
    expect(s.windowCount).toBe(1);
  });

  it('starts a key afresh when the window shape changes', () => {
    const s = new MemoryLimitStore();
    s.consume('k', 10, RULE, 0);
    expect(s.consume('k', 10, { ...RULE, windowMs: 30_000 }, 0).ok).toBe(true);
  });

  it('counts slots and never goes below zero', () => {
    const s = new MemoryLimitStore();
    expect(s.acquire('c', 1)).toBe(true);
    expect(s.acquire('c', 1)).toBe(false);
    s.release('c');
    s.release('c');
    expect(s.inFlight('c')).toBe(0);
    expect(s.acquire('c', 1)).toBe(true);
  });
});
