// Binary-classification metrics used by training reports and the benchmark.

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(scores: readonly number[], labels: readonly number[], threshold: number): Confusion {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  scores.forEach((s, i) => {
    const flagged = s >= threshold;
    if (labels[i] === 1) {
      if (flagged) c.tp++;
      else c.fn++;
    } else if (flagged) c.fp++;
    else c.tn++;
  });
  return c;
}

export interface BinaryMetrics {
  n: number;
  positives: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  fpr: number | null;
  accuracy: number;
  /** Mean of per-class accuracy (the PINT score when classes are the PINT labels). */
  balancedAccuracy: number | null;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function binaryMetrics(c: Confusion): BinaryMetrics {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  const fpr = ratio(c.fp, c.fp + c.tn);
  const tnr = ratio(c.tn, c.tn + c.fp);
  const n = c.tp + c.fp + c.tn + c.fn;
  return {
    n,
    positives: c.tp + c.fn,
    precision,
    recall,
    f1,
    fpr,
    accuracy: n ? (c.tp + c.tn) / n : 0,
    balancedAccuracy: recall !== null && tnr !== null ? (recall + tnr) / 2 : (recall ?? tnr),
  };
}

/** Recall at the threshold where at most `fpr` of negatives are flagged. */
export function recallAtFpr(scores: readonly number[], labels: readonly number[], fpr: number): { recall: number | null; threshold: number } {
  const neg = scores.filter((_, i) => labels[i] !== 1).sort((a, b) => b - a);
  const pos = scores.filter((_, i) => labels[i] === 1);
  if (neg.length === 0 || pos.length === 0) return { recall: null, threshold: NaN };
  const allowed = Math.floor(neg.length * fpr);
  // Threshold just above the (allowed+1)-th highest negative score.
  const threshold = allowed < neg.length ? neg[allowed]! + 1e-12 : 0;
  return { recall: pos.filter((s) => s >= threshold).length / pos.length, threshold };
}

/** Area under the ROC curve (rank statistic, ties count half). */
export function auc(scores: readonly number[], labels: readonly number[]): number | null {
  const items = scores.map((s, i) => ({ s, y: labels[i] === 1 ? 1 : 0 })).sort((a, b) => a.s - b.s);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && items[j]!.s === items[i]!.s) j++;
    const avgRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (items[k]!.y === 1) rankSum += avgRank;
    for (let k = i; k < j; k++) {
      if (items[k]!.y === 1) pos++;
      else neg++;
    }
    i = j;
  }
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Smallest threshold at which the mean false-positive rate over negative sources (each source counted
 * once, sources with fewer than `minNegatives` rows ignored) is at most `target`. Averaging per source keeps
 * a large easy source from hiding a small hard one.
 */
export function thresholdForMacroFpr(
  negatives: readonly { score: number; source: string }[],
  target: number,
  minNegatives = 10,
): number {
  const bySource = new Map<string, number[]>();
  for (const n of negatives) {
    const list = bySource.get(n.source) ?? [];
    list.push(n.score);
    bySource.set(n.source, list);
  }
  const groups = [...bySource.values()].filter((l) => l.length >= minNegatives).map((l) => l.sort((a, b) => a - b));
  if (groups.length === 0) return 0.5;
  const macroFpr = (t: number): number => {
    let sum = 0;
    for (const g of groups) {
      // count of scores >= t via binary search
      let lo = 0;
      let hi = g.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (g[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      sum += (g.length - lo) / g.length;
    }
    return sum / groups.length;
  };
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (macroFpr(mid) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Threshold (searched on a grid) that maximises the mean F1 over sources, never below `minThreshold`. */
export function thresholdForMacroF1(rows: readonly { score: number; label: number; source: string }[], minThreshold = 0): number {
  const bySource = new Map<string, { score: number; label: number }[]>();
  for (const r of rows) {
    const list = bySource.get(r.source) ?? [];
    list.push(r);
    bySource.set(r.source, list);
  }
  const groups = [...bySource.values()].filter((g) => g.some((r) => r.label === 1) && g.some((r) => r.label === 0));
  let best = Math.max(minThreshold, 0.5);
  let bestF1 = -1;
  for (let t = Math.max(0.05, minThreshold); t < 0.99; t += 0.01) {
    let sum = 0;
    for (const g of groups) {
      const m = binaryMetrics(confusion(g.map((r) => r.score), g.map((r) => r.label), t));
      sum += m.f1 ?? 0;
    }
    const f1 = sum / Math.max(groups.length, 1);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = t;
    }
  }
  return best;
}
