// Wilson score intervals for rates (ASR, refusal rate): sound at small n and at 0 % and 100 %, unlike the normal one.
import type { Interval } from '../types.js';

/** z of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of `successes` out of `n`. With n = 0 there is no information: the rate is reported as 0
 * and the interval as the whole [0, 1] (`n: 0` tells readers the rate means nothing), so reports never carry NaN.
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError('n must be a non-negative integer');
  if (!Number.isSafeInteger(successes) || successes < 0 || successes > n) throw new TypeError('successes must be an integer in [0, n]');
  if (!(z > 0) || !Number.isFinite(z)) throw new TypeError('z must be a positive number');
  if (n === 0) return { rate: 0, low: 0, high: 1, n: 0 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n the bound is exactly 0 or 1; the subtraction would leave a rounding crumb.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { rate: p, low, high, n };
}
