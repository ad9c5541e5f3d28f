// Tests of the sliding count: exact against a naive model (fast-check), bounded by capacity, tolerant of odd clocks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlidingCount } from './sliding-window.js';

describe('SlidingCount', () => {
  it('counts within the window and forgets at exactly windowMs', () => {
    const w = new SlidingCount(10, 1_000);
    expect(w.add(0, 1)).toBe(1);
    expect(w.add(999, 2)).toBe(3);
    expect(w.count(999)).toBe(3);
    // The entry at 0 leaves at 1000 (now - t < window counts).
    expect(w.count(1_000)).toBe(2);
    expect(w.count(1_999)).toBe(0);
    expect(w.size).toBe(0);
  });

  it('never holds more than capacity slots', () => {
    const w = new SlidingCount(3, 1_000_000);
    for (let i = 0; i < 100; i++) w.add(i, 1);
    expect(w.size).toBe(3);
    expect(w.slots).toBe(3);
    expect(w.count(100)).toBe(3);
  });

  it('tolerates a clock that goes back: a late entry leaves with the one before it', () => {
    const w = new SlidingCount(5, 100);
    w.add(1_000, 1);
    expect(w.add(500, 1)).toBe(2);
    expect(w.count(1_099)).toBe(2);
    expect(w.count(1_100)).toBe(0);
  });

  it('refuses a bad capacity or window (caller mistakes)', () => {
    expect(() => new SlidingCount(0, 1)).toThrow(TypeError);
    expect(() => new SlidingCount(1, 0)).toThrow(TypeError);
  });

  it('answers "count > threshold" exactly like keeping every entry (capacity = threshold + 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 3 })), { maxLength: 80 }),
        (threshold, windowMs, steps) => {
          const w = new SlidingCount(threshold + 1, windowMs);
          const all: [number, number][] = [];
          let now = 0;
          for (const [dt, weight] of steps) {
            now += dt;
            const count = w.add(now, weight);
            all.push([now, weight]);
            const naive = all.filter(([t]) => now - t < windowMs).reduce((s, [, x]) => s + x, 0);
            expect(count > threshold).toBe(naive > threshold);
            if (naive <= threshold) expect(count).toBe(naive);
            expect(w.slots).toBeLessThanOrEqual(threshold + 1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
