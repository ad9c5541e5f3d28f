// `npm run bench:scan`: speed and memory of Bulwark's model-file scanner on large files it generates itself — a
// 45 MB pickle of five million floats (protocols 2 and 4) and a 1 GiB PyTorch zip — each scanned in a fresh child
// process so the peak RSS is that case's alone; and the verdicts on a labelled corpus (index.csv with a `label`
// column). The peer picklescan runs side by side on the same files and corpus, as its command line in a fresh Python
// process per run (wall time, peak RSS by GNU time), when BULWARK_BENCH_PICKLESCAN names a folder holding the
// `picklescan` package (default /tmp/picklescan-peer/src when present) or picklescan is installed; skipped otherwise.
// Writes bench/results/scan.json (scan-quick.json with --quick).
// Flags: --quick (1M floats, 128 MiB zip), --runs N (default 3), --corpus DIR (default
// ../shared/datasets/model-files/picklescan when present), --keep (leave the generated files),
// --peer-timeout S (cap of one picklescan run, default 120), --peer-runs N (picklescan runs per file, default --runs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { scanFile } from '../src/scan/scanner.js';
import type { FileScanResult, Verdict } from '../src/scan/types.js';
import type { ChildResult } from './lib/scan-child.js';
import { writeFloatListPickle, writeTorchZip } from './lib/scan-files.js';
import { findPicklescanPeer, outcome, runPicklescan, runPicklescanMany } from './lib/scan-peer.js';
import type { PicklescanOutcome, PicklescanPeer, PicklescanRun } from './lib/scan-peer.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = flag('--quick');
const RUNS = Math.max(1, Number(option('--runs') ?? 3));
const FLOATS = QUICK ? 1_000_000 : 5_000_000;
const ZIP_BYTES = QUICK ? 128 << 20 : 1 << 30;
const DEFAULT_CORPUS = resolve(ROOT, '..', 'shared', 'datasets', 'model-files', 'picklescan');
const CORPUS = option('--corpus') ?? (existsSync(join(DEFAULT_CORPUS, 'index.csv')) ? DEFAULT_CORPUS : undefined);
const PEER_TIMEOUT_MS = Math.max(1, Number(option('--peer-timeout') ?? 120)) * 1000;
const PEER_RUNS = Math.max(1, Number(option('--peer-runs') ?? RUNS));

/** The figure the issue quotes for picklescan on the 45 MB pickle: not measured here. */
const PICKLESCAN_PUBLISHED = { seconds: 6.1, maxRssMiB: 688, file: '45 MB pickle of five million floats' };

interface CaseResult {
  name: string;
  file: string;
  bytes: number;
  runs: number;
  verdict: string;
  format: string;
  findings: number;
  rules: string[];
  /** Median of the runs: scanFile alone (in the child), and the child process from spawn to exit. */
  ms: number;
  wallMs: number;
  mbPerSecond: number;
  /** Peak RSS, the largest over the runs, and the RSS of the child before it scanned (module loading, runtime). */
  maxRssMiB: number;
  rssBeforeMiB: number;
}

interface PeerCase {
  name: string;
  bytes: number;
  /** Runs made (fewer than asked when one timed out: the case stops there). */
  runs: number;
  timedOut: boolean;
  /** Median process wall time of the completed runs (interpreter start, imports, scan); null when none completed. */
  wallMs: number | null;
  mbPerSecond: number | null;
  /** Peak RSS, the largest over the completed runs. */
  maxRssMiB: number | null;
  exitCode: number | null;
  outcome: PicklescanOutcome;
  dangerousGlobals?: number;
  allWallMs: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
const mbps = (bytes: number, ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;

/**
 * Bundles the child (scanner and format modules, packages left external) into .scratch/ so that it runs on plain
 * `node`, as the bundled CLI does: the RSS measured is the scanner's, not that of an on-the-fly TypeScript loader.
 */
async function bundleChild(): Promise<string[]> {
  const outdir = join(ROOT, '.scratch', 'bench-scan');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'scan-child.mjs');
  const src = join(ROOT, 'src');
  try {
    await build({
      entryPoints: [join(ROOT, 'bench', 'lib', 'scan-child.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      plugins: [
        {
          // Modules that find files next to themselves keep their own URL once bundled.
          name: 'own-urls',
          setup(b) {
            b.onLoad({ filter: /\.ts$/ }, (a) => {
              if (!a.path.startsWith(src)) return undefined;
              const text = readFileSync(a.path, 'utf8');
              return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)), loader: 'ts' };
            });
          },
        },
      ],
    });
    return [process.execPath, outfile];
  } catch (e) {
    console.warn(`bundling the child failed (${(e as Error).message.split('\n')[0]}); measuring through tsx, whose loader adds to the RSS`);
    return [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'lib', 'scan-child.ts')];
  }
}

function runChild(command: string[], file: string): ChildResult & { wallMs: number } {
  const [exe, ...rest] = command;
  const started = performance.now();
  const r = spawnSync(exe!, [...rest, file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`scan child failed on ${file} (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(line) as ChildResult), wallMs };
}

function measure(command: string[], name: string, file: string, bytes: number): CaseResult {
  const results = Array.from({ length: RUNS }, () => runChild(command, file));
  const first = results[0]!;
  const ms = median(results.map((r) => r.ms));
  const wallMs = median(results.map((r) => r.wallMs));
  return {
    name,
    file,
    bytes,
    runs: RUNS,
    verdict: first.verdict,
    format: first.format,
    findings: first.findings,
    rules: first.rules,
    ms: Math.round(ms * 10) / 10,
    wallMs: Math.round(wallMs * 10) / 10,
    mbPerSecond: mbps(bytes, ms),
    maxRssMiB: mib(Math.max(...results.map((r) => r.maxRssKiB))),
    rssBeforeMiB: mib(median(results.map((r) => r.rssBeforeKiB))),
  };
}

/** PEER_RUNS runs of picklescan's CLI on one file; a run that hits the timeout ends the case (the time is the result). */
async function measurePicklescan(peer: PicklescanPeer, name: string, file: string, bytes: number): Promise<PeerCase> {
  const runs: PicklescanRun[] = [];
  for (let i = 0; i < PEER_RUNS; i++) {
    const r = await runPicklescan(peer, file, PEER_TIMEOUT_MS);
    runs.push(r);
    if (r.timedOut) break;
  }
  const done = runs.filter((r) => !r.timedOut);
  const last = runs[runs.length - 1]!;
  const wallMs = done.length ? median(done.map((r) => r.wallMs)) : null;
  const rss = done.map((r) => r.maxRssKiB).filter((k): k is number => k !== null);
  return {
    name,
    bytes,
    runs: runs.length,
    timedOut: last.timedOut,
    wallMs: wallMs === null ? null : Math.round(wallMs),
    mbPerSecond: wallMs === null ? null : mbps(bytes, wallMs),
    maxRssMiB: rss.length ? mib(Math.max(...rss)) : null,
    exitCode: last.exitCode,
    outcome: outcome(last),
    ...(last.dangerousGlobals !== undefined ? { dangerousGlobals: last.dangerousGlobals } : {}),
    allWallMs: runs.map((r) => Math.round(r.wallMs)),
  };
}

// ---------------------------------------------------------------- corpus

interface LabelStats {
  label: string;
  total: number;
  clean: number;
  suspicious: number;
  malicious: number;
  error: number;
  /** Files whose verdict misses the goal for the label (see goalMet). */
  misses: { file: string; verdict: Verdict; rules: string[] }[];
}

/** The goal per label: malicious files caught (malicious verdict), benign files not flagged, malformed files never clean. */
function goalMet(label: string, r: FileScanResult): boolean {
  if (label === 'malicious') return r.verdict === 'malicious';
  if (label.startsWith('benign')) return r.verdict === 'clean' || (label.includes('encrypted') && r.verdict !== 'malicious');
  if (label.includes('malformed')) return r.verdict !== 'clean';
  return true;
}

function parseCsv(text: string): Record<string, string>[] {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const header = split(rows[0] ?? '');
  return rows.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i] ?? `col${i}`, v])));
}

async function runCorpus(dir: string): Promise<{ dir: string; files: number; ms: number; labels: LabelStats[] } | { dir: string; skipped: string }> {
  const index = join(dir, 'index.csv');
  if (!existsSync(index)) return { dir, skipped: 'no index.csv' };
  const rows = parseCsv(readFileSync(index, 'utf8'));
  const byLabel = new Map<string, LabelStats>();
  const started = performance.now();
  for (const row of rows) {
    const file = row['file'];
    const label = row['label'] ?? 'unlabelled';
    if (!file) continue;
    const r = await scanFile(join(dir, file));
    let s = byLabel.get(label);
    if (!s) byLabel.set(label, (s = { label, total: 0, clean: 0, suspicious: 0, malicious: 0, error: 0, misses: [] }));
    s.total++;
    s[r.verdict]++;
    if (!goalMet(label, r)) s.misses.push({ file, verdict: r.verdict, rules: [...new Set(r.findings.map((f) => f.rule))] });
  }
  return { dir, files: rows.length, ms: Math.round(performance.now() - started), labels: [...byLabel.values()].sort((a, b) => a.label.localeCompare(b.label)) };
}

interface PeerLabelStats {
  label: string;
  total: number;
  /** Exit 1: dangerous globals found. */
  dangerous: number;
  /** Exit 0. */
  clean: number;
  /** Exit 2 (scan error or unhandled exception), and those of them that had reported dangerous globals first. */
  error: number;
  errorWithDangerous: number;
  timeout: number;
  misses: { file: string; outcome: PicklescanOutcome; exitCode: number | null; dangerousGlobals?: number; tail: string }[];
}

/** The same goals as goalMet, on picklescan's exit code: 1 counts as caught/flagged, 2 as an error. */
function peerGoalMet(label: string, o: PicklescanOutcome): boolean {
  if (label === 'malicious') return o === 'dangerous';
  if (label.startsWith('benign')) return o === 'clean' || (label.includes('encrypted') && o !== 'dangerous');
  if (label.includes('malformed')) return o !== 'clean';
  return true;
}

async function runPeerCorpus(peer: PicklescanPeer, dir: string): Promise<{ dir: string; files: number; mode: string; ms: number; labels: PeerLabelStats[] } | { dir: string; skipped: string }> {
  const index = join(dir, 'index.csv');
  if (!existsSync(index)) return { dir, skipped: 'no index.csv' };
  const rows = parseCsv(readFileSync(index, 'utf8'));
  const byLabel = new Map<string, PeerLabelStats>();
  const started = performance.now();
  // Verdicts only: picklescan.cli.main() per file in one Python process; a process per file if that driver fails.
  const jobs = rows.filter((row) => row['file']).map((row) => ({ file: row['file']!, label: row['label'] ?? 'unlabelled' }));
  let mode = 'one Python process, picklescan.cli.main() with -p FILE per file (its return value is the exit code)';
  let results = await runPicklescanMany(peer, jobs.map((j) => join(dir, j.file)), PEER_TIMEOUT_MS);
  if (!results || results.length !== jobs.length) {
    mode = 'one picklescan process per file (the single-process driver failed)';
    results = [];
    for (const j of jobs) results.push(await runPicklescan(peer, join(dir, j.file), PEER_TIMEOUT_MS));
  }
  for (const [i, { file, label }] of jobs.entries()) {
    const r = results[i]!;
    const o = outcome(r);
    let s = byLabel.get(label);
    if (!s) byLabel.set(label, (s = { label, total: 0, dangerous: 0, clean: 0, error: 0, errorWithDangerous: 0, timeout: 0, misses: [] }));
    s.total++;
    s[o]++;
    if (o === 'error' && (r.dangerousGlobals ?? 0) > 0) s.errorWithDangerous++;
    if (!peerGoalMet(label, o)) {
      s.misses.push({ file, outcome: o, exitCode: r.exitCode, ...(r.dangerousGlobals !== undefined ? { dangerousGlobals: r.dangerousGlobals } : {}), tail: r.tail });
    }
  }
  return { dir, files: rows.length, mode, ms: Math.round(performance.now() - started), labels: [...byLabel.values()].sort((a, b) => a.label.localeCompare(b.label)) };
}

// ---------------------------------------------------------------- main

const bulwarkGoal = (l: LabelStats) =>
  l.label === 'malicious'
    ? `caught ${l.malicious}/${l.total}`
    : l.label.startsWith('benign')
      ? `flagged ${l.malicious + l.suspicious}/${l.total}`
      : l.label.includes('malformed')
        ? `errors ${l.error}/${l.total}, clean ${l.clean}`
        : '';

const peerGoal = (l: PeerLabelStats) =>
  l.label === 'malicious'
    ? `caught ${l.dangerous}/${l.total}`
    : l.label.startsWith('benign')
      ? `flagged ${l.dangerous}/${l.total}, errors ${l.error}`
      : l.label.includes('malformed')
        ? `errors ${l.error}/${l.total}, clean ${l.clean}`
        : '';


const table = (header: string[], rows: (string | number)[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: (string | number)[]) => cells.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
};

const tmp = mkdtempSync(join(os.tmpdir(), 'bulwark-bench-scan-'));
try {
  const t0 = performance.now();
  console.log(`generating files in ${tmp} ...`);
  const tiny = join(tmp, 'tiny.pkl');
  const p2 = join(tmp, 'floats-p2.pkl');
  const p4 = join(tmp, 'floats-p4.pkl');
  const zip = join(tmp, 'model.pt');
  const files = [
    { name: 'baseline (1-float pickle)', file: tiny, bytes: writeFloatListPickle(tiny, 1, 2) },
    { name: `pickle p2, ${FLOATS / 1e6}M floats`, file: p2, bytes: writeFloatListPickle(p2, FLOATS, 2) },
    { name: `pickle p4, ${FLOATS / 1e6}M floats`, file: p4, bytes: writeFloatListPickle(p4, FLOATS, 4) },
    { name: `PyTorch zip, ${ZIP_BYTES >= 1 << 30 ? `${ZIP_BYTES / (1 << 30)} GiB` : `${ZIP_BYTES >> 20} MiB`}`, file: zip, bytes: writeTorchZip(zip, ZIP_BYTES) },
  ];
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const child = await bundleChild();
  const cases = files.map((f) => measure(child, f.name, f.file, f.bytes));

  const corpus = CORPUS ? await runCorpus(CORPUS) : undefined;

  const peerFound = findPicklescanPeer();
  const peerCases: PeerCase[] = [];
  let peerCorpus: Awaited<ReturnType<typeof runPeerCorpus>> | undefined;
  if (!('skipped' in peerFound)) {
    console.log(`picklescan from ${peerFound.packageDir}: ${PEER_RUNS} runs per file (cap ${PEER_TIMEOUT_MS / 1000} s a run) ...`);
    for (const f of files) {
      const c = await measurePicklescan(peerFound, f.name, f.file, f.bytes);
      console.log(`  ${f.name}: ${c.timedOut ? 'timeout' : `${c.wallMs} ms`} [${c.allWallMs.join(', ')}]`);
      peerCases.push(c);
    }
    if (CORPUS) peerCorpus = await runPeerCorpus(peerFound, CORPUS);
  }
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const sideBySide = peerCases.map((p, i) => {
    const b = cases[i]!;
    return {
      name: p.name,
      bulwarkWallMs: b.wallMs,
      bulwarkScanMs: b.ms,
      picklescanWallMs: p.wallMs,
      picklescanTimedOut: p.timedOut,
      /** Bulwark wall time / picklescan wall time (both: a fresh process, spawn to exit); null when picklescan timed out. */
      timeRatio: p.wallMs ? round3(b.wallMs / p.wallMs) : null,
      bulwarkMaxRssMiB: b.maxRssMiB,
      picklescanMaxRssMiB: p.maxRssMiB,
      /** Bulwark peak RSS / picklescan peak RSS. */
      rssRatio: p.maxRssMiB ? round3(b.maxRssMiB / p.maxRssMiB) : null,
    };
  });
  const peer =
    'skipped' in peerFound
      ? { name: 'picklescan', skipped: peerFound.skipped, published: PICKLESCAN_PUBLISHED }
      : {
          name: 'picklescan',
          version: peerFound.version,
          ...(peerFound.commit ? { commit: peerFound.commit } : {}),
          source: peerFound.pythonPath ? `source tree on PYTHONPATH (${peerFound.pythonPath})` : 'installed package',
          python: `${peerFound.python} ${peerFound.pythonVersion}`,
          command: [peerFound.python, ...peerFound.invocation.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)), '-p', 'FILE'].join(' '),
          ...(peerFound.invocationNote ? { invocationNote: peerFound.invocationNote } : {}),
          ...(peerFound.provenance ? { provenance: peerFound.provenance } : {}),
          treeSha256: peerFound.treeSha256,
          measured: `process wall time from spawn to exit (interpreter start, imports, scan), median of ${PEER_RUNS} runs; peak RSS by ${peerFound.rssMethod}, largest over the runs; a run is killed after ${PEER_TIMEOUT_MS / 1000} s`,
          cases: peerCases,
          sideBySide,
          corpus: peerCorpus && 'labels' in peerCorpus ? { ...peerCorpus, dir: peerCorpus.dir === DEFAULT_CORPUS ? '../shared/datasets/model-files/picklescan' : peerCorpus.dir } : peerCorpus,
          published: PICKLESCAN_PUBLISHED,
        };

  // ---- report
  console.log('\nBulwark scanFile, one child process per run (median time, peak RSS over runs):');
  console.log(
    table(
      ['case', 'size MB', 'verdict', 'findings', 'ms', 'wall ms', 'MB/s', 'peak RSS MiB', 'RSS before MiB'],
      cases.map((c) => [c.name, Math.round(c.bytes / 1e5) / 10, c.verdict, c.findings, c.ms, c.wallMs, c.mbPerSecond, c.maxRssMiB, c.rssBeforeMiB]),
    ),
  );
  console.log('  (ms: scanFile alone inside the child; wall ms: the child process from spawn to exit, node start and module loading included)');
  if ('skipped' in peerFound) {
    console.log(`\npicklescan: skipped — ${peerFound.skipped}.`);
  } else {
    console.log(`\npicklescan ${peerFound.version}${peerFound.commit ? ` (scanner.py @ ${peerFound.commit.slice(0, 12)})` : ''}, Python ${peerFound.pythonVersion}, same files, same machine:`);
    console.log(`  command: ${'command' in peer ? peer.command : ''}`);
    if (peerFound.invocationNote) console.log(`  note: ${peerFound.invocationNote}`);
    console.log(
      table(
        ['case', 'size MB', 'exit', 'outcome', 'dangerous', 'runs', 'wall ms', 'MB/s', 'peak RSS MiB', 'each run ms'],
        peerCases.map((c) => [
          c.name,
          Math.round(c.bytes / 1e5) / 10,
          c.exitCode ?? '-',
          c.outcome,
          c.dangerousGlobals ?? '-',
          c.runs,
          c.wallMs ?? `>${PEER_TIMEOUT_MS}`,
          c.mbPerSecond ?? '-',
          c.maxRssMiB ?? '-',
          c.allWallMs.join(' / '),
        ]),
      ),
    );
    console.log('\nside by side (wall time of a fresh process per run, median; peak RSS; ratio = Bulwark / picklescan):');
    console.log(
      table(
        ['case', 'Bulwark ms', 'picklescan ms', 'time B/p', 'picklescan/Bulwark', 'Bulwark MiB', 'picklescan MiB', 'RSS B/p'],
        sideBySide.map((r) => [
          r.name,
          r.bulwarkWallMs,
          r.picklescanWallMs ?? `>${PEER_TIMEOUT_MS} (timeout)`,
          r.timeRatio ?? '-',
          r.picklescanWallMs ? `${(r.picklescanWallMs / r.bulwarkWallMs).toFixed(1)}x` : `>${(PEER_TIMEOUT_MS / r.bulwarkWallMs).toFixed(1)}x`,
          r.bulwarkMaxRssMiB,
          r.picklescanMaxRssMiB ?? '-',
          r.rssRatio ?? '-',
        ]),
      ),
    );
  }
  console.log(
    `\nReference, NOT measured here (quoted in issue 6): picklescan took ${PICKLESCAN_PUBLISHED.seconds} s and ${PICKLESCAN_PUBLISHED.maxRssMiB} MB on a ${PICKLESCAN_PUBLISHED.file}.`,
  );
  const p4case = cases[2]!;
  if (!QUICK) {
    console.log(
      `Bulwark on the ${FLOATS / 1e6}M-float pickle (p4): ${(p4case.ms / 1000).toFixed(2)} s, ${p4case.maxRssMiB} MiB peak — ` +
        `${((PICKLESCAN_PUBLISHED.seconds * 1000) / p4case.ms).toFixed(1)}× faster than the quoted picklescan figure, which comes from another machine (goal ≥ 10×, ≤ 100 MB).`,
    );
  }
  if (corpus && 'labels' in corpus) {
    console.log(`\ncorpus ${corpus.dir}: ${corpus.files} files in ${corpus.ms} ms`);
    console.log(
      table(
        ['label', 'total', 'malicious', 'suspicious', 'error', 'clean', 'goal'],
        corpus.labels.map((l) => [l.label, l.total, l.malicious, l.suspicious, l.error, l.clean, bulwarkGoal(l)]),
      ),
    );
    for (const l of corpus.labels) for (const m of l.misses) console.log(`  miss (${l.label}): ${m.file} → ${m.verdict} [${m.rules.join(', ')}]`);
  }
  if (peerCorpus && 'labels' in peerCorpus) {
    console.log(`\npicklescan on the same corpus: ${peerCorpus.files} files in ${peerCorpus.ms} ms, ${peerCorpus.mode} (exit 1 = dangerous globals, 2 = scan error, 0 = clean):`);
    const bulwarkBy = new Map(corpus && 'labels' in corpus ? corpus.labels.map((l) => [l.label, l] as const) : []);
    console.log(
      table(
        ['label', 'total', 'exit 1', 'exit 2', '2 w/ dangerous', 'exit 0', 'timeout', 'picklescan goal', 'Bulwark goal'],
        peerCorpus.labels.map((l) => {
          const b = bulwarkBy.get(l.label);
          return [l.label, l.total, l.dangerous, l.error, l.errorWithDangerous, l.clean, l.timeout, peerGoal(l), b ? bulwarkGoal(b) : '-'];
        }),
      ),
    );
    const misses = peerCorpus.labels.flatMap((l) => l.misses.map((m) => ({ label: l.label, ...m })));
    for (const m of misses.slice(0, 40)) {
      console.log(`  picklescan miss (${m.label}): ${m.file} → exit ${m.exitCode ?? '-'} (${m.outcome}${m.dangerousGlobals ? `, ${m.dangerousGlobals} dangerous globals` : ''})`);
    }
    if (misses.length > 40) console.log(`  ... ${misses.length - 40} more in the JSON`);
  } else if (peerCorpus) {
    console.log(`\npicklescan corpus: skipped (${peerCorpus.skipped})`);
  }
  if (corpus && !('labels' in corpus)) {
    console.log(`\ncorpus ${corpus.dir}: skipped (${corpus.skipped})`);
  } else if (!corpus) {
    console.log('\ncorpus: none (pass --corpus DIR with an index.csv)');
  }

  const out = {
    benchmark: 'scan',
    date: new Date().toISOString(),
    quick: QUICK,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version, load: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    measuredWith: child.includes('tsx') ? 'tsx' : 'esbuild bundle on node',
    cases: cases.map(({ file: _file, ...c }) => c),
    peer,
    corpus: corpus && 'labels' in corpus ? { ...corpus, dir: corpus.dir === DEFAULT_CORPUS ? '../shared/datasets/model-files/picklescan' : corpus.dir } : corpus,
    totalSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, QUICK ? 'scan-quick.json' : 'scan.json');
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${path} (${out.totalSeconds} s)`);
} finally {
  if (flag('--keep')) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
