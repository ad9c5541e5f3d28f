// Per-head sample weights: cap each source's influence, keep each language's classes in proportion (so that a
// language is never evidence by itself), then balance the classes.
import type { SplitExample } from './dataset.js';

/** Source-and-label cells above this effective size are scaled down to it. */
const SOURCE_CAP = 900;
/** Within one language, neither class may outweigh the other by more than this factor. */
const LANGUAGE_RATIO = 3;
/** Languages that have only one class keep this share of their weight. */
const ONE_CLASS_LANGUAGE_SHARE = 0.25;

export function headWeights(rows: readonly SplitExample[], label: (e: SplitExample) => 0 | 1 | undefined): Float32Array {
  const w = new Float32Array(rows.length);
  const cell = new Map<string, number>();
  rows.forEach((e) => {
    const y = label(e);
    if (y === undefined) return;
    const key = `${e.source}|${y}`;
    cell.set(key, (cell.get(key) ?? 0) + (e.weight ?? 1));
  });
  rows.forEach((e, i) => {
    const y = label(e);
    if (y === undefined) return;
    w[i] = (e.weight ?? 1) * Math.min(1, SOURCE_CAP / cell.get(`${e.source}|${y}`)!);
  });

  // Per language: total weight of each class, then the scale that keeps them in proportion.
  const byLang = new Map<string, [number, number]>();
  rows.forEach((e, i) => {
    const y = label(e);
    if (y === undefined) return;
    const t = byLang.get(e.lang) ?? [0, 0];
    t[y] += w[i]!;
    byLang.set(e.lang, t);
  });
  const scale = new Map<string, [number, number]>();
  for (const [lang, [neg, pos]] of byLang) {
    if (lang === 'en' || lang === 'mixed') scale.set(lang, [1, 1]);
    else if (pos === 0 || neg === 0) scale.set(lang, [ONE_CLASS_LANGUAGE_SHARE, ONE_CLASS_LANGUAGE_SHARE]);
    else scale.set(lang, [Math.min(1, (LANGUAGE_RATIO * pos) / neg), Math.min(1, (LANGUAGE_RATIO * neg) / pos)]);
  }
  let pos = 0;
  let neg = 0;
  rows.forEach((e, i) => {
    const y = label(e);
    if (y === undefined) return;
    w[i] = w[i]! * scale.get(e.lang)![y];
    if (y === 1) pos += w[i]!;
    else neg += w[i]!;
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
