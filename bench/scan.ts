// `npm run bench:scan`: speed and memory of Bulwark's model-file scanner on large files it generates itself — a
// 45 MB pickle of five million floats (protocols 2 and 4) and a 1 GiB PyTorch zip — each scanned in a fresh child
// process so the peak RSS is that case's alone; picklescan side by side when it is installed; and the verdicts on a
// labelled corpus (index.csv with a `label` column). Writes bench/results/scan.json (scan-quick.json with --quick).
// Flags: --quick (1M floats, 128 MiB zip), --runs N (default 3), --corpus DIR (default
// ../shared/datasets/model-files/picklescan when present), --keep (leave the generated files).
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
  /** Median of the runs. */
  ms: number;
  mbPerSecond: number;
  /** Peak RSS, the largest over the runs, and the RSS of the child before it scanned (module loading, runtime). */
  maxRssMiB: number;
  rssBeforeMiB: number;
}

interface PeerCase {
  name: string;
  ms: number;
  mbPerSecond: number;
  maxRssMiB: number;
  infected: number;
  globals: number;
  scanError: boolean;
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

function runChild(command: string[], file: string): ChildResult {
  const [exe, ...rest] = command;
  const r = spawnSync(exe!, [...rest, file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`scan child failed on ${file} (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

function measure(command: string[], name: string, file: string, bytes: number): CaseResult {
  const results = Array.from({ length: RUNS }, () => runChild(command, file));
  const first = results[0]!;
  const ms = median(results.map((r) => r.ms));
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
    mbPerSecond: mbps(bytes, ms),
    maxRssMiB: mib(Math.max(...results.map((r) => r.maxRssKiB))),
    rssBeforeMiB: mib(median(results.map((r) => r.rssBeforeKiB))),
  };
}

/** A Python with picklescan importable, or why there is none. */
function findPicklescan(): { python: string; version: string } | { skipped: string } {
  const tried: string[] = [];
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import importlib.metadata as m, picklescan; print(m.version("picklescan"))'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    tried.push(r.error ? `${python}: ${r.error.message}` : `${python}: not installed`);
  }
  return { skipped: `picklescan is not installed (${tried.join('; ')}) and PyPI is not reachable from this machine to install it` };
}

const PICKLESCAN_CHILD = `
import json, resource, sys, time
from picklescan.scanner import scan_file_path
t = time.perf_counter()
r = scan_file_path(sys.argv[1])
ms = (time.perf_counter() - t) * 1000
print(json.dumps({"ms": ms, "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "infected": r.infected_files, "globals": len(r.globals), "scanError": bool(r.scan_err)}))
`;

function measurePicklescan(python: string, name: string, file: string, bytes: number): PeerCase {
  const runs = Array.from({ length: RUNS }, () => {
    const r = spawnSync(python, ['-c', PICKLESCAN_CHILD, file], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (r.status !== 0) throw new Error(`picklescan failed on ${file}: ${r.stderr.slice(0, 2000)}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { ms: number; maxRssKiB: number; infected: number; globals: number; scanError: boolean };
  });
  const ms = median(runs.map((r) => r.ms));
  const last = runs[runs.length - 1]!;
  return { name, ms: Math.round(ms), mbPerSecond: mbps(bytes, ms), maxRssMiB: mib(Math.max(...runs.map((r) => r.maxRssKiB))), infected: last.infected, globals: last.globals, scanError: last.scanError };
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

// ---------------------------------------------------------------- main

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

  const peerFound = findPicklescan();
  const peer =
    'skipped' in peerFound
      ? { name: 'picklescan', skipped: peerFound.skipped, published: PICKLESCAN_PUBLISHED }
      : { name: 'picklescan', version: peerFound.version, cases: files.slice(1, 3).map((f) => measurePicklescan(peerFound.python, f.name, f.file, f.bytes)), published: PICKLESCAN_PUBLISHED };

  const corpus = CORPUS ? await runCorpus(CORPUS) : undefined;

  // ---- report
  console.log('\nBulwark scanFile, one child process per run (median time, peak RSS over runs):');
  console.log(
    table(
      ['case', 'size MB', 'verdict', 'findings', 'ms', 'MB/s', 'peak RSS MiB', 'RSS before MiB'],
      cases.map((c) => [c.name, Math.round(c.bytes / 1e5) / 10, c.verdict, c.findings, c.ms, c.mbPerSecond, c.maxRssMiB, c.rssBeforeMiB]),
    ),
  );
  if ('skipped' in peer) {
    console.log(`\npicklescan: skipped — ${peer.skipped}.`);
  } else {
    console.log(`\npicklescan ${peer.version}, same files, same machine:`);
    console.log(table(['case', 'ms', 'MB/s', 'peak RSS MiB', 'infected', 'globals'], peer.cases.map((c) => [c.name, c.ms, c.mbPerSecond, c.maxRssMiB, c.infected, c.globals])));
  }
  console.log(
    `Reference, NOT measured here (quoted in issue 6): picklescan took ${PICKLESCAN_PUBLISHED.seconds} s and ${PICKLESCAN_PUBLISHED.maxRssMiB} MB on a ${PICKLESCAN_PUBLISHED.file}.`,
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
        corpus.labels.map((l) => {
          const goal =
            l.label === 'malicious'
              ? `caught ${l.malicious}/${l.total}`
              : l.label.startsWith('benign')
                ? `flagged ${l.malicious + l.suspicious}/${l.total}`
                : l.label.includes('malformed')
                  ? `errors ${l.error}/${l.total}, clean ${l.clean}`
                  : '';
          return [l.label, l.total, l.malicious, l.suspicious, l.error, l.clean, goal];
        }),
      ),
    );
    for (const l of corpus.labels) for (const m of l.misses) console.log(`  miss (${l.label}): ${m.file} → ${m.verdict} [${m.rules.join(', ')}]`);
  } else if (corpus) {
    console.log(`\ncorpus ${corpus.dir}: skipped (${corpus.skipped})`);
  } else {
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
