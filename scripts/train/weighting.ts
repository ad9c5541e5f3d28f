// Per-head sample weights: cap each source's influence, then balance the classes.
import type { SplitExample } from './dataset.js';

/** Source-and-label cells above this effective size are scaled down to it. */
const SOURCE_CAP = 900;

export function headWeights(rows: readonly SplitExample[], label: (e: SplitExample) => 0 | 1 | undefined): Float32Array {
  const w = new Float32Array(rows.length);
  const cell = new Map<string, number>();
  rows.forEach((e) => {
    const y = label(e);
    if (y === undefined) return;
    const key = `${e.source}|${y}`;
    cell.set(key, (cell.get(key) ?? 0) + (e.weight ?? 1));
  });
  let pos = 0;
  let neg = 0;
  rows.forEach((e, i) => {
    const y = label(e);
    if (y === undefined) return;
    const total = cell.get(`${e.source}|${y}`)!;
    const v = (e.weight ?? 1) * Math.min(1, SOURCE_CAP / total);
    w[i] = v;
    if (y === 1) pos += v;
    else neg += v;
  });
  // Balance classes so that each carries the same total weight.
  const posScale = pos > 0 ? (pos + neg) / (2 * pos) : 1;
  const negScale = neg > 0 ? (pos + neg) / (2 * neg) : 1;
  rows.forEach((e, i) => {
    const y = label(e);
    if (y === undefined) return;
    w[i] = w[i]! * (y === 1 ? posScale : negScale);
  });
  return w;
}
