// Tests for a change between two proportions (a category's ASR in two runs): Fisher's exact test for small or
// sparse tables, the pooled two-proportion z-test for large ones.

export interface ProportionTest {
  test: 'fisher' | 'z';
  /** Two-sided p-value. */
  p: number;
  /** z statistic (z-test only): positive when the second rate is higher. */
  z?: number;
}

/** Tables at most this large are tested exactly (Fisher); larger ones with every expected cell ≥ 5 use the z-test. */
export const EXACT_MAX_N = 1000;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
export function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let a = c[0] as number;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

function lnFactorial(n: number): number {
  return lnGamma(n + 1);
}

function lnChoose(n: number, k: number): number {
  return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
}

function checkCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`${name} must be a non-negative integer`);
}

/**
 * Fisher's exact test of the 2×2 table [[a, b], [c, d]]. Two-sided p: the sum of the probabilities of every table
 * with the same margins that is no more likely than the observed one (R's fisher.test, same relative tolerance).
 */
export function fisherExact(a: number, b: number, c: number, d: number): { p: number; pLess: number; pGreater: number } {
  for (const [k, v] of Object.entries({ a, b, c, d })) checkCount(k, v);
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (n === 0) return { p: 1, pLess: 1, pGreater: 1 };
  const lo = Math.max(0, col1 - (n - row1));
  const hi = Math.min(row1, col1);
  const lnDenominator = lnChoose(n, col1);
  const logP = (x: number): number => lnChoose(row1, x) + lnChoose(n - row1, col1 - x) - lnDenominator;
  const observed = logP(a);
  let p = 0;
  let pLess = 0;
  let pGreater = 0;
  const tolerance = 1 + 1e-7;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    const px = Math.exp(lp);
    if (lp <= observed + Math.log(tolerance)) p += px;
    if (x <= a) pLess += px;
    if (x >= a) pGreater += px;
  }
  return { p: Math.min(1, p), pLess: Math.min(1, pLess), pGreater: Math.min(1, pGreater) };
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Pooled two-proportion z-test of x1/n1 against x2/n2 (two-sided). */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  for (const [k, v] of Object.entries({ x1, n1, x2, n2 })) checkCount(k, v);
  if (x1 > n1 || x2 > n2) throw new TypeError('successes cannot exceed trials');
  if (n1 === 0 || n2 === 0) return { z: 0, p: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, p: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, p: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

/** Did the rate change between x1/n1 and x2/n2? Exact for small or sparse tables, z-test otherwise. */
export function compareProportions(x1: number, n1: number, x2: number, n2: number): ProportionTest {
  for (const [k, v] of Object.entries({ x1, n1, x2, n2 })) checkCount(k, v);
  if (x1 > n1 || x2 > n2) throw new TypeError('successes cannot exceed trials');
  const n = n1 + n2;
  const successes = x1 + x2;
  const minExpected = n === 0 ? 0 : Math.min(n1, n2) * Math.min(successes, n - successes) / n;
  if (n <= EXACT_MAX_N || minExpected < 5) return { test: 'fisher', p: fisherExact(x1, n1 - x1, x2, n2 - x2).p };
  const { z, p } = twoProportionZ(x1, n1, x2, n2);
  return { test: 'z', p, z };
}
