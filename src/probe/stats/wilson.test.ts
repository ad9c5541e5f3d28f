import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilson } from './wilson.js';

describe('wilson', () => {
  it('matches published 95% intervals', () => {
    // Reference values: Newcombe (1998) / R binom::binom.wilson.
    expect(wilson(0, 10)).toMatchObject({ rate: 0, low: 0, n: 10 });
    expect(wilson(0, 10).high).toBeCloseTo(0.2775, 4);
    const half = wilson(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    expect(wilson(10, 10)).toMatchObject({ rate: 1, high: 1 });
    expect(wilson(10, 10).low).toBeCloseTo(0.7225, 4);
    const newcombe = wilson(81, 263);
    expect(newcombe.low).toBeCloseTo(0.2553, 4);
    expect(newcombe.high).toBeCloseTo(0.3662, 4);
  });

  it('n = 0 is the whole interval with rate 0', () => {
    expect(wilson(0, 0)).toEqual({ rate: 0, low: 0, high: 1, n: 0 });
  });

  it('rejects impossible counts', () => {
    expect(() => wilson(3, 2)).toThrow(TypeError);
    expect(() => wilson(-1, 2)).toThrow(TypeError);
    expect(() => wilson(1.5, 2)).toThrow(TypeError);
    expect(() => wilson(1, 2, 0)).toThrow(TypeError);
  });

  it('always contains the rate and stays within [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const s = Math.round(f * n);
        const w = wilson(s, n);
        return w.low >= 0 && w.high <= 1 && w.low <= w.rate + 1e-12 && w.rate <= w.high + 1e-12;
      }),
    );
  });
});
