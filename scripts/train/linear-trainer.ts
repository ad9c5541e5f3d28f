// Trains multi-head logistic regression over hashed features with AdaGrad, per-head masks and weights.
import type { FeatureSpec } from '../../src/detectors/models/features.js';
import { Featurizer } from '../../src/detectors/models/features.js';
import { conceptLexicon } from '../../src/detectors/models/shared-lexicon.js';
import { shuffle, rng } from './data/util.js';

export interface TrainRow {
  /** Normalised text, as the detector sees it. */
  text: string;
  /** Per head: 0, 1, or -1 when unknown (not trained on). */
  labels: Int8Array;
  /** Per head sample weight (0 = ignore). */
  weights: Float32Array;
}

export interface TrainOptions {
  heads: readonly string[];
  spec: FeatureSpec;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Share of an example's features left out at each step (a regulariser that spreads weight over more features). */
  dropout?: number;
  log?: (msg: string) => void;
}

export interface TrainedLinear {
  weights: Float32Array; // bucket-major: [bucket * H + head]
  bias: Float64Array;
}

export function trainLinear(rows: readonly TrainRow[], opts: TrainOptions): TrainedLinear {
  const H = opts.heads.length;
  const buckets = 1 << opts.spec.bits;
  const weights = new Float32Array(buckets * H);
  const grad2 = new Float32Array(buckets * H);
  const bias = new Float64Array(H);
  const biasG2 = new Float64Array(H).fill(1e-8);
  const featurizer = new Featurizer(opts.spec, opts.spec.concepts ? conceptLexicon() : undefined);
  const order = rows.map((_, i) => i);
  const r = rng(opts.seed);
  const z = new Float64Array(H);
  const dropout = opts.dropout ?? 0;
  const g = new Float64Array(H);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffle(r, order);
    const lr = opts.learningRate / Math.sqrt(1 + epoch);
    let loss = 0;
    let seen = 0;
    for (const idx of order) {
      const row = rows[idx]!;
      const bag = featurizer.extract(row.text);
      let n = bag.length;
      if (n === 0) continue;
      if (dropout > 0) {
        // Compact the kept features to the front of the bag (the bag is a scratch buffer).
        let kept = 0;
        for (let i = 0; i < n; i++) {
          if (r() < dropout) continue;
          bag.index[kept] = bag.index[i]!;
          bag.value[kept] = bag.value[i]!;
          kept++;
        }
        if (kept === 0) continue;
        n = kept;
      }
      const norm = 1 / Math.sqrt(n);
      z.set(bias);
      for (let i = 0; i < n; i++) {
        const base = bag.index[i]! * H;
        const v = bag.value[i]! * norm;
        for (let h = 0; h < H; h++) z[h] = z[h]! + v * weights[base + h]!;
      }
      let any = false;
      for (let h = 0; h < H; h++) {
        const y = row.labels[h]!;
        const w = row.weights[h]!;
        if (y < 0 || w === 0) {
          g[h] = 0;
          continue;
        }
        const p = 1 / (1 + Math.exp(-z[h]!));
        g[h] = (p - y) * w;
        loss += -w * (y === 1 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
        seen += w;
        any = true;
      }
      if (!any) continue;
      for (let h = 0; h < H; h++) {
        const gh = g[h]!;
        if (gh === 0) continue;
        biasG2[h] = biasG2[h]! + gh * gh;
        bias[h] = bias[h]! - (lr * gh) / Math.sqrt(biasG2[h]!);
      }
      for (let i = 0; i < n; i++) {
        const base = bag.index[i]! * H;
        const v = bag.value[i]! * norm;
        for (let h = 0; h < H; h++) {
          const gh = g[h]!;
          if (gh === 0) continue;
          const k = base + h;
          const grad = gh * v + opts.l2 * weights[k]!;
          grad2[k] = grad2[k]! + grad * grad;
          weights[k] = weights[k]! - (lr * grad) / Math.sqrt(grad2[k]! + 1e-8);
        }
      }
    }
    opts.log?.(`  epoch ${epoch + 1}/${opts.epochs}: weighted log-loss ${(loss / Math.max(seen, 1e-9)).toFixed(4)}`);
  }
  return { weights, bias };
}

/** The element-wise mean of runs trained on the same rows and feature spec (weights and biases). */
export function averageLinear(runs: readonly TrainedLinear[]): TrainedLinear {
  const first = runs[0];
  if (!first) throw new Error('averageLinear needs at least one run');
  if (runs.length === 1) return first;
  const weights = new Float32Array(first.weights.length);
  const bias = new Float64Array(first.bias.length);
  for (const run of runs) {
    if (run.weights.length !== weights.length || run.bias.length !== bias.length) throw new Error('averageLinear: runs differ in shape');
    for (let k = 0; k < weights.length; k++) weights[k] = weights[k]! + run.weights[k]! / runs.length;
    for (let h = 0; h < bias.length; h++) bias[h] = bias[h]! + run.bias[h]! / runs.length;
  }
  return { weights, bias };
}

/** Quantises float weights to int8 with one scale per head (clipping the extreme 0.01 %). */
export function quantize(trained: TrainedLinear, heads: number): { weights: Int8Array; scales: number[] } {
  const { weights } = trained;
  const scales: number[] = [];
  for (let h = 0; h < heads; h++) {
    const mags: number[] = [];
    for (let k = h; k < weights.length; k += heads) if (weights[k] !== 0) mags.push(Math.abs(weights[k]!));
    mags.sort((a, b) => a - b);
    const clip = mags.length ? mags[Math.min(mags.length - 1, Math.floor(mags.length * 0.9999))]! : 1;
    scales.push(clip / 127 || 1);
  }
  const q = new Int8Array(weights.length);
  for (let k = 0; k < weights.length; k++) {
    const s = scales[k % heads]!;
    q[k] = Math.max(-127, Math.min(127, Math.round(weights[k]! / s)));
  }
  return { weights: q, scales };
}
