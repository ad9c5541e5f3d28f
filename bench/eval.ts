// `npm run bench:eval`: the same promptfoo config (500 and 5,000 tests) against the same local OpenAI-compatible
// stub (Bulwark's simulator, echo profile, in its own process), run by `bulwark eval run` and, side by side, by
// promptfoo itself: tests/s, start time, peak RSS (GNU time's maximum resident set size).
// promptfoo is 1.4 GB and stays out of the project's dependencies: the benchmark installs promptfoo@0.121.20 (the
// last release that runs on Node 20) with npm into a folder of the system's temporary directory
// (bulwark-bench-promptfoo-0.121.20, kept for the next run; delete it to reclaim the space), unless
// BULWARK_BENCH_PROMPTFOO names a folder where it is already installed. That install is the benchmark's only
// network access (the npm registry).
// Writes bench/results/eval.json. Flags: --quick (500 only), --no-promptfoo (Bulwark alone, nothing installed).
// At 500 tests each tool runs five times, interleaved, and its median run is reported (single runs on this shared
// 2-core machine varied by ±15 %); at 5,000 tests once each.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../scripts/train/data/types.js';
import { startServer } from './lib/http-load.js';

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [500] : [500, 5000];
const CONCURRENCY = 16;
/** Runs per tool at up to 1,000 tests (the median is reported); one run each above. */
const REPEATS = 5;
const PROMPTFOO_VERSION = '0.121.20';
const PROMPTFOO_DIR = process.env['BULWARK_BENCH_PROMPTFOO'] ?? join(os.tmpdir(), `bulwark-bench-promptfoo-${PROMPTFOO_VERSION}`);
const PROMPTFOO_BIN = join(PROMPTFOO_DIR, 'node_modules', '.bin', 'promptfoo');
const BULWARK_BIN = repoPath('bin', 'bulwark.js');

interface Measured {
  tool: string;
  tests: number;
  wallS: number;
  testsPerSecond: number;
  peakRssMiB: number;
  exitCode: number | null;
  runsWallS?: number[];
}

function config(dir: string, stubUrl: string, n: number): string {
  const tests = Array.from({ length: n }, (_, i) => `  - vars: { q: "question number ${i} about lighthouses" }\n    assert:\n      - type: icontains\n        value: "number ${i}"\n`).join('');
  const text =
    `description: bench ${n}\nproviders:\n  - id: openai:chat:sim-echo\n    config:\n      apiBaseUrl: ${stubUrl}/v1\n` +
    `prompts:\n  - "Please repeat: {{q}}"\ntests:\n${tests}`;
  const path = join(dir, `promptfooconfig-${n}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** Runs a command under GNU time; wall seconds and the maximum RSS of the process (and its waited-for children). */
function timed(tool: string, tests: number, cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'BENCH_MAXRSS_KB=%M', cmd, ...args], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => {
      const wallS = (performance.now() - started) / 1000;
      const kb = Number(/BENCH_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0);
      if (code !== 0 && code !== 1 && code !== 100) process.stderr.write(`${tool} exited ${code}: ${stderr.slice(-800)}\n`);
      resolve({ tool, tests, wallS, testsPerSecond: tests / wallS, peakRssMiB: kb / 1024, exitCode: code });
    });
  });
}

/** Median wall time of starting the command and letting it do nothing useful (help / version). */
function startTime(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    spawnSync(cmd, args, { env, stdio: 'ignore' });
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** The installed promptfoo's version, or undefined when there is none in `dir`. */
function installedVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', 'promptfoo', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure promptfoo is installed; false (with the reason printed) when it is not and cannot be. A folder named
 * by BULWARK_BENCH_PROMPTFOO is used as it is; the default folder gets the pinned version with npm (a few minutes).
 */
function ensurePromptfoo(): boolean {
  if (process.argv.includes('--no-promptfoo')) return false;
  const version = installedVersion(PROMPTFOO_DIR);
  if (version !== undefined && existsSync(PROMPTFOO_BIN)) {
    if (version !== PROMPTFOO_VERSION) console.log(`note: measuring promptfoo ${version} from ${PROMPTFOO_DIR} (the figures in the issue are of ${PROMPTFOO_VERSION})`);
    return true;
  }
  if (process.env['BULWARK_BENCH_PROMPTFOO'] !== undefined) {
    console.log(`promptfoo not found in BULWARK_BENCH_PROMPTFOO=${PROMPTFOO_DIR}: measuring Bulwark alone`);
    return false;
  }
  console.log(`installing promptfoo@${PROMPTFOO_VERSION} into ${PROMPTFOO_DIR} (about 1.4 GB, a few minutes) ...`);
  mkdirSync(PROMPTFOO_DIR, { recursive: true });
  // A package.json of its own, so that npm installs here and not into the enclosing project.
  if (!existsSync(join(PROMPTFOO_DIR, 'package.json'))) writeFileSync(join(PROMPTFOO_DIR, 'package.json'), '{ "name": "bulwark-bench-promptfoo", "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', `promptfoo@${PROMPTFOO_VERSION}`], { cwd: PROMPTFOO_DIR, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(PROMPTFOO_BIN)) {
    console.log(`installing promptfoo failed (${r.error?.message ?? `npm exited ${r.status}`}): measuring Bulwark alone`);
    return false;
  }
  return true;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bulwark-bench-eval-'));
  const stub = await startServer('stub');
  const env = { ...process.env, OPENAI_API_KEY: 'sk-bench', PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_DISABLE_SHARING: '1', PROMPTFOO_CONFIG_DIR: join(dir, 'pf-home') };
  const results: Measured[] = [];
  const havePromptfoo = ensurePromptfoo();
  const starts: Record<string, number> = { bulwark: startTime(process.execPath, [BULWARK_BIN, 'eval', 'schema'], env) };
  if (havePromptfoo) starts['promptfoo'] = startTime(PROMPTFOO_BIN, ['--version'], env);
  try {
    // A warm-up run of each tool (the stub and the file cache warm up), then REPEATS interleaved runs per size
    // (bulwark, promptfoo, bulwark, ...); the median run of each tool is reported, its peak RSS the largest seen.
    const warm = config(dir, stub.url, 50);
    await timed('bulwark', 50, process.execPath, [BULWARK_BIN, 'eval', 'run', warm, '--db', join(dir, 'warm.db'), '--json'], env, dir);
    if (havePromptfoo) await timed('promptfoo', 50, PROMPTFOO_BIN, ['eval', '-c', warm, '--no-cache', '--no-table', '--no-progress-bar', '-j', String(CONCURRENCY), '-o', join(dir, 'pf-warm.json')], env, dir);
    for (const n of SIZES) {
      const path = config(dir, stub.url, n);
      const runs: Record<string, Measured[]> = { bulwark: [], promptfoo: [] };
      const repeats = n <= 1000 ? REPEATS : 1;
      for (let i = 0; i < repeats; i++) {
        runs['bulwark']!.push(await timed('bulwark', n, process.execPath, [BULWARK_BIN, 'eval', 'run', path, '--db', join(dir, `bulwark-${n}-${i}.db`), '--json'], env, dir));
        if (havePromptfoo) {
          runs['promptfoo']!.push(await timed('promptfoo', n, PROMPTFOO_BIN, ['eval', '-c', path, '--no-cache', '--no-table', '--no-progress-bar', '-j', String(CONCURRENCY), '-o', join(dir, `pf-${n}-${i}.json`)], env, dir));
        }
      }
      for (const [tool, list] of Object.entries(runs)) {
        if (list.length === 0) continue;
        const median = [...list].sort((a, b) => a.wallS - b.wallS)[Math.floor(list.length / 2)]!;
        const m = { ...median, peakRssMiB: Math.max(...list.map((r) => r.peakRssMiB)), runsWallS: list.map((r) => Number(r.wallS.toFixed(3))) };
        results.push(m);
        console.log(`${tool.padEnd(9)} ${n} tests: ${m.wallS.toFixed(2)} s (median of ${list.length}), ${m.testsPerSecond.toFixed(0)} tests/s, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`);
      }
    }
  } finally {
    stub.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const ratios: Record<string, number> = {};
  for (const n of SIZES) {
    const b = results.find((r) => r.tool === 'bulwark' && r.tests === n);
    const p = results.find((r) => r.tool === 'promptfoo' && r.tests === n);
    if (b && p) ratios[`tests/s bulwark / promptfoo at ${n}`] = b.testsPerSecond / p.testsPerSecond;
  }
  console.log(`start: ${Object.entries(starts).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')}`);
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k}: ${v.toFixed(2)}`);
  const out = {
    benchmark: 'eval',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg() },
    concurrency: CONCURRENCY,
    peer: havePromptfoo ? { promptfoo: installedVersion(PROMPTFOO_DIR) } : undefined,
    startSeconds: starts,
    results,
    ratios,
  };
  mkdirSync(repoPath('bench', 'results'), { recursive: true });
  writeFileSync(repoPath('bench', 'results', 'eval.json'), `${JSON.stringify(out, null, 2)}\n`);
}

await main();
