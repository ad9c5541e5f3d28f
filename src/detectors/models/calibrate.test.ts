import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate } from './calibrate.js';

describe('calibrate', () => {
  it('maps the threshold to 0.5 and keeps the ends', () => {
    expect(calibrate(0.8, 0.8)).toBeCloseTo(0.5);
    expect(calibrate(0, 0.8)).toBe(0);
    expect(calibrate(1, 0.8)).toBe(1);
  });

  it('is monotonic and stays in 0..1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (a, b, t) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(calibrate(lo, t)).toBeLessThanOrEqual(calibrate(hi, t) + 1e-12);
        expect(calibrate(a, t)).toBeGreaterThanOrEqual(0);
        expect(calibrate(a, t)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
