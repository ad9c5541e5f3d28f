// Lockfile of a model folder (`bulwark pin`): the SHA-256 and size of every file, and the target of every symlink,
// so that `bulwark scan --lock` can fail on any change, addition or removal.

import { basename, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { BulwarkError } from '../core/errors.js';
import { readBoundedText, writeFileAtomic } from '../core/files.js';
import { hashFile, isGitName, walkFolder, comparePaths, type FolderEntry } from './model-files.js';
import { defineRules, TAGS_SUPPLY_CHAIN } from './rules.js';

export const LOCK_VERSION = 1;
/** Default name of the lockfile, at the root of the pinned folder; never part of the lock itself. */
export const LOCK_FILE_NAME = 'bulwark.lock';
/** Lockfiles above this size are refused unread (a million entries is about 120 MB). */
const MAX_LOCK_BYTES = 256 * 1024 * 1024;

export type LockFileEntry = { sha256: string; size: number };
export type LockLinkEntry = { link: string };
export type LockEntry = LockFileEntry | LockLinkEntry;

export interface Lock {
  version: 1;
  algorithm: 'sha256';
  /** Name of the pinned folder (informative: the lock holds for the folder wherever it is). */
  root: string;
  /** POSIX paths relative to the root, sorted. */
  files: Record<string, LockEntry>;
}

export interface LockDrift {
  path: string;
  change: 'modified' | 'added' | 'removed';
  /** What the lock says (absent for `added`). */
  expected?: LockEntry;
  /** What is on disk now (absent for `removed`). */
  actual?: LockEntry;
}

export const LOCK_RULES = defineRules(
  {
    modified: {
      verdict: 'suspicious',
      severity: 'high',
      title: 'Pinned model file changed',
      help: 'The file no longer has the digest recorded by `bulwark pin`: the model was altered after it was vetted (tampering, a bad download, or an update nobody re-vetted). Scan and review it, then re-pin.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    added: {
      verdict: 'suspicious',
      severity: 'high',
      title: 'File added to a pinned model',
      help: 'The file is not in the lockfile: something was added to the model folder after it was vetted. A loader may pick it up (an extra pickle, a new config). Review it, then re-pin.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    removed: {
      verdict: 'suspicious',
      severity: 'high',
      title: 'Pinned model file removed',
      help: 'A file recorded by `bulwark pin` is gone: the model on disk is not the one that was vetted. Restore it or re-pin after review.',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'lock',
);

const HEX64 = /^[0-9a-f]{64}$/;

/** A relative POSIX path that stays inside the root: no empty, `.` or `..` segment, no backslash, no NUL. */
function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

const LockSchema = z.strictObject({
  version: z.literal(LOCK_VERSION),
  algorithm: z.literal('sha256'),
  root: z.string().max(4096),
  files: z.record(
    z.string().max(4096).refine(isSafeRelativePath, 'not a relative POSIX path inside the folder'),
    z.union([
      z.strictObject({ sha256: z.string().regex(HEX64, 'expected 64 lowercase hex digits'), size: z.number().int().nonnegative() }),
      z.strictObject({ link: z.string().max(4096) }),
    ]),
  ),
});

export interface LockOptions {
  /** A lockfile written inside the folder: left out of the lock (the root-level `bulwark.lock` always is). */
  lockPath?: string;
}

/** Pins every file under `dir` (except `.git*` and the lockfile): SHA-256 and size; symlinks by their target text. */
export async function createLock(dir: string, options: LockOptions = {}): Promise<Lock> {
  const root = resolve(dir);
  const entries = await listPinned(root, options);
  const files: Record<string, LockEntry> = {};
  for (const e of entries) files[e.path] = await entryOf(e);
  return { version: 1, algorithm: 'sha256', root: basename(root), files };
}

/** The lock as written to disk: keys sorted at every level, two-space indent, final newline. */
export function serializeLock(lock: Lock): string {
  const files: Record<string, LockEntry> = {};
  for (const path of Object.keys(lock.files).sort(comparePaths)) {
    const e = lock.files[path] as LockEntry;
    files[path] = 'link' in e ? { link: e.link } : { sha256: e.sha256, size: e.size };
  }
  return `${JSON.stringify({ algorithm: lock.algorithm, files, root: lock.root, version: lock.version }, null, 2)}\n`;
}

/** Writes the lock atomically (temporary file, then rename). */
export async function writeLock(path: string, lock: Lock): Promise<void> {
  await writeFileAtomic(resolve(path), serializeLock(lock), 'lockfile');
}

/** Reads and validates a lockfile; a malformed one is ERR_CONFIG_INVALID naming the file and the first problem. */
export async function readLock(path: string): Promise<Lock> {
  const file = resolve(path);
  const text = await readBoundedText(file, MAX_LOCK_BYTES, 'lockfile');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `lockfile ${file} is not valid JSON: ${(e as Error).message}`, { context: { path: file } });
  }
  const parsed = LockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    throw new BulwarkError('ERR_CONFIG_INVALID', `lockfile ${file} is invalid${where}: ${issue ? innerMessage(issue) : 'unexpected shape'}`, {
      context: { path: file, issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message })) },
    });
  }
  return parsed.data as Lock;
}

/**
 * Compares the folder `root` with a lock: every file that changed, appeared or disappeared, sorted by path.
 * Files whose size already differs are still hashed, so that `actual` always says what is there now.
 */
export async function compareLock(lock: Lock, root: string, options: LockOptions = {}): Promise<LockDrift[]> {
  const top = resolve(root);
  const current = new Map((await listPinned(top, options)).map((e) => [e.path, e]));
  const drifts: LockDrift[] = [];
  const paths = new Set([...Object.keys(lock.files), ...current.keys()]);
  for (const path of [...paths].sort(comparePaths)) {
    const expected = Object.hasOwn(lock.files, path) ? lock.files[path] : undefined;
    const entry = current.get(path);
    if (entry === undefined) {
      drifts.push({ path, change: 'removed', expected });
      continue;
    }
    const actual = await entryOf(entry);
    if (expected === undefined) drifts.push({ path, change: 'added', actual });
    else if (!sameEntry(expected, actual)) drifts.push({ path, change: 'modified', expected, actual });
  }
  return drifts;
}

/** One line for a human: `weights.bin: modified (sha256 3a4f… → 9c1e…)`. */
export function describeDrift(d: LockDrift): string {
  const show = (e: LockEntry | undefined) => (e === undefined ? '-' : 'link' in e ? `symlink → ${e.link}` : `sha256 ${e.sha256.slice(0, 12)}… (${e.size} bytes)`);
  if (d.change === 'modified') return `${d.path}: modified (${show(d.expected)} → ${show(d.actual)})`;
  if (d.change === 'added') return `${d.path}: added (${show(d.actual)}), not in the lockfile`;
  return `${d.path}: removed (${show(d.expected)} expected)`;
}

/** zod wraps a failed record-key check in an `invalid_key` issue: show the check's own message. */
function innerMessage(issue: z.core.$ZodIssue): string {
  const inner = (issue as { issues?: { message?: string }[] }).issues?.[0]?.message;
  return inner ?? issue.message;
}

function sameEntry(a: LockEntry, b: LockEntry): boolean {
  if ('link' in a || 'link' in b) return 'link' in a && 'link' in b && a.link === b.link;
  return a.sha256 === b.sha256 && a.size === b.size;
}

async function entryOf(e: FolderEntry): Promise<LockEntry> {
  if (e.kind === 'symlink') return { link: e.linkTarget ?? '' };
  const { digests, size } = await hashFile(e.absPath, ['sha256']);
  return { sha256: (digests.sha256 as Buffer).toString('hex'), size };
}

/** Regular files and symlinks under the root, minus `.git*`, the root-level `bulwark.lock` and the given lockfile. */
async function listPinned(root: string, options: LockOptions): Promise<FolderEntry[]> {
  const lockRel = options.lockPath === undefined ? undefined : relative(root, resolve(options.lockPath)).split(sep).join('/');
  const entries = await walkFolder(root, {
    skip: (path, name) => isGitName(name) || path === LOCK_FILE_NAME || path === lockRel,
  });
  return entries.filter((e) => e.kind !== 'special');
}
