// `bulwark scan PATH...`: model files (and, with --deps, dependency manifests) judged clean, suspicious, malicious
// or error; a table on a terminal, --json, --sarif; results recorded as security events in the store and sinks.
// Exit code: 1 when something is suspicious or malicious (or drifted from --lock, or vulnerable), 2 on errors, 3 both.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { BulwarkError, isBulwarkError } from '../core/errors.js';
import type { Scanner, ScanOptions } from '../scan/scanner.js';
import type { FileScanResult, ScanLimits } from '../scan/types.js';
import { outcomeOf, summarise } from '../scan/verdict.js';
import { defaultOsvDir, OSV_DIR_HELP } from '../scan/vulns/osv-dir.js';
import type { CommandContext } from './command-context.js';
import { EXIT_CODES_HELP, EXIT_IO, EXIT_USAGE, outcomeExitCode } from './exit-codes.js';
import { LineWriter, OutputError, safeForTerminal } from './output.js';

export interface ScanCommandOptions {
  json?: boolean;
  sarif?: string;
  strict?: boolean;
  all?: boolean;
  hash?: boolean;
  timeout?: number;
  maxDecompressed?: number;
  lock?: string;
  deps?: boolean;
  osvDir?: string;
  /** A URL or path; false with --no-store. */
  store?: string | false;
  sink?: string[];
  config?: string;
}

export interface ScanCommandDeps {
  /** The scanner (tests pass one with fake format scanners); default the real one. */
  scanner?: Scanner;
  env?: NodeJS.ProcessEnv;
}

/** Our errors that the user can fix: a bad lockfile, advisory folder, sink URL or configuration. */
const USAGE_CODES = new Set(['ERR_IO', 'ERR_CONFIG_INVALID', 'ERR_SINK_CONFIG', 'ERR_ADVISORIES', 'ERR_INPUT_INVALID', 'ERR_SIGNATURE']);

const STORE_HELP = 'store for the scan events (sqlite:<path>, postgres://...); default BULWARK_DATABASE_URL, else $BULWARK_HOME/bulwark.db';

export function registerScanCommand(program: Command, ctx: CommandContext, deps: ScanCommandDeps = {}): Command {
  return program
    .command('scan')
    .description('scan model files and folders (pickle, PyTorch, NumPy, Keras, GGUF, safetensors, ONNX, archives) for code and tampering')
    .argument('<paths...>', 'files or folders (recursive; .git skipped)')
    .option('--json', 'print {"files": [...], "summary": {...}} as JSON instead of the table')
    .option('--sarif <file>', 'also write a SARIF 2.1.0 log (for code-scanning UIs) to this file')
    .option('--strict', 'suspicious files (unknown globals, unvetted content) fail like malicious ones')
    .option('--all', 'list files that are no model files too (table)')
    .option('--hash', 'compute the SHA-256 of every file (JSON, SARIF and events include it)')
    .option('--timeout <seconds>', 'time budget per file (default 120)', positiveSeconds)
    .option('--max-decompressed <bytes>', 'decompressed bytes allowed per file, e.g. 4G, 512M (default 4G)', byteSize)
    .option('--lock <file>', 'lockfile from `bulwark pin`: any modified, added or removed file is flagged (one folder)')
    .option('--deps', 'also match dependency manifests (requirements, pyproject, poetry.lock, package-lock, SBOMs) against OSV advisories')
    .option('--osv-dir <dir>', `implies --deps; ${OSV_DIR_HELP}`)
    .option('--store <url>', STORE_HELP)
    .option('--no-store', 'do not record the results as security events in the store')
    .option('--sink <url>', 'also send the scan events to this sink (repeatable): file:///path?format=ocsf, syslog+tcp://…, splunk-hec+https://…, webhook+https://…', collect)
    .option('--config <file>', 'bulwark.yaml whose sinks receive the scan events')
    .addHelpText('after', `\nVerdicts: clean, suspicious, malicious, error (a file that could not be read to the end is never clean).\n${EXIT_CODES_HELP}`)
    .action(async (paths: string[], options: ScanCommandOptions) => {
      try {
        ctx.setExitCode(await runScan(paths, options, ctx, deps));
      } catch (e) {
        if (e instanceof OutputError || !isBulwarkError(e) || !USAGE_CODES.has(e.code)) throw e;
        ctx.io.stderr.write(`bulwark: ${safeForTerminal(e.message)}\n`);
        ctx.setExitCode(EXIT_USAGE);
      }
    });
}

async function runScan(paths: string[], options: ScanCommandOptions, ctx: CommandContext, deps: ScanCommandDeps): Promise<number> {
  const { io } = ctx;
  const env = deps.env ?? process.env;
  const strict = options.strict === true;
  const warn = (m: string) => io.stderr.write(`bulwark: warning: ${safeForTerminal(m)}\n`);

  // Everything the user can get wrong is checked before the (possibly long) scan.
  const sinkUrls = await sinkUrlsOf(options, io.cwd, env);
  if (options.lock !== undefined && paths.length !== 1) throw new BulwarkError('ERR_INPUT_INVALID', '--lock checks one folder: give exactly one path');
  const wantDeps = options.deps === true || options.osvDir !== undefined;
  const absPaths = paths.map((p) => resolve(io.cwd, p));
  for (const [i, p] of absPaths.entries()) {
    const st = await stat(p).catch((e: NodeJS.ErrnoException) => {
      throw new BulwarkError('ERR_IO', `cannot scan ${paths[i]}: ${e.code ?? e.message}`, { context: { path: paths[i] } });
    });
    if (!st.isFile() && !st.isDirectory()) throw new BulwarkError('ERR_IO', `cannot scan ${paths[i]}: not a regular file or folder`, { context: { path: paths[i] } });
  }

  const limits: Partial<ScanLimits> = {};
  if (options.timeout !== undefined) limits.timeBudgetMs = options.timeout * 1000;
  if (options.maxDecompressed !== undefined) limits.maxDecompressedBytes = options.maxDecompressed;
  const scanner = deps.scanner ?? (await import('../scan/scanner.js')).createScanner();
  const scanOptions: ScanOptions = { limits, strict, hash: options.hash === true, onWarning: warn };
  const started = performance.now();
  const scanned = await scanner.scanPaths(absPaths, scanOptions);
  // Results name paths as given on the command line, not as resolved against the working directory.
  const files: FileScanResult[] = scanned.files.map((f) => ({ ...f, path: shownPath(f.path, absPaths, paths) }));

  let failed = false;
  const mergeOptions = { cwd: io.cwd, strict };
  if (options.lock !== undefined) {
    const [{ readLock, compareLock, describeDrift, LOCK_RULES }, { addLockDrift }] = await Promise.all([import('../scan/lock.js'), import('../scan/merge-findings.js')]);
    const lockPath = resolve(io.cwd, options.lock);
    const drift = await compareLock(await readLock(lockPath), absPaths[0]!, { lockPath });
    addLockDrift(files, drift, paths[0]!, LOCK_RULES, { ...mergeOptions, explain: describeDrift });
  }
  let dependencies: unknown;
  if (wantDeps) {
    const [{ scanDependencies, dependencyFindings }, { addFindings }] = await Promise.all([import('../scan/vulns/index.js'), import('../scan/merge-findings.js')]);
    const advisoriesDir = resolve(io.cwd, options.osvDir ?? defaultOsvDir(env));
    const report = await scanDependencies(absPaths, { advisoriesDir });
    dependencies = report;
    // Unreadable manifests and missing advisories come back as error findings: never a clean dependency scan.
    for (const { path, findings } of dependencyFindings(report)) addFindings(files, shownPath(path, absPaths, paths), findings, mergeOptions);
  }
  const summary = summarise(files, performance.now() - started);

  const out = new LineWriter(io.stdout, false);
  if (options.json) {
    const { renderJson } = await import('../scan/report/json.js');
    await out.writeLine(renderJson({ files, summary, ...(wantDeps ? { dependencies } : {}) }).trimEnd());
  } else {
    const { renderTable } = await import('../scan/report/table.js');
    const color = io.stdoutIsTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
    await out.writeLine(renderTable(files, summary, { color, all: options.all === true }).trimEnd());
  }

  let ioFailed = false;
  if (options.sarif !== undefined) {
    const [{ renderSarif }, { loadRuleCatalog }] = await Promise.all([import('../scan/report/sarif.js'), import('../scan/rule-catalog.js')]);
    const target = resolve(io.cwd, options.sarif);
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, renderSarif(files, { root: io.cwd, strict, catalog: await loadRuleCatalog() }));
    } catch (e) {
      io.stderr.write(`bulwark: cannot write the SARIF log ${safeForTerminal(target)}: ${safeForTerminal((e as Error).message)}\n`);
      ioFailed = true;
    }
  }

  if (options.store !== false || sinkUrls.length > 0) {
    const { ScanEventRecorder } = await import('../scan/events.js');
    const recorder = await ScanEventRecorder.open({
      ...(typeof options.store === 'string' ? { storeUrl: options.store } : {}),
      noStore: options.store === false,
      sinkUrls,
      cwd: io.cwd,
      env,
    });
    for (const f of files) recorder.record(f);
    const problems = await recorder.close();
    for (const p of problems) io.stderr.write(`bulwark: ${safeForTerminal(p)}\n`);
    if (problems.length > 0) failed = true;
  }

  const outcome = outcomeOf(files);
  const code = outcomeExitCode(outcome.flagged, outcome.failed || failed);
  return ioFailed ? EXIT_IO : code;
}

/** `--sink` URLs plus the sinks of `--config`, each parsed now so that a bad one stops the run before the scan. */
async function sinkUrlsOf(options: ScanCommandOptions, cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const urls: string[] = [];
  if (options.config !== undefined) {
    const { loadConfig } = await import('../policy/load.js');
    const config = await loadConfig(resolve(cwd, options.config));
    for (const s of config.sinks) urls.push(typeof s === 'string' ? s : s.url);
  }
  urls.push(...(options.sink ?? []));
  if (urls.length > 0) {
    const { parseSinkUrl } = await import('../monitor/sinks/index.js');
    for (const [i, url] of urls.entries()) {
      try {
        parseSinkUrl(url, env);
      } catch (e) {
        throw new BulwarkError('ERR_SINK_CONFIG', `sink ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
    }
  }
  return urls;
}

/** A resolved path shown the way the user wrote its argument (`models/a.pt`, not `/home/me/models/a.pt`). */
function shownPath(path: string, absArgs: readonly string[], args: readonly string[]): string {
  for (const [i, abs] of absArgs.entries()) {
    if (path === abs) return args[i]!;
    if (path.startsWith(abs.endsWith('/') || abs.endsWith('\\') ? abs : `${abs}/`) || path.startsWith(`${abs}\\`)) {
      const arg = args[i]!;
      const rest = path.slice(abs.length).replace(/^[/\\]+/, '');
      return arg.endsWith('/') || arg.endsWith('\\') ? `${arg}${rest}` : `${arg}/${rest}`;
    }
  }
  return path;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value.trim()) || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** A byte count: 1000000, 512K, 64M, 4G, 1T (binary multiples; an optional B or iB after the letter). */
export function byteSize(value: string): number {
  const m = /^\s*([0-9]+)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value);
  const n = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive byte count such as 1000000, 512M or 4G');
  return n;
}
