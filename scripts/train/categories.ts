// Category models: which kind of injection, which hazard, which kind of toxicity — asked only of texts
// the core model flagged, so they may be slower and are trained on positives with known categories.
import { conceptLexicon } from '../../src/detectors/models/shared-lexicon.js';
import { DEFAULT_FEATURE_SPEC, type FeatureSpec } from '../../src/detectors/models/features.js';
import { encodeModel, type HeadSpec, LinearModel } from '../../src/detectors/models/linear-model.js';
import type { SplitExample } from './dataset.js';
import { quantize, trainLinear, type TrainRow } from './linear-trainer.js';

export const HAZARD_HEADS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10', 'S11', 'S12', 'S13', 'S14'] as const;
const MIN_TRAIN_POSITIVES = 15;

export interface CategoryReport {
  name: string;
  heads: { name: string; trainPositives: number }[];
  dropped: string[];
  testRows: number;
  top1Accuracy: number | null;
}

export function trainCategoryModel(
  name: string,
  data: readonly SplitExample[],
  normalized: readonly string[],
  allHeads: readonly string[],
  categoriesOf: (e: SplitExample) => readonly string[] | undefined,
  log: (msg: string) => void,
): { name: string; file: Buffer; report: CategoryReport } {
  const labelled = data.map((e, i) => ({ e, i, cats: categoriesOf(e) })).filter((x) => x.cats !== undefined);
  const train = labelled.filter((x) => x.e.split === 'train');
  const counts = new Map<string, number>();
  for (const x of train) for (const c of x.cats!) counts.set(c, (counts.get(c) ?? 0) + 1);
  const heads = allHeads.filter((h) => (counts.get(h) ?? 0) >= MIN_TRAIN_POSITIVES);
  const dropped = allHeads.filter((h) => !heads.includes(h));
  const spec: FeatureSpec = { ...DEFAULT_FEATURE_SPEC, bits: 16, conceptsVersion: conceptLexicon().version };
  // Per head, positives and negatives balanced, with a cap per source.
  const rows: TrainRow[] = train.map((x) => ({
    text: normalized[x.i]!,
    labels: Int8Array.from(heads.map((h) => (x.cats!.includes(h) ? 1 : 0))),
    weights: new Float32Array(heads.length),
  }));
  heads.forEach((_, h) => {
    let pos = 0;
    let neg = 0;
    rows.forEach((r, k) => {
      const w = train[k]!.e.weight ?? 1;
      if (r.labels[h] === 1) pos += w;
      else neg += w;
    });
    rows.forEach((r, k) => {
      const w = train[k]!.e.weight ?? 1;
      r.weights[h] = r.labels[h] === 1 ? (w * (pos + neg)) / (2 * Math.max(pos, 1e-9)) : (w * (pos + neg)) / (2 * Math.max(neg, 1e-9));
    });
  });
  log(`  ${name}: heads ${heads.join(', ')}${dropped.length ? `; too little data for ${dropped.join(', ')}` : ''}`);
  const trained = trainLinear(rows, { heads, spec, epochs: 5, learningRate: 0.4, l2: 1e-6, seed: 2 });
  const q = quantize(trained, heads.length);
  const headSpecs: HeadSpec[] = heads.map((h, k) => ({ name: h, bias: trained.bias[k]!, scale: q.scales[k]!, threshold: 0.5 }));
  const model = new LinearModel({ name, spec, heads: headSpecs }, q.weights);
  const test = labelled.filter((x) => x.e.split === 'test' && x.cats!.length > 0);
  let correct = 0;
  for (const x of test) {
    const p = model.score(normalized[x.i]!);
    let best = 0;
    for (let h = 1; h < heads.length; h++) if (p[h]! > p[best]!) best = h;
    if (x.cats!.includes(heads[best]!)) correct++;
  }
  const report: CategoryReport = {
    name,
    heads: heads.map((h) => ({ name: h, trainPositives: counts.get(h) ?? 0 })),
    dropped,
    testRows: test.length,
    top1Accuracy: test.length ? correct / test.length : null,
  };
  log(`  ${name}: top-1 accuracy on ${test.length} test rows ${report.top1Accuracy?.toFixed(3)}`);
  return { name, file: encodeModel({ name, spec, heads: headSpecs }, q.weights), report };
}
