// Development benchmark for the pii detector: presidio synthetic set split by template into DEV and HOLDOUT halves,
// findings per 1,000 benign prompts, and CPU µs per 1 KB message (plus hostile-input timings).
// Usage: npx tsx bench/pii-dev.ts [datasetPath] [--threshold 0.5] [--misses ENTITY] [--fps] [--no-benign] [--json]
// --misses and --fps print examples from the DEV half only: tune on DEV, report HOLDOUT, never look at its rows.
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
  template_id: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argValue = (flag: string): string | undefined =>
  process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined;
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !['--misses', '--threshold'].includes(all[i - 1] ?? ''));
const datasetsRoot = process.env.BULWARK_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets');
const datasetPath = positional[0] ?? join(datasetsRoot, 'pii', 'presidio_synth_dataset_v2.json');
if (!existsSync(datasetPath)) {
  console.error(`dataset not found: ${datasetPath} (pass a path or set BULWARK_DATASETS)`);
  process.exit(2);
}
const missesFor = argValue('--misses');
const showFps = process.argv.includes('--fps');

// Presidio label -> our category. DATE_TIME is broader than a date of birth: only dates after a birth cue are in
// scope; the others are reported apart and count neither for recall nor as rows with PII.
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
const NEAR: Readonly<Record<string, readonly string[]>> = { street_address: ['GPE', 'ZIP_CODE'] };
const BIRTH_CUE = /(?:born|birth|dob)\b[^.\n]{0,12}[.:]?\s*(?:it'?s\s*)?$/i;

/** FNV-1a (32 bit) of the decimal template id; the low bit picks the half, so a template never straddles both. */
function half(templateId: number): 'dev' | 'holdout' {
  let h = 0x811c9dc5;
  for (const c of String(templateId)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return (h & 1) === 0 ? 'dev' : 'holdout';
}

const threshold = argValue('--threshold');
const detect = piiDetector.create(piiDetector.options.parse(threshold === undefined ? {} : { threshold: Number(threshold) }));
const ctx = { analysis: analyzeText('') };
function run(text: string): Finding[] {
  const out = detect({ text, stage: 'input' }, ctx);
  if (out instanceof Promise) throw new Error('pii detector is synchronous');
  return out;
}

const rows = JSON.parse(readFileSync(datasetPath, 'utf8')) as Row[];
const quote = (s: string): string => JSON.stringify(s);
const overlaps = (a: { start: number; end: number }, s: GoldSpan): boolean => a.start < s.end_position && s.start_position < a.end;

/** The entity key of a gold span, or undefined when it is out of scope for the detector. */
function goldKey(row: Row, s: GoldSpan): string | undefined {
  if (!MAP[s.entity_type]) return undefined;
  if (s.entity_type !== 'DATE_TIME') return s.entity_type;
  return BIRTH_CUE.test(row.full_text.slice(0, s.start_position)) ? 'DATE_TIME (birth)' : undefined;
}

interface Counts {
  recall: Map<string, { total: number; found: number; exact: number }>;
  precision: Map<string, { predicted: number; correct: number; near: number; exact: number }>;
  piiRows: number;
  piiRowsFound: number;
  cleanRows: number;
  cleanFlagged: number;
  /** Findings on rows without in-scope PII, by category: counts only, so the holdout rows stay unread. */
  cleanFindings: Map<string, number>;
}

function evaluate(part: readonly Row[], examples: boolean): { counts: Counts; misses: string[]; fps: string[] } {
  const counts: Counts = {
    recall: new Map(), precision: new Map(), piiRows: 0, piiRowsFound: 0, cleanRows: 0, cleanFlagged: 0, cleanFindings: new Map(),
  };
  const misses: string[] = [];
  const fps: string[] = [];
  for (const row of part) {
    const findings = run(row.full_text);
    let inScope = 0;
    let inScopeFound = 0;
    for (const s of row.spans) {
      const key = goldKey(row, s);
      if (!key) continue;
      inScope++;
      const r = counts.recall.get(key) ?? { total: 0, found: 0, exact: 0 };
      r.total++;
      const hits = findings.filter((f) => f.category === MAP[s.entity_type] && f.span && overlaps(f.span, s));
      if (hits.length > 0) {
        r.found++;
        inScopeFound++;
      } else if (examples && missesFor === s.entity_type) {
        misses.push(`${quote(s.entity_value)}  in  ${quote(row.full_text.slice(0, 200))}`);
      }
      if (hits.some((f) => f.span?.start === s.start_position && f.span.end === s.end_position)) r.exact++;
      counts.recall.set(key, r);
    }
    if (inScope > 0) {
      counts.piiRows++;
      if (inScopeFound > 0) counts.piiRowsFound++;
    } else {
      counts.cleanRows++;
      if (findings.length > 0) counts.cleanFlagged++;
      for (const f of findings) counts.cleanFindings.set(f.category, (counts.cleanFindings.get(f.category) ?? 0) + 1);
    }
    for (const f of findings) {
      if (!f.span) continue;
      const span = f.span;
      const p = counts.precision.get(f.category) ?? { predicted: 0, correct: 0, near: 0, exact: 0 };
      p.predicted++;
      const same = row.spans.filter((s) => MAP[s.entity_type] === f.category && overlaps(span, s));
      const near = row.spans.some((s) => (NEAR[f.category] ?? []).includes(s.entity_type) && overlaps(span, s));
      if (same.length > 0) p.correct++;
      if (same.length > 0 || near) p.near++;
      else if (examples && showFps) fps.push(`${f.category} ${f.score} ${quote(row.full_text.slice(span.start, span.end))}  in  ${quote(row.full_text.slice(0, 160))}`);
      if (same.some((s) => s.start_position === span.start && s.end_position === span.end)) p.exact++;
      counts.precision.set(f.category, p);
    }
  }
  return { counts, misses, fps };
}

const pct = (a: number, b: number): string => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
function report(name: string, part: readonly Row[], c: Counts): void {
  console.log(`\n== ${name}: ${part.length} rows, ${new Set(part.map((r) => r.template_id)).size} templates`);
  console.log('recall per presidio entity (a gold span counts when a finding of our category overlaps it)');
  for (const [k, r] of [...c.recall].sort((a, b) => b[1].total - a[1].total)) {
    console.log(`  ${k.padEnd(20)} ${String(r.total).padStart(4)}  recall ${pct(r.found, r.total)}  exact span ${pct(r.exact, r.total)}`);
  }
  console.log('precision per category (overlaps a gold span of the category; "near" also accepts GPE/ZIP in addresses)');
  for (const [k, p] of [...c.precision].sort((a, b) => b[1].predicted - a[1].predicted)) {
    const rates = `precision ${pct(p.correct, p.predicted)}  near ${pct(p.near, p.predicted)}  exact ${pct(p.exact, p.predicted)}`;
    console.log(`  ${k.padEnd(20)} ${String(p.predicted).padStart(4)}  ${rates}`);
  }
  console.log(`text level: recall ${pct(c.piiRowsFound, c.piiRows)} of ${c.piiRows} rows with in-scope PII; ` +
    `FPR ${pct(c.cleanFlagged, c.cleanRows)} (${c.cleanFlagged} of ${c.cleanRows} rows without in-scope PII flagged` +
    `${c.cleanFindings.size > 0 ? `; findings there: ${[...c.cleanFindings].map(([k, n]) => `${k} ${n}`).join(', ')}` : ''})`);
}

const dev = rows.filter((r) => half(r.template_id) === 'dev');
const holdout = rows.filter((r) => half(r.template_id) === 'holdout');
const devResult = evaluate(dev, true);
const holdoutResult = evaluate(holdout, false);
console.log(`pii dev benchmark on ${datasetPath} (${rows.length} rows), threshold ${threshold ?? 'default'}`);
report('DEV (tuning half)', dev, devResult.counts);
report('HOLDOUT (report only)', holdout, holdoutResult.counts);

// Benign prompts: chat questions without PII apart from public figures and fictional characters. Every finding is a
// false positive or a public name; the rate per 1,000 prompts shows how noisy the detector is on ordinary prose.
function benignPrompts(): Map<string, string[]> {
  const dir = join(datasetsRoot, 'benign');
  const sets = new Map<string, string[]>();
  const add = (set: string, text: string): void => void (sets.get(set) ?? sets.set(set, []).get(set))?.push(text);
  for (const file of ['mt_bench_questions.jsonl', 'vicuna_bench_questions.jsonl']) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim()) for (const t of (JSON.parse(line) as { turns: string[] }).turns) add(file.split('_')[0] ?? file, t);
    }
  }
  for (const line of readFileSync(join(dir, 'multilingual_benign_prompts.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) {
      const r = JSON.parse(line) as { text: string; lang: string };
      add(`multilingual-${r.lang}`, r.text);
    }
  }
  for (const r of JSON.parse(readFileSync(join(dir, 'wildguard_benign.json'), 'utf8')) as { prompt: string }[]) add('wildguard', r.prompt);
  return sets;
}
const benign = { prompts: 0, flaggedPrompts: 0, findings: {} as Record<string, number>, perSet: {} as Record<string, number> };
const benignExamples: string[] = [];
const benignSets = benignPrompts();
for (const [set, prompts] of process.argv.includes('--no-benign') ? [] : benignSets) {
  let setFindings = 0;
  for (const p of prompts) {
    const found = run(p);
    benign.prompts++;
    if (found.length > 0) benign.flaggedPrompts++;
    setFindings += found.length;
    for (const f of found) {
      benign.findings[f.category] = (benign.findings[f.category] ?? 0) + 1;
      if (f.span && showFps) benignExamples.push(`${set} ${f.category} ${f.score} ${quote(p.slice(f.span.start, f.span.end))}  in  ${quote(p.slice(Math.max(0, f.span.start - 40), f.span.end + 30))}`);
    }
  }
  benign.perSet[set] = (1000 * setFindings) / prompts.length;
}
if (benign.prompts > 0) {
  const total = Object.values(benign.findings).reduce((a, b) => a + b, 0);
  console.log(`\n== benign prompts: ${benign.prompts}; ${((1000 * total) / benign.prompts).toFixed(1)} findings per 1,000 prompts, ` +
    `${pct(benign.flaggedPrompts, benign.prompts).trim()} of prompts flagged`);
  for (const [k, n] of Object.entries(benign.findings).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(16)} ${((1000 * n) / benign.prompts).toFixed(1)}`);
  console.log(`  per set: ${Object.entries(benign.perSet).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
}

// Timing: CPU time (process.cpuUsage, robust on a shared machine) over many calls on ~1 KB messages.
function sized(texts: readonly string[], sep: string): string[] {
  const out: string[] = [];
  for (let i = 0, cur = ''; out.length < 200 && texts.length > 0; i++) {
    cur += (texts[i % texts.length] ?? '') + sep;
    if (cur.length >= 1024) {
      out.push(cur.slice(0, 1024));
      cur = '';
    }
  }
  return out;
}
function usPer(texts: readonly string[], iterations: number): number {
  for (let r = 0; r < Math.min(3000, iterations); r++) run(texts[r % texts.length] ?? '');
  const t0 = process.cpuUsage();
  for (let r = 0; r < iterations; r++) run(texts[r % texts.length] ?? '');
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / iterations;
}
const prose = [
  'The quarterly review covers three projects and 12 milestones; version 2.4.1 shipped on time.',
  'Monday Morning Update: the build took 45 minutes, memory use fell by 18% and 2 tests were flaky.',
  'Please summarise the attached report in five bullet points and suggest next steps for the team.',
  'Prices rose 3.5% in 2023, while the index closed at 4,512.30 after a volatile session.',
  'Use the function below to sort the list; it runs in O(n log n) time for 10,000 items.',
  ...(benignSets.get('wildguard') ?? []).slice(0, 300),
];
const proseMessages = sized(prose, ' ');
const quiet = proseMessages.filter((m) => run(m).length === 0);
const usPerKb = usPer(quiet, 50_000);
// The earlier benchmark's set: the presidio rows without PII glued into 1 KB messages, those without findings.
const negatives = sized([...prose.slice(0, 5), ...rows.filter((r) => r.spans.length === 0).map((r) => r.full_text)], ' ');
const quietNegatives = negatives.filter((m) => run(m).length === 0);
const usPerKbNegatives = usPer(quietNegatives, 50_000);
const usPerKbAll = usPer(proseMessages, 50_000);
const usPerKbPii = usPer(sized(rows.filter((r) => r.spans.length > 0).map((r) => r.full_text), '\n'), 20_000);
const MB = 1 << 20;
const hostile: Record<string, string> = {
  '1 MB digits': '7'.repeat(MB),
  "1 MB '@'": '@'.repeat(MB),
  '1 MB capitalised words': 'Anna Smith Street '.repeat(MB / 18),
  '1 MB "1 " pairs': '1 '.repeat(MB / 2),
  '1 MB "a@" runs': 'a@'.repeat(MB / 2),
  '1 MB "Dear Mr. " runs': 'Dear Mr. '.repeat(MB / 9),
};
const hostileMs: Record<string, number> = {};
for (const [name, text] of Object.entries(hostile)) {
  const t0 = process.cpuUsage();
  run(text);
  const d = process.cpuUsage(t0);
  hostileMs[name] = Math.round((d.user + d.system) / 100) / 10;
}
console.log(`\nCPU µs per 1 KB message: ${usPerKb.toFixed(1)} without findings (${quiet.length} of ${proseMessages.length} ` +
  `prose messages), ${usPerKbNegatives.toFixed(1)} presidio negatives without findings (${quietNegatives.length}), ` +
  `${usPerKbAll.toFixed(1)} all prose messages, ${usPerKbPii.toFixed(1)} dense presidio PII`);
console.log(`hostile inputs (CPU ms): ${Object.entries(hostileMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);

if (devResult.misses.length > 0) console.log(`\nDEV misses for ${missesFor}:\n  ${devResult.misses.join('\n  ')}`);
if (devResult.fps.length > 0) console.log(`\nDEV findings matching no gold span:\n  ${devResult.fps.join('\n  ')}`);
if (benignExamples.length > 0) console.log(`\nbenign findings:\n  ${benignExamples.join('\n  ')}`);

function summary(c: Counts): object {
  return {
    recall: Object.fromEntries([...c.recall].map(([k, r]) => [k, { ...r, recall: r.found / r.total, exactRate: r.exact / r.total }])),
    precision: Object.fromEntries([...c.precision].map(([k, p]) => [k, { ...p, precision: p.correct / p.predicted }])),
    textRecall: c.piiRowsFound / c.piiRows,
    textFpr: c.cleanFlagged / c.cleanRows,
    cleanFindings: Object.fromEntries(c.cleanFindings),
    piiRows: c.piiRows,
    cleanRows: c.cleanRows,
  };
}
if (process.argv.includes('--json')) {
  const result = {
    bench: 'pii-dev',
    dataset: 'presidio_synth_dataset_v2',
    split: 'FNV-1a(template_id) low bit: 0 dev, 1 holdout',
    dev: summary(devResult.counts),
    holdout: summary(holdoutResult.counts),
    benignPrompts: benign.prompts,
    benignFindingsPer1000: Object.fromEntries(Object.entries(benign.findings).map(([k, n]) => [k, (1000 * n) / (benign.prompts || 1)])),
    benignFlaggedShare: benign.flaggedPrompts / (benign.prompts || 1),
    cpuUsPerKbNoFindings: usPerKb,
    cpuUsPerKbPresidioNegatives: usPerKbNegatives,
    cpuUsPerKbProse: usPerKbAll,
    cpuUsPerKbPii: usPerKbPii,
    hostileCpuMs: hostileMs,
    node: process.version,
    date: new Date().toISOString(),
  };
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'pii-dev.json'), `${JSON.stringify(result, null, 2)}\n`);
}
