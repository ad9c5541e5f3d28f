import { describe, expect, it } from 'vitest';
import { compareProportions, erfc, fisherExact, lnGamma, normalCdf, twoProportionZ } from './significance.js';

describe('fisherExact', () => {
  it('matches known tables', () => {
    // Fisher's lady tasting tea: [[3,1],[1,3]]; R: p = 0.4857, one-sided (greater) 0.2429.
    const tea = fisherExact(3, 1, 1, 3);
    expect(tea.p).toBeCloseTo(0.485714, 5);
    expect(tea.pGreater).toBeCloseTo(0.242857, 5);
    // Wikipedia's example [[1,9],[11,3]]: two-sided p = 0.002759.
    expect(fisherExact(1, 9, 11, 3).p).toBeCloseTo(0.0027594, 6);
    // R fisher.test(matrix(c(0,10,10,0),2)): p = 1.083e-05.
    expect(fisherExact(0, 10, 10, 0).p).toBeCloseTo(1.0825e-5, 8);
    // No difference.
    expect(fisherExact(5, 5, 5, 5).p).toBeCloseTo(1, 10);
    expect(fisherExact(0, 0, 0, 0).p).toBe(1);
  });

  it('is symmetric in the table orientation', () => {
    expect(fisherExact(2, 7, 8, 2).p).toBeCloseTo(fisherExact(8, 2, 2, 7).p, 12);
    expect(fisherExact(2, 7, 8, 2).p).toBeCloseTo(fisherExact(2, 8, 7, 2).p, 12);
  });
});

describe('normal approximation', () => {
  it('erfc and the normal CDF', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('two-proportion z-test on a textbook example', () => {
    // 520/1000 vs 480/1000: pooled p = 0.5, se = 0.02236, z = -1.789, p = 0.0736.
    const r = twoProportionZ(520, 1000, 480, 1000);
    expect(r.z).toBeCloseTo(-1.78885, 4);
    expect(r.p).toBeCloseTo(0.07364, 4);
  });

  it('compareProportions is exact for small n and uses z for large balanced tables', () => {
    expect(compareProportions(1, 10, 9, 10).test).toBe('fisher');
    expect(compareProportions(1, 10, 9, 10).p).toBeCloseTo(fisherExact(1, 9, 9, 1).p, 12);
    const big = compareProportions(300, 1000, 360, 1000);
    expect(big.test).toBe('z');
    expect(big.p).toBeLessThan(0.05);
    // Sparse large tables stay exact: 1/2000 vs 4/2000.
    expect(compareProportions(1, 2000, 4, 2000).test).toBe('fisher');
    expect(() => compareProportions(5, 4, 1, 1)).toThrow(TypeError);
  });
});
