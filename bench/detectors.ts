// `npm run bench:detectors`: quality and latency of Bulwark's detectors and, on the same rows in the same run,
// of the npm peers llm-guard, @andersmyrmel/vard and the local checks of @openai/guardrails.
// Reads ../shared/datasets (or $BULWARK_DATASETS) and bench/corpora; prints a report and writes
// bench/results/detectors.json. Flags: --quick (subsample), --no-peers.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { configureDetector, scanText, type ConfiguredDetector } from '../src/detectors/runner.js';
import { DETECTORS, findDetector } from '../src/detectors/index.js';
import { analyzeText } from '../src/text/analysis.js';
import { auc, binaryMetrics, confusion, recallAtFpr, type BinaryMetrics } from '../scripts/train/metrics.js';
import { repoPath } from '../scripts/train/data/types.js';
import { rng, shuffle } from '../scripts/train/data/util.js';
import { measure, sizedMessages, type LatencyStats } from './lib/latency.js';
import { buildTasks, type Row, type Task } from './lib/tasks.js';
import { createPeerAdapters } from './peers/index.js';
import type { PeerAdapter } from './peers/types.js';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const PEERS = !args.has('--no-peers');

interface SystemResult {
  system: string;
  check: string;
  overall: BinaryMetrics & { auc: number | null; recallAt1Fpr: number | null; errors: number };
  perSource: { source: string; n: number; label: number; flaggedRate: number }[];
  latency1KB?: LatencyStats;
}

interface Scored {
  score: number | null;
  flagged: boolean;
  error?: boolean;
}

function summarise(system: string, check: string, rows: readonly Row[], scored: readonly Scored[]): SystemResult {
  const ok = scored.map((s, i) => ({ s, r: rows[i]! })).filter(({ s }) => !s.error);
  const labels = ok.map(({ r }) => r.label);
  const flags = ok.map(({ s }) => (s.flagged ? 1 : 0));
  const metrics = binaryMetrics(confusion(flags, labels, 0.5));
  const withScores = ok.filter(({ s }) => s.score !== null);
  const scores = withScores.map(({ s }) => s.score!);
  const sLabels = withScores.map(({ r }) => r.label);
  const bySource = new Map<string, { n: number; label: number; flagged: number }>();
  for (const { s, r } of ok) {
    const key = `${r.source}|${r.label}`;
    const c = bySource.get(key) ?? { n: 0, label: r.label, flagged: 0 };
    c.n++;
    if (s.flagged) c.flagged++;
    bySource.set(key, c);
  }
  return {
    system,
    check,
    overall: {
      ...metrics,
      auc: withScores.length === ok.length ? auc(scores, sLabels) : null,
      recallAt1Fpr: withScores.length === ok.length ? recallAtFpr(scores, sLabels, 0.01).recall : null,
      errors: scored.length - ok.length,
    },
    perSource: [...bySource.entries()]
      .map(([key, c]) => ({ source: key.split('|')[0]!, n: c.n, label: c.label, flaggedRate: c.flagged / c.n }))
      .sort((a, b) => a.source.localeCompare(b.source) || a.label - b.label),
  };
}

async function runBulwark(task: Task, detector: ConfiguredDetector, rows: readonly Row[]): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const row of rows) {
    const { findings, failures } = await scanText([detector], row.text, 'input');
    const score = findings.reduce((m, f) => Math.max(m, f.score), 0);
    out.push({ score, flagged: score >= 0.5, error: failures.length > 0 });
  }
  return out;
}

async function runPeer(peer: PeerAdapter, task: Task, rows: readonly Row[]): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const row of rows) {
    const v = await peer.run(task.task, row.text);
    out.push({ score: v.score ?? null, flagged: v.flagged, error: v.error !== undefined });
  }
  return out;
}

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || Number.isNaN(x) ? '   n/a' : x.toFixed(digits).padStart(6);
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('building task data (test split of the training sources + evaluation corpora)…');
  let tasks = buildTasks();
  if (QUICK) {
    const r = rng(5);
    tasks = tasks.map((t) => ({ ...t, rows: shuffle(r, [...t.rows]).slice(0, 3000) }));
  }
  const peers = PEERS ? createPeerAdapters() : [];
  for (const p of peers) await p.init?.();

  // 1 KB messages of ordinary text for latency.
  const latencyTexts = sizedMessages(
    tasks[0]!.rows.filter((r) => r.label === 0 && r.source.includes('benign')).map((r) => r.text),
    1024,
    QUICK ? 300 : 1000,
  );

  const results: { task: string; rows: number; positives: number; systems: SystemResult[] }[] = [];
  for (const task of tasks) {
    const rows = task.rows;
    if (!findDetector(task.detector)) {
      console.log(`\n== ${task.task}: detector ${task.detector} is not registered; skipped`);
      continue;
    }
    console.log(`\n== ${task.task}: ${rows.length} rows (${rows.filter((r) => r.label === 1).length} positive)`);
    const systems: SystemResult[] = [];
    const bulwark = configureDetector(task.detector, { threshold: 0 });
    const res = summarise('bulwark', task.detector, rows, await runBulwark(task, bulwark, rows));
    // Latency with the default options (thresholds as shipped), the analysis computed inside the timed call.
    const shipped = configureDetector(task.detector);
    res.latency1KB = await measure(latencyTexts, (t) => shipped.detect({ text: t, stage: 'input' }, { analysis: analyzeText(t) }));
    systems.push(res);
    for (const peer of peers) {
      const check = peer.checks[task.task];
      if (!check) continue;
      const r = summarise(`${peer.name}@${peer.version}`, check, rows, await runPeer(peer, task, rows));
      r.latency1KB = await measure(latencyTexts, (t) => peer.run(task.task, t), 2);
      systems.push(r);
    }
    console.log('system                          precision recall     F1    FPR    AUC  R@1%FPR  p50µs  p99µs cpuµs');
    for (const s of systems) {
      const o = s.overall;
      console.log(
        `${`${s.system}`.padEnd(32)}${fmt(o.precision)} ${fmt(o.recall)} ${fmt(o.f1)} ${fmt(o.fpr)} ${fmt(o.auc)} ${fmt(o.recallAt1Fpr)} ${fmt(s.latency1KB?.p50Us, 1)} ${fmt(s.latency1KB?.p99Us, 1)} ${fmt(s.latency1KB?.cpuP50Us, 1)}${o.errors ? `  (${o.errors} errors)` : ''}`,
      );
    }
    console.log('  per source (share flagged: recall for label 1, FPR for label 0):');
    const sources = systems[0]!.perSource;
    for (const src of sources) {
      const cells = systems.map((s) => s.perSource.find((p) => p.source === src.source && p.label === src.label)?.flaggedRate);
      console.log(`    ${`${src.source} [${src.label ? '+' : '-'}] n=${src.n}`.padEnd(52)} ${cells.map((c) => fmt(c)).join(' ')}`);
    }
    results.push({ task: task.task, rows: rows.length, positives: rows.filter((r) => r.label === 1).length, systems });
  }

  // All input-stage detectors together (shared analysis), and scaling with size.
  const inputDetectors = DETECTORS.filter((d) => d.stages.includes('input') && !d.requiresOptions).map((d) => configureDetector(d.id));
  const together = await measure(latencyTexts, (t) => scanText(inputDetectors, t, 'input'));
  const scaling: { sizeKB: number; p50Us: number; usPerKB: number; cpuMeanUs: number }[] = [];
  for (const size of [1024, 10 * 1024, 100 * 1024]) {
    const msgs = sizedMessages(latencyTexts, size, size > 10_000 ? 20 : 100);
    const s = await measure(msgs, (t) => scanText(inputDetectors, t, 'input'), 3);
    scaling.push({ sizeKB: size / 1024, p50Us: s.p50Us, usPerKB: s.p50Us / (size / 1024), cpuMeanUs: s.cpuMeanUs });
  }
  console.log(`\nall input-stage detectors together (${inputDetectors.map((d) => d.detector.id).join(', ')}):`);
  console.log(`  1 KB: wall p50 ${together.p50Us.toFixed(1)} µs, p99 ${together.p99Us.toFixed(1)} µs; CPU p50 ${together.cpuP50Us.toFixed(1)} µs, mean ${together.cpuMeanUs.toFixed(1)} µs`);
  for (const s of scaling) console.log(`  ${s.sizeKB} KB: wall p50 ${s.p50Us.toFixed(1)} µs (${s.usPerKB.toFixed(1)} µs per KB), CPU mean ${s.cpuMeanUs.toFixed(1)} µs (${(s.cpuMeanUs / s.sizeKB).toFixed(1)} µs per KB)`);

  const out = {
    benchmark: 'detectors',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg() },
    quick: QUICK,
    durationSeconds: (Date.now() - started) / 1000,
    tasks: results,
    allInputDetectors: { detectors: inputDetectors.map((d) => d.detector.id), latency1KB: together, scaling },
  };
  mkdirSync(repoPath('bench', 'results'), { recursive: true });
  const file = repoPath('bench', 'results', QUICK ? 'detectors-quick.json' : 'detectors.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

await main();
