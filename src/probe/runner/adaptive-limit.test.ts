// AIMD concurrency: slots, halving once per round of 429s, growth after a streak, cancellation while waiting.
import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from './adaptive-limit.js';

const signal = new AbortController().signal;

describe('AdaptiveLimit', () => {
  it('holds at most `limit` slots and hands freed slots to waiters in order', async () => {
    const l = new AdaptiveLimit(2);
    expect(await l.acquire(signal)).toBe(true);
    expect(await l.acquire(signal)).toBe(true);
    const order: number[] = [];
    const w1 = l.acquire(signal).then(() => order.push(1));
    const w2 = l.acquire(signal).then(() => order.push(2));
    await Promise.resolve();
    expect(order).toEqual([]);
    l.release();
    await w1;
    expect(order).toEqual([1]);
    expect(l.inFlight).toBe(2);
    l.release();
    await w2;
    expect(order).toEqual([1, 2]);
  });

  it('halves once for a burst of 429s from one round and never below 1', () => {
    const l = new AdaptiveLimit(16);
    const round = l.epoch;
    for (let i = 0; i < 10; i++) l.onThrottle(round);
    expect(l.limit).toBe(8);
    l.onThrottle(l.epoch);
    l.onThrottle(l.epoch);
    l.onThrottle(l.epoch);
    l.onThrottle(l.epoch);
    l.onThrottle(l.epoch);
    expect(l.limit).toBe(1);
    expect(l.minimum).toBe(1);
  });

  it('grows by one after a streak of successes as long as the current limit, up to the maximum', () => {
    const l = new AdaptiveLimit(4);
    l.onThrottle(l.epoch);
    expect(l.limit).toBe(2);
    l.onSuccess();
    expect(l.limit).toBe(2);
    l.onSuccess();
    expect(l.limit).toBe(3);
    for (let i = 0; i < 3; i++) l.onSuccess();
    expect(l.limit).toBe(4);
    for (let i = 0; i < 10; i++) l.onSuccess();
    expect(l.limit).toBe(4);
  });

  it('wakes a waiter when the limit grows, and gives up a wait on abort', async () => {
    const l = new AdaptiveLimit(2);
    l.onThrottle(l.epoch);
    await l.acquire(signal);
    const ac = new AbortController();
    const aborted = l.acquire(ac.signal);
    const waiting = l.acquire(signal);
    ac.abort();
    expect(await aborted).toBe(false);
    l.onSuccess();
    expect(await waiting).toBe(true);
    expect(l.inFlight).toBe(2);
    expect(() => new AdaptiveLimit(0)).toThrow(TypeError);
  });
});
