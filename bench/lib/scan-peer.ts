// The peer scanner of bench/scan.ts: picklescan (Python), run as its command line on the same files as Bulwark, one
// fresh process per run, wall time measured around the process and peak RSS by GNU time (`/usr/bin/time -f %M`).
// picklescan comes from a folder holding the `picklescan` package (BULWARK_BENCH_PICKLESCAN, default
// /tmp/picklescan-peer/src when present) put on PYTHONPATH, or else from an installed copy; never from this project.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const DEFAULT_PICKLESCAN_DIR = '/tmp/picklescan-peer/src';
const GNU_TIME = '/usr/bin/time';
/** The console-script entry point of picklescan's setup.cfg (`picklescan = picklescan.cli:main`). */
const ENTRY_POINT = 'import sys; from picklescan.cli import main; sys.exit(main())';
/** Fallback when GNU time is missing: runs the command and writes the children's peak RSS (KiB) to argv[1]. */
const RSS_WRAPPER = 'import resource, subprocess, sys; c = subprocess.call(sys.argv[2:]); open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(c)';

export interface PicklescanPeer {
  python: string;
  pythonVersion: string;
  /** Folder put on PYTHONPATH; undefined when the installed package is used. */
  pythonPath?: string;
  /** The `picklescan` package directory actually imported. */
  packageDir: string;
  version: string;
  commit?: string;
  /** Per-file commits and notes, from PROVENANCE.json next to the package folder (source trees only). */
  provenance?: Record<string, unknown>;
  /** sha256 over the package's .py files (sorted by name), to tell trees apart. */
  treeSha256: string;
  /** Python arguments that start picklescan's CLI; `-p FILE` follows. */
  invocation: string[];
  invocationNote?: string;
  rssMethod: 'GNU time %M' | 'python wait4 (RUSAGE_CHILDREN)';
}

export interface PicklescanRun {
  /** Exit code of picklescan's CLI; null when it was killed (timeout) or died of a signal. */
  exitCode: number | null;
  timedOut: boolean;
  /** Process wall time: interpreter start, imports and scan. */
  wallMs: number;
  maxRssKiB: number | null;
  /** From its SCAN SUMMARY, when printed. */
  scannedFiles?: number;
  infectedFiles?: number;
  dangerousGlobals?: number;
  /** It logged a parse error (`ERROR: parsing pickle`) or an unhandled exception. */
  errorLogged: boolean;
  /** The last lines of its output, for the record. */
  tail: string;
}

/**
 * picklescan's verdict from its exit code, per its cli.py: 2 when the scan hit an error (scan_err, which wins over
 * dangerous globals found before the error) or an unhandled exception, 1 when dangerous globals were found, 0 otherwise.
 */
export type PicklescanOutcome = 'dangerous' | 'clean' | 'error' | 'timeout';

export function outcome(r: PicklescanRun): PicklescanOutcome {
  if (r.timedOut) return 'timeout';
  if (r.exitCode === 1) return 'dangerous';
  if (r.exitCode === 0) return 'clean';
  return 'error';
}

function pythonEnv(pythonPath: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (pythonPath) env.PYTHONPATH = pythonPath;
  return env;
}

function readProvenance(dir: string): Record<string, unknown> | undefined {
  for (const p of [join(dir, 'PROVENANCE.json'), join(dirname(dir), 'PROVENANCE.json')]) {
    if (!existsSync(p)) continue;
    try {
      const parsed: unknown = JSON.parse(readFileSync(p, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
    } catch {
      // Unreadable provenance: the version stays unknown.
    }
  }
  return undefined;
}

function treeHash(packageDir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(packageDir).filter((n) => n.endsWith('.py')).sort()) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(packageDir, f)));
  }
  return h.digest('hex');
}

/** picklescan from BULWARK_BENCH_PICKLESCAN (or the default folder), else an installed copy, or why there is none. */
export function findPicklescanPeer(): PicklescanPeer | { skipped: string } {
  const python = process.env.BULWARK_BENCH_PYTHON ?? 'python3';
  const envDir = process.env.BULWARK_BENCH_PICKLESCAN;
  const dir = envDir ? resolve(envDir) : existsSync(join(DEFAULT_PICKLESCAN_DIR, 'picklescan', '__init__.py')) ? DEFAULT_PICKLESCAN_DIR : undefined;
  if (envDir && !existsSync(join(dir!, 'picklescan', '__init__.py'))) {
    return { skipped: `BULWARK_BENCH_PICKLESCAN=${envDir} holds no picklescan package (no picklescan/__init__.py)` };
  }
  const env = pythonEnv(dir);
  const probe = spawnSync(python, ['-c', 'import sys, picklescan, picklescan.cli, picklescan.scanner; print(sys.version.split()[0]); print(picklescan.__path__[0])'], {
    encoding: 'utf8',
    env,
  });
  if (probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
    return dir
      ? { skipped: `picklescan in ${dir} does not import with ${python}: ${why}` }
      : {
          skipped: `picklescan is not installed (${python}: ${why}), PyPI is not reachable from this machine to install it, and no source tree was given (BULWARK_BENCH_PICKLESCAN, default ${DEFAULT_PICKLESCAN_DIR})`,
        };
  }
  const [pythonVersion = 'unknown', packageDir = ''] = probe.stdout.trim().split('\n');
  if (dir && !resolve(packageDir).startsWith(dir)) return { skipped: `${python} imported picklescan from ${packageDir}, not from ${dir}` };

  let version = 'unknown';
  let commit: string | undefined;
  let provenance: Record<string, unknown> | undefined;
  if (!dir) {
    const meta = spawnSync(python, ['-c', 'import importlib.metadata as m; print(m.version("picklescan"))'], { encoding: 'utf8', env });
    if (meta.status === 0) version = meta.stdout.trim();
  } else {
    provenance = readProvenance(dir);
    if (typeof provenance?.version === 'string') version = provenance.version;
    if (typeof provenance?.commit === 'string') commit = provenance.commit;
  }

  // `python -m picklescan` when its __main__ works; otherwise the console-script entry point, as `pip install` makes it.
  let invocation = ['-m', 'picklescan'];
  let invocationNote: string | undefined;
  const help = spawnSync(python, [...invocation, '--help'], { encoding: 'utf8', env });
  if (help.status !== 0) {
    const why = help.stderr.trim().split('\n').pop() ?? `exit ${help.status}`;
    invocation = ['-c', ENTRY_POINT];
    invocationNote = `\`${python} -m picklescan\` fails (${why}); running the console-script entry point picklescan.cli:main instead`;
    const check = spawnSync(python, [...invocation, '--help'], { encoding: 'utf8', env });
    if (check.status !== 0) return { skipped: `picklescan's CLI does not start: ${check.stderr.trim().split('\n').pop() ?? ''}` };
  }

  return {
    python,
    pythonVersion,
    ...(dir ? { pythonPath: dir } : {}),
    packageDir,
    version,
    ...(commit ? { commit } : {}),
    ...(provenance ? { provenance } : {}),
    treeSha256: treeHash(packageDir),
    invocation,
    ...(invocationNote ? { invocationNote } : {}),
    rssMethod: existsSync(GNU_TIME) ? 'GNU time %M' : 'python wait4 (RUSAGE_CHILDREN)',
  };
}

const summaryNumber = (text: string, label: string): number | undefined => {
  const m = new RegExp(`^${label}: (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

/** What picklescan's output says: its SCAN SUMMARY figures, whether it logged an error, its last lines. */
function summarize(out: string): Pick<PicklescanRun, 'scannedFiles' | 'infectedFiles' | 'dangerousGlobals' | 'errorLogged' | 'tail'> {
  const scannedFiles = summaryNumber(out, 'Scanned files');
  const infectedFiles = summaryNumber(out, 'Infected files');
  const dangerousGlobals = summaryNumber(out, 'Dangerous globals');
  return {
    ...(scannedFiles !== undefined ? { scannedFiles } : {}),
    ...(infectedFiles !== undefined ? { infectedFiles } : {}),
    ...(dangerousGlobals !== undefined ? { dangerousGlobals } : {}),
    errorLogged: /ERROR: parsing pickle|Unhandled exception/.test(out),
    tail: out.trim().split('\n').slice(-6).join('\n'),
  };
}

let rssFileCounter = 0;

/** One run of `picklescan -p FILE` in a fresh process group, killed (the whole group) after `timeoutMs`. */
export function runPicklescan(peer: PicklescanPeer, file: string, timeoutMs: number): Promise<PicklescanRun> {
  const rssFile = join(os.tmpdir(), `bulwark-bench-picklescan-${process.pid}-${rssFileCounter++}.rss`);
  const cli = [peer.python, ...peer.invocation, '-p', file];
  const [exe, ...argv] =
    peer.rssMethod === 'GNU time %M' ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...cli] : [peer.python, '-c', RSS_WRAPPER, rssFile, ...cli];
  return new Promise((resolveRun, rejectRun) => {
    const started = performance.now();
    const child = spawn(exe!, argv, { env: pythonEnv(peer.pythonPath), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.length > 1 << 20) out = out.slice(-(64 << 10));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The child leads its own process group (detached): end it and the interpreter under GNU time together.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      rejectRun(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      let maxRssKiB: number | null = null;
      if (existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before the figure when the exit code is not 0.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
        if (/^\d+$/.test(last)) maxRssKiB = Number(last);
        rmSync(rssFile, { force: true });
      }
      resolveRun({ exitCode: timedOut ? null : code, timedOut, wallMs, maxRssKiB, ...summarize(out) });
    });
  });
}

/**
 * picklescan's CLI on many small files in ONE Python process: `picklescan.cli.main()` with `-p FILE` per file, its
 * return value being the exit code the command line would give (`sys.exit(main())`), its log captured per file. A
 * process per file costs an interpreter start each (0.3-0.5 s on a loaded 2-CPU machine, ~100 files); verdicts only.
 */
const CORPUS_DRIVER = `
import io, json, logging, sys
from picklescan.cli import main
log = logging.getLogger("picklescan")
results = []
for path in json.load(sys.stdin):
    buf, real = io.StringIO(), sys.stdout
    sys.stdout, sys.argv = buf, ["picklescan", "-p", path]
    try:
        try:
            rc = main()
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 2
    finally:
        sys.stdout = real
        for h in list(log.handlers):
            if not isinstance(h, logging.NullHandler):
                log.removeHandler(h)
    results.append({"exitCode": rc, "out": buf.getvalue()[-20000:]})
print(json.dumps(results))
`;

/** Verdicts of picklescan's CLI on `files` (see CORPUS_DRIVER); undefined when the driver fails or runs past `timeoutMs`. */
export function runPicklescanMany(peer: PicklescanPeer, files: string[], timeoutMs: number): Promise<PicklescanRun[] | undefined> {
  return new Promise((resolveRuns) => {
    const started = performance.now();
    const child = spawn(peer.python, ['-c', CORPUS_DRIVER], { env: pythonEnv(peer.pythonPath), detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.resume();
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolveRuns(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolveRuns(undefined);
      try {
        const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { exitCode: number | null; out: string }[];
        const perFile = (performance.now() - started) / Math.max(1, parsed.length);
        resolveRuns(parsed.map((r) => ({ exitCode: r.exitCode, timedOut: false, wallMs: perFile, maxRssKiB: null, ...summarize(r.out) })));
      } catch {
        resolveRuns(undefined);
      }
    });
    child.stdin.end(JSON.stringify(files));
  });
}
