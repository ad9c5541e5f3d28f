// Runs a CommonJS bundle of the CLI with V8's code cache: the compiled code of one run is written to a cache file
// and the next run deserialises it instead of parsing and compiling the bundle again. Node 20 has no code cache for
// ES modules (module.enableCompileCache came with Node 22), so bin/bulwark.js uses this for the short batch commands
// (`bulwark eval`, `bulwark detect`), where start-up is a large part of the run: `eval run` of one test 0.41 →
// 0.31–0.36 s, of 500 tests 0.82–0.90 → 0.74–0.76 s on the 2-core benchmark machine.
//
// A code cache is executable code, so it is only read from and written to a directory of the user's own that
// nobody else can write (created 0700; one that is group- or world-writable, or owned by someone else, is not
// used), never a shared temporary directory. V8 checks its own version, flags and the source's length; the file
// name adds the bundle's path (hashed), size, modification time and inode and Node's version, so that a rebuilt
// bundle never meets an old cache and two installations keep caches of their own.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

export const CODE_CACHE_ENV = 'BULWARK_CODE_CACHE';
export const CACHE_DIR_ENV = 'BULWARK_CACHE_DIR';
/**
 * Beside the bundle: the cache `npm run build` writes with one `eval run` (scripts/bundle-cli.mjs), so that the first
 * run on a machine (a CI job's only one) starts from compiled code too. Read only, and only under the same rules.
 */
export const BUILT_CACHE_DIR = 'code-cache';

export interface CachedBundle {
  exports: Record<string, unknown>;
  /** Whether V8 accepted a cache written by an earlier run. */
  usedCache: boolean;
  /** The cache file of this bundle, when caching is on; it exists once a run has saved it. */
  cacheFile: string | undefined;
  /**
   * Writes the code compiled so far (call it when the command has run, so that the functions it used are in it),
   * unless an accepted cache was used; never throws: a cache that cannot be written is simply not there next time.
   */
  save(): void;
}

/** The directory for code caches: BULWARK_CACHE_DIR, else $XDG_CACHE_HOME/bulwark, else ~/.cache/bulwark. */
export function cacheDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (env[CODE_CACHE_ENV]?.trim() === '0') return undefined;
  const own = env[CACHE_DIR_ENV]?.trim();
  if (own) return own;
  const xdg = env['XDG_CACHE_HOME']?.trim();
  if (xdg) return join(xdg, 'bulwark');
  const home = homedir();
  return home ? join(home, '.cache', 'bulwark') : undefined;
}

/** This user's, and writable by nobody else (on Windows, where there are no such mode bits, any file). */
function ownedPrivately(s: Stats): boolean {
  return process.platform === 'win32' || (s.uid === process.getuid?.() && (s.mode & 0o022) === 0);
}

/** True when `dir` exists (or could be created) as a directory only this user can write. */
function privateDirectory(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const s = statSync(dir);
    return s.isDirectory() && ownedPrivately(s);
  } catch {
    return false;
  }
}

/**
 * `<bundle>-<variant>-<installation>-`: the start of every cache name of one bundle file (its path's hash tells two
 * installations apart, so that they keep their own caches instead of replacing each other's) and variant.
 */
function cachePrefix(file: string, variant: string): string {
  const installation = createHash('sha256').update(file).digest('hex').slice(0, 12);
  return `${basename(file)}-${variant}-${installation}-`;
}

function cacheName(prefix: string, s: Stats): string {
  const stamp = `${s.size.toString(36)}-${Math.trunc(s.mtimeMs).toString(36)}-${s.ino.toString(36)}`;
  return `${prefix}${stamp}-${process.version}-${process.arch}.v8cache`;
}

/** A variant name that is safe in a file name: lowercase letters and dashes, else "other". */
function safeVariant(variant: string): string {
  return /^[a-z][a-z-]{0,31}$/.test(variant) ? variant : 'other';
}

/** Reads a cache file only when it is a regular file of this user's that nobody else can write. */
function readOwnFile(path: string): Buffer | undefined {
  try {
    const s = statSync(path);
    if (!s.isFile() || !ownedPrivately(s)) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Loads `file` (a CommonJS module) as Node's loader would, with the code cache of `cacheDir` when there is a usable
 * one (`cacheDir` undefined: no cache, as BULWARK_CODE_CACHE=0 asks; see cacheDirectory()). A cache holds the code
 * that one run compiled, so each `variant` (the subcommand: `eval run`, `eval list`, ...) has a cache of its own.
 */
export function loadWithCodeCache(file: string, cacheDir: string | undefined, variant = 'main'): CachedBundle {
  const source = readFileSync(file, 'utf8');
  const dir = cacheDir !== undefined && privateDirectory(cacheDir) ? cacheDir : undefined;
  const prefix = cachePrefix(file, safeVariant(variant));
  const name = cacheName(prefix, statSync(file));
  const cacheFile = dir === undefined ? undefined : join(dir, name);
  const cachedData = cacheFile === undefined ? undefined : (readOwnFile(cacheFile) ?? builtCache(file, name));
  // The wrapper of Node's CommonJS loader. The module may not use import(): Node 20 loses a cached script's import()
  // callback, so the bundle is built with import() turned into require() (scripts/bundle-cli.mjs).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const usedCache = cachedData !== undefined && script.cachedDataRejected === false;
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    usedCache,
    cacheFile,
    save() {
      if (cacheFile === undefined || usedCache || dir === undefined) return;
      try {
        writePrivate(cacheFile, script.createCachedData());
        removeStale(dir, prefix, basename(cacheFile));
      } catch {
        // A cache is an optimisation: a full disk or a read-only home only means compiling next time too.
      }
    },
  };
}

/** The build's cache of the same name, when its directory is as private as a user's cache directory must be. */
function builtCache(file: string, name: string): Buffer | undefined {
  const dir = join(dirname(file), BUILT_CACHE_DIR);
  try {
    const s = statSync(dir);
    if (!s.isDirectory() || !ownedPrivately(s)) return undefined;
  } catch {
    return undefined;
  }
  return readOwnFile(join(dir, name));
}

/** Writes through a fresh 0600 file and a rename, so that a concurrent run reads the old cache or the new one. */
function writePrivate(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Caches of earlier builds of the same bundle file and variant (or other Node versions) go: the directory stays small. */
function removeStale(dir: string, prefix: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if (name !== keep && name.startsWith(prefix) && (name.endsWith('.v8cache') || name.endsWith('.tmp'))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // another run removed it first
      }
    }
  }
}
