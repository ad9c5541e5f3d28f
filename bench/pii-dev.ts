// Development benchmark for the pii detector on the presidio synthetic set: per-entity recall, span precision,
// false-positive rate on the rows without PII, and µs per 1 KB message (plus hostile-input timings).
// Usage: npx tsx bench/pii-dev.ts [datasetPath] [--threshold 0.5] [--misses ENTITY] [--fps] [--benign] [--json]
// Default dataset: $BULWARK_DATASETS/pii/presidio_synth_dataset_v2.json, else ../shared/datasets/... from the repo root.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/core/finding.js';
import { piiDetector } from '../src/detectors/pii.js';
import { analyzeText } from '../src/text/analysis.js';

interface GoldSpan {
  entity_type: string;
  entity_value: string;
  start_position: number;
  end_position: number;
}
interface Row {
  full_text: string;
  spans: GoldSpan[];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !['--misses', '--threshold'].includes(all[i - 1] ?? ''));
const datasetsRoot = process.env.BULWARK_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets');
const datasetPath = positional[0] ?? join(datasetsRoot, 'pii', 'presidio_synth_dataset_v2.json');
if (!existsSync(datasetPath)) {
  console.error(`dataset not found: ${datasetPath} (pass a path or set BULWARK_DATASETS)`);
  process.exit(2);
}
const missesFor = process.argv.includes('--misses') ? process.argv[process.argv.indexOf('--misses') + 1] : undefined;
const showFps = process.argv.includes('--fps');

// Presidio label -> our category. DATE_TIME is broader than a date of birth; it is scored separately below.
const MAP: Readonly<Record<string, string>> = {
  PERSON: 'person',
  STREET_ADDRESS: 'street_address',
  CREDIT_CARD: 'credit_card',
  PHONE_NUMBER: 'phone',
  EMAIL_ADDRESS: 'email',
  IBAN_CODE: 'iban',
  US_SSN: 'us_ssn',
  IP_ADDRESS: 'ip_address',
  US_DRIVER_LICENSE: 'driver_license',
  DATE_TIME: 'date_of_birth',
};
// Labels our address spans legitimately cover (a city, a postcode) without being wrong.
const NEAR: Readonly<Record<string, readonly string[]>> = {
  street_address: ['GPE', 'ZIP_CODE'],
};
const BIRTH_CUE = /(?:born|birth|dob)\b[^.\n]{0,12}[.:]?\s*(?:it'?s\s*)?$/i;

const thresholdArg = process.argv.includes('--threshold') ? Number(process.argv[process.argv.indexOf('--threshold') + 1]) : undefined;
const detect = piiDetector.create(piiDetector.options.parse(thresholdArg === undefined ? {} : { threshold: thresholdArg }));
const ctx = { analysis: analyzeText('') };
function run(text: string): Finding[] {
  const out = detect({ text, stage: 'input' }, ctx);
  if (out instanceof Promise) throw new Error('pii detector is synchronous');
  return out;
}

const rows = JSON.parse(readFileSync(datasetPath, 'utf8')) as Row[];
const quote = (s: string): string => JSON.stringify(s);
const overlaps = (a: { start: number; end: number }, s: GoldSpan): boolean => a.start < s.end_position && s.start_position < a.end;

const recall = new Map<string, { total: number; found: number; exact: number }>();
const precision = new Map<string, { predicted: number; correct: number; near: number; exact: number }>();
const misses: string[] = [];
const fps: string[] = [];
let cleanRows = 0;
let cleanFlagged = 0;
for (const row of rows) {
  const findings = run(row.full_text);
  if (row.spans.length === 0) {
    cleanRows++;
    if (findings.length > 0) cleanFlagged++;
  }
  for (const s of row.spans) {
    const ours = MAP[s.entity_type];
    if (!ours) continue;
    const dobCued = s.entity_type === 'DATE_TIME' && BIRTH_CUE.test(row.full_text.slice(0, s.start_position));
    const key = s.entity_type === 'DATE_TIME' ? (dobCued ? 'DATE_TIME (after a birth cue)' : 'DATE_TIME (other)') : s.entity_type;
    const r = recall.get(key) ?? { total: 0, found: 0, exact: 0 };
    r.total++;
    const hits = findings.filter((f) => f.category === ours && f.span && overlaps(f.span, s));
    if (hits.length > 0) r.found++;
    else if (missesFor === s.entity_type) misses.push(`${quote(s.entity_value)}  in  ${quote(row.full_text.slice(0, 160))}`);
    if (hits.some((f) => f.span?.start === s.start_position && f.span.end === s.end_position)) r.exact++;
    recall.set(key, r);
  }
  for (const f of findings) {
    if (!f.span) continue;
    const p = precision.get(f.category) ?? { predicted: 0, correct: 0, near: 0, exact: 0 };
    p.predicted++;
    const same = row.spans.filter((s) => MAP[s.entity_type] === f.category && overlaps(f.span!, s));
    const near = row.spans.some((s) => (NEAR[f.category] ?? []).includes(s.entity_type) && overlaps(f.span!, s));
    if (same.length > 0) p.correct++;
    if (same.length > 0 || near) p.near++;
    else if (showFps) fps.push(`${f.category} ${quote(row.full_text.slice(f.span.start, f.span.end))}  in  ${quote(row.full_text.slice(0, 120))}`);
    if (same.some((s) => s.start_position === f.span!.start && s.end_position === f.span!.end)) p.exact++;
    precision.set(f.category, p);
  }
}

// Timing: ~1 KB messages without PII, assembled from the PII-free rows and ordinary prose with numbers.
const prose = [
  'The quarterly review covers three projects and 12 milestones; version 2.4.1 shipped on time.',
  'Monday Morning Update: the build took 45 minutes, memory use fell by 18% and 2 tests were flaky.',
  'Please summarise the attached report in five bullet points and suggest next steps for the team.',
  'Prices rose 3.5% in 2023, while the index closed at 4,512.30 after a volatile session.',
  'Use the function below to sort the list; it runs in O(n log n) time for 10,000 items.',
  ...rows.filter((r) => r.spans.length === 0).map((r) => r.full_text),
];
const messages: string[] = [];
for (let i = 0, cur = ''; messages.length < 200; i++) {
  cur += (prose[i % prose.length] ?? '') + ' ';
  if (cur.length >= 1024) {
    messages.push(cur.slice(0, 1024));
    cur = '';
  }
}
const quiet = messages.filter((m) => run(m).length === 0);
function usPer(texts: readonly string[], iterations: number): number {
  for (let r = 0; r < Math.min(2000, iterations); r++) run(texts[r % texts.length] ?? '');
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < iterations; r++) run(texts[r % texts.length] ?? '');
  return Number(process.hrtime.bigint() - t0) / iterations / 1000;
}
const usPerKb = usPer(quiet, 50_000);
const withPii = rows.filter((r) => r.spans.length > 0).map((r) => r.full_text);
const piiMessages: string[] = [];
for (let i = 0, cur = ''; piiMessages.length < 200; i++) {
  cur += (withPii[i % withPii.length] ?? '') + '\n';
  if (cur.length >= 1024) {
    piiMessages.push(cur.slice(0, 1024));
    cur = '';
  }
}
const usPerKbPii = usPer(piiMessages, 20_000);
const MB = 1 << 20;
const hostile: Record<string, string> = {
  '1 MB digits': '7'.repeat(MB),
  "1 MB '@'": '@'.repeat(MB),
  '1 MB capitalised words': 'Anna Smith Street '.repeat(MB / 18),
  '1 MB "1 " pairs': '1 '.repeat(MB / 2),
  '1 MB "a@" runs': 'a@'.repeat(MB / 2),
};
const hostileMs: Record<string, number> = {};
for (const [name, text] of Object.entries(hostile)) {
  const t0 = process.hrtime.bigint();
  run(text);
  hostileMs[name] = Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10;
}

const pct = (a: number, b: number): string => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
console.log(`pii dev benchmark on ${datasetPath} (${rows.length} rows)\n`);
console.log('recall per presidio entity (a gold span counts when a finding of our category overlaps it)');
for (const [k, r] of [...recall].sort((a, b) => b[1].total - a[1].total)) {
  const counts = `${k.padEnd(30)} ${String(r.total).padStart(4)}`;
  console.log(`  ${counts}  recall ${pct(r.found, r.total)}  exact span ${pct(r.exact, r.total)}`);
}
console.log('\nspan precision per category (finding overlaps a gold span of the category;');
console.log('"near" also accepts GPE/ZIP inside addresses)');
for (const [k, p] of [...precision].sort((a, b) => b[1].predicted - a[1].predicted)) {
  const counts = `${k.padEnd(30)} ${String(p.predicted).padStart(4)}`;
  const rates = `precision ${pct(p.correct, p.predicted)}  near ${pct(p.near, p.predicted)}  exact ${pct(p.exact, p.predicted)}`;
  console.log(`  ${counts}  ${rates}`);
}
console.log(`\nrows without PII: ${cleanRows}, flagged ${cleanFlagged} -> FPR ${pct(cleanFlagged, cleanRows)}`);
console.log(`\nµs per 1 KB message: ${usPerKb.toFixed(1)} without PII (${quiet.length} messages), ${usPerKbPii.toFixed(1)} with PII`);
console.log(`hostile inputs (ms): ${Object.entries(hostileMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
if (misses.length > 0) console.log(`\nmisses for ${missesFor}:\n  ${misses.slice(0, 60).join('\n  ')}`);
if (fps.length > 0) console.log(`\nfindings matching no gold span:\n  ${fps.slice(0, 80).join('\n  ')}`);

// Optional: findings on benign prompt sets (chat questions without PII, apart from rare real names). Every finding
// there is a false positive or a public figure; the rate per 1,000 prompts shows how noisy the detector is on prose.
const benign: { prompts: number; findings: Record<string, number>; examples: string[] } = { prompts: 0, findings: {}, examples: [] };
if (process.argv.includes('--benign')) {
  const dir = join(datasetsRoot, 'benign');
  const prompts: string[] = [];
  for (const line of readFileSync(join(dir, 'mt_bench_questions.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) prompts.push(...(JSON.parse(line) as { turns: string[] }).turns);
  }
  for (const line of readFileSync(join(dir, 'multilingual_benign_prompts.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) prompts.push((JSON.parse(line) as { text: string }).text);
  }
  for (const r of JSON.parse(readFileSync(join(dir, 'wildguard_benign.json'), 'utf8')) as { prompt: string }[]) prompts.push(r.prompt);
  benign.prompts = prompts.length;
  for (const p of prompts) {
    for (const f of run(p)) {
      benign.findings[f.category] = (benign.findings[f.category] ?? 0) + 1;
      if (f.span && benign.examples.length < 400) benign.examples.push(`${f.category} ${f.score} ${quote(p.slice(f.span.start, f.span.end))}`);
    }
  }
  console.log(`\nbenign prompts: ${benign.prompts}; findings per 1,000 prompts:`);
  for (const [k, n] of Object.entries(benign.findings).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${k.padEnd(16)} ${((1000 * n) / benign.prompts).toFixed(1)}`);
  }
  if (showFps) console.log(`  ${benign.examples.join('\n  ')}`);
}

const result = {
  bench: 'pii-dev',
  dataset: 'presidio_synth_dataset_v2',
  rows: rows.length,
  recall: Object.fromEntries([...recall].map(([k, r]) => [k, { ...r, recall: r.found / r.total }])),
  precision: Object.fromEntries([...precision].map(([k, p]) => [k, { ...p, precision: p.correct / p.predicted }])),
  fprNoPiiRows: cleanFlagged / cleanRows,
  usPerKbNoPii: usPerKb,
  usPerKbWithPii: usPerKbPii,
  hostileMs,
  benignFindingsPer1000: Object.fromEntries(Object.entries(benign.findings).map(([k, n]) => [k, (1000 * n) / (benign.prompts || 1)])),
  node: process.version,
  date: new Date().toISOString(),
};
if (process.argv.includes('--json')) {
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'pii-dev.json'), `${JSON.stringify(result, null, 2)}\n`);
}
