// `bulwark osv sync|status`: the local OSV advisory folder that `bulwark scan --deps` matches dependencies against.
// `sync` is the dependency scan's only network access, made only when the user runs it.
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { isBulwarkError } from '../core/errors.js';
import { readdir } from 'node:fs/promises';
import { loadAdvisories } from '../scan/vulns/advisory-store.js';
import { buildArchiveIndex, writeArchiveIndex } from '../scan/vulns/archive-index.js';
import { ecosystemOf } from '../scan/vulns/names.js';
import { defaultOsvDir, OSV_DIR_HELP } from '../scan/vulns/osv-dir.js';
import { ARCHIVE_NAME, archiveBase, DEFAULT_MAX_ARCHIVE_BYTES, DEFAULT_OSV_BASE_URL, readNote, SYNC_NOTE_NAME, syncAdvisories, type SyncResult } from '../scan/vulns/osv-sync.js';
import { ECOSYSTEMS, type Ecosystem } from '../scan/vulns/types.js';
import type { CommandContext } from './command-context.js';
import { EXIT_IO, EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE } from './exit-codes.js';
import { safeForTerminal } from './output.js';

export interface SyncCommandOptions {
  ecosystem?: Ecosystem[];
  osvDir?: string;
  source?: string;
  maxSize?: number;
  force?: boolean;
  json?: boolean;
}

export interface StatusCommandOptions {
  osvDir?: string;
  json?: boolean;
}

const PROGRESS_INTERVAL_MS = 250;

export function registerOsvCommand(program: Command, ctx: CommandContext): Command {
  const osv = program.command('osv').description('the local OSV advisory folder that `scan --deps` matches dependencies against');
  osv
    .command('sync')
    .description(`download the OSV advisory archives (<source>/<ecosystem>/all.zip) into the advisory folder; the only network access of the dependency scan`)
    .option('--ecosystem <list>', `ecosystems to fetch, comma separated (default: ${ECOSYSTEMS.join(',')})`, ecosystems)
    .option('--osv-dir <dir>', OSV_DIR_HELP)
    .option('--source <url>', `base URL of the OSV bucket or a mirror (default: $BULWARK_OSV_BASE_URL, else ${DEFAULT_OSV_BASE_URL})`)
    .option('--max-size <bytes>', `largest archive accepted, e.g. 500M, 4G (default ${DEFAULT_MAX_ARCHIVE_BYTES / 1024 ** 3}G)`, byteSize)
    .option('--force', 'download even when the server says the archive has not changed')
    .option('--json', 'print the results as JSON')
    .action(async (options: SyncCommandOptions) => {
      ctx.setExitCode(await sync(options, ctx));
    });
  osv
    .command('status')
    .description('show what the advisory folder holds: archives, their age and record counts')
    .option('--osv-dir <dir>', OSV_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (options: StatusCommandOptions) => {
      ctx.setExitCode(await status(options, ctx));
    });
  osv
    .command('index')
    .description('index advisory archives copied into the folder by hand (sync indexes its own), so that scans read only the records they need')
    .option('--osv-dir <dir>', OSV_DIR_HELP)
    .action(async (options: StatusCommandOptions) => {
      ctx.setExitCode(await index(options, ctx));
    });
  return osv;
}

async function sync(options: SyncCommandOptions, ctx: CommandContext): Promise<number> {
  const dir = osvDir(options.osvDir, ctx);
  const source = options.source ?? (process.env.BULWARK_OSV_BASE_URL?.trim() || DEFAULT_OSV_BASE_URL);
  try {
    archiveBase(source);
  } catch (e) {
    ctx.io.stderr.write(`bulwark: ${safeForTerminal(isBulwarkError(e) ? e.message : String(e))}\n`);
    return EXIT_USAGE;
  }
  const progress = progressLine(ctx);
  const results = await syncAdvisories({
    ecosystems: options.ecosystem ?? ECOSYSTEMS,
    dir,
    baseUrl: source,
    maxBytes: options.maxSize ?? DEFAULT_MAX_ARCHIVE_BYTES,
    force: options.force === true,
    onStart: (ecosystem, url) => ctx.io.stderr.write(`${ecosystem}: fetching ${safeForTerminal(url)}\n`),
    onProgress: progress.update,
  }).finally(progress.end);
  if (options.json === true) ctx.io.stdout.write(`${JSON.stringify({ dir, source, results }, null, 2)}\n`);
  for (const r of results) {
    if (r.status === 'failed') ctx.io.stderr.write(`bulwark: osv sync ${r.ecosystem}: ${safeForTerminal(r.error?.message ?? 'failed')}\n`);
    else if (options.json !== true) ctx.io.stdout.write(`${resultLine(r)}\n`);
  }
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0) return EXIT_OK;
  return failed.some((r) => r.error?.stage === 'write') ? EXIT_IO : EXIT_UNAVAILABLE;
}

function resultLine(r: SyncResult): string {
  const what = r.status === 'unchanged' ? 'unchanged' : 'updated  ';
  return safeForTerminal(`${r.ecosystem.padEnd(5)} ${what} ${String(r.records ?? 0).padStart(7)} records  ${megabytes(r.bytes ?? 0).padStart(9)}  ${r.path}`);
}

/** Progress on a terminal only: one line per ecosystem rewritten in place, at most four times a second. */
function progressLine(ctx: CommandContext): { update(ecosystem: Ecosystem, received: number, total: number | undefined): void; end(): void } {
  const stderr = ctx.io.stderr as { isTTY?: boolean };
  if (stderr.isTTY !== true) return { update: () => undefined, end: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(ecosystem, received, total) {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS && received !== total) return;
      last = now;
      shown = true;
      const of = total === undefined ? '' : ` of ${megabytes(total)} (${Math.floor((100 * received) / total)}%)`;
      ctx.io.stderr.write(`\r\x1b[K${ecosystem}: ${megabytes(received)}${of}`);
    },
    end() {
      if (shown) ctx.io.stderr.write('\r\x1b[K');
    },
  };
}

async function status(options: StatusCommandOptions, ctx: CommandContext): Promise<number> {
  const dir = osvDir(options.osvDir, ctx);
  const index = await loadAdvisories(dir, { wanted: new Set() });
  const archives = [];
  for (const ecosystem of ECOSYSTEMS) {
    const path = join(dir, ecosystem, ARCHIVE_NAME);
    const note = await readNote(join(dir, ecosystem, SYNC_NOTE_NAME), path);
    archives.push({ ecosystem, path, ...(note ? { bytes: note.bytes, records: note.records, fetchedAt: note.fetchedAt, sha256: note.sha256, url: note.url } : {}) });
  }
  const body = { dir, files: index.summary.files, records: index.summary.records, archives, errors: index.errors };
  if (options.json === true || !ctx.io.stdoutIsTTY) {
    ctx.io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    const lines = [`advisory folder ${dir}: ${body.records} records in ${body.files} files`];
    for (const a of archives) {
      lines.push(a.fetchedAt ? `  ${a.ecosystem.padEnd(5)} ${String(a.records).padStart(7)} records  synced ${a.fetchedAt}` : `  ${a.ecosystem.padEnd(5)} not synced`);
    }
    if (body.records === 0) lines.push('no advisories: run `bulwark osv sync` (online) or copy OSV records into the folder');
    ctx.io.stdout.write(`${lines.map(safeForTerminal).join('\n')}\n`);
  }
  for (const e of index.errors) ctx.io.stderr.write(`bulwark: ${safeForTerminal(`${e.path}: ${e.message}`)}\n`);
  return EXIT_OK;
}

/** Indexes every `*.zip` in the folder and its ecosystem subfolders. */
async function index(options: StatusCommandOptions, ctx: CommandContext): Promise<number> {
  const dir = osvDir(options.osvDir, ctx);
  const archives: string[] = [];
  for (const sub of ['', ...(await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name)]) {
    const names = await readdir(join(dir, sub)).catch(() => [] as string[]);
    for (const name of names.sort()) if (name.toLowerCase().endsWith('.zip') && !name.startsWith('.')) archives.push(join(dir, sub, name));
  }
  if (archives.length === 0) {
    ctx.io.stderr.write(`bulwark: no archives in ${safeForTerminal(dir)}\n`);
    return EXIT_OK;
  }
  let failed = false;
  for (const path of archives) {
    try {
      const built = await buildArchiveIndex(path);
      await writeArchiveIndex(path, built);
      ctx.io.stdout.write(`${safeForTerminal(path)}: ${built.records} records, ${built.packages.size} packages\n`);
    } catch (e) {
      failed = true;
      ctx.io.stderr.write(`bulwark: ${safeForTerminal(path)}: ${safeForTerminal(e instanceof Error ? e.message : String(e))}\n`);
    }
  }
  return failed ? EXIT_IO : EXIT_OK;
}

function osvDir(option: string | undefined, ctx: CommandContext): string {
  return resolve(ctx.io.cwd, option ?? defaultOsvDir());
}

/** Commander parser for `--ecosystem PyPI,npm` (any case). */
export function ecosystems(value: string, previous: Ecosystem[] | undefined): Ecosystem[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const e = ecosystemOf(part);
    if (e === undefined) throw new InvalidArgumentError(`unsupported ecosystem "${part}" (supported: ${ECOSYSTEMS.join(', ')})`);
    if (!out.includes(e)) out.push(e);
  }
  return out;
}

/** Commander parser for a size: bytes, or a number with K, M or G (powers of 1024). */
export function byteSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?\s*$/i.exec(value);
  const unit = (m?.[2] ?? '').charAt(0).toUpperCase();
  const n = m ? Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1) : Number.NaN;
  if (!Number.isFinite(n) || n < 1) throw new InvalidArgumentError('expected a size such as 500M, 4G or a number of bytes');
  return Math.floor(n);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
