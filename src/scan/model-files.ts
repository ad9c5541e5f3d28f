// Walks a model folder and hashes its files: sorted POSIX relative paths, symlinks recorded but never followed,
// streaming digests through a fixed buffer. Shared by the lockfile, the AI-BOM and model signing.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BulwarkError } from '../core/errors.js';

export type EntryKind = 'file' | 'symlink' | 'special';

export interface FolderEntry {
  /** POSIX path relative to the walked root; for a root that is a file, the file's own name. */
  path: string;
  /** Absolute path on this machine. */
  absPath: string;
  /** `special`: FIFO, socket or device — listed so callers can say so, never opened. */
  kind: EntryKind;
  /** Bytes (0 for symlinks and special files). */
  size: number;
  /** What a symlink points to, as written in the link (not resolved). */
  linkTarget?: string;
}

export interface WalkOptions {
  /**
   * Skips a path (and everything below a skipped folder). `path` is POSIX and relative to the root.
   * Default: `isGitName(name)` — `.git`, `.gitattributes`, `.github`, `.gitignore`, … at any depth.
   */
  skip?: (path: string, name: string, isDirectory: boolean) => boolean;
  /** Entries listed before giving up with ERR_SCAN_LIMIT (a folder of millions of files is not a model). */
  maxEntries?: number;
}

export const DEFAULT_MAX_ENTRIES = 1_000_000;

/** Version-control files that are never part of a model (`.git`, `.gitattributes`, `.github`, `.gitignore`, …). */
export function isGitName(name: string): boolean {
  return name.startsWith('.git');
}

/** Whether `root` is a folder (following a symlink given as the root itself: the user named it). */
export async function isDirectory(root: string): Promise<boolean> {
  try {
    return (await stat(root)).isDirectory();
  } catch (e) {
    throw ioError(e, root, 'read');
  }
}

/**
 * Lists the entries under `root` (a folder, or a single file), sorted with `comparePaths`. Symlinks below the root
 * are listed as `symlink` with their target text and never followed, so nothing outside the root is ever read.
 */
export async function walkFolder(root: string, options: WalkOptions = {}): Promise<FolderEntry[]> {
  const top = resolve(root);
  const skip = options.skip ?? ((_path: string, name: string) => isGitName(name));
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let st;
  try {
    st = await stat(top);
  } catch (e) {
    throw ioError(e, top, 'read');
  }
  if (!st.isDirectory()) {
    const kind: EntryKind = st.isFile() ? 'file' : 'special';
    // The user named this file: a symlink given as the root is followed (hashFile refuses links it meets itself).
    const real = await realpath(top).catch(() => top);
    return [{ path: basename(top), absPath: real, kind, size: kind === 'file' ? st.size : 0 }];
  }
  const out: FolderEntry[] = [];
  const pending: { abs: string; rel: string }[] = [{ abs: top, rel: '' }];
  while (pending.length > 0) {
    const dir = pending.pop() as { abs: string; rel: string };
    let dirents;
    try {
      dirents = await readdir(dir.abs, { withFileTypes: true });
    } catch (e) {
      throw ioError(e, dir.abs, 'list');
    }
    for (const d of dirents) {
      const rel = dir.rel === '' ? d.name : `${dir.rel}/${d.name}`;
      const abs = join(dir.abs, d.name);
      if (skip(rel, d.name, d.isDirectory())) continue;
      if (out.length + pending.length >= maxEntries) {
        throw new BulwarkError('ERR_SCAN_LIMIT', `${top} holds more than ${maxEntries} entries`, { context: { path: top, maxEntries } });
      }
      if (d.isDirectory()) {
        pending.push({ abs, rel });
      } else if (d.isSymbolicLink()) {
        let target: string;
        try {
          target = await readlink(abs);
        } catch (e) {
          throw ioError(e, abs, 'read');
        }
        out.push({ path: rel, absPath: abs, kind: 'symlink', size: 0, linkTarget: target.split('\\').join('/') });
      } else if (d.isFile()) {
        let size: number;
        try {
          size = (await lstat(abs)).size;
        } catch (e) {
          throw ioError(e, abs, 'read');
        }
        out.push({ path: rel, absPath: abs, kind: 'file', size });
      } else {
        out.push({ path: rel, absPath: abs, kind: 'special', size: 0 });
      }
    }
  }
  return out.sort((a, b) => comparePaths(a.path, b.path));
}

/**
 * Orders POSIX paths component by component, each compared by Unicode code point — the order Python's
 * `PurePosixPath` sorts in, which model signing relies on for its root digest (`a/b` sorts before `a.txt`).
 */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(pa[i] as string, pb[i] as string);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** String order by code point (JavaScript's `<` compares UTF-16 units, which misorders astral characters). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF: move them above U+E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** node:crypto names of the digests we stream. */
export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512' | 'blake2b512';

export interface FileDigests {
  size: number;
  digests: Partial<Record<DigestAlgorithm, Buffer>>;
}

const CHUNK = 1024 * 1024;
/** O_NOFOLLOW where the platform has it: a file swapped for a symlink after the walk is refused, not followed. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Streams a file (or the byte range `[start, end)`) through the given digests with one 1 MiB buffer. Refuses
 * anything that is not a regular file when opened (a FIFO would block forever, a symlink could lead outside).
 */
export async function hashFile(
  path: string,
  algorithms: readonly DigestAlgorithm[] = ['sha256'],
  range?: { start: number; end: number },
): Promise<FileDigests> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw ioError(e, path, 'open');
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new BulwarkError('ERR_IO', `${path} is not a regular file`, { context: { path } });
    const hashes: [DigestAlgorithm, Hash][] = algorithms.map((a) => [a, createHash(a)]);
    const start = range?.start ?? 0;
    const end = range?.end ?? st.size;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, end - start)));
    let pos = start;
    while (pos < end) {
      const want = Math.min(buf.length, end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) {
        throw new BulwarkError('ERR_IO', `${path} shrank while it was being read (at byte ${pos})`, { context: { path, offset: pos } });
      }
      const chunk = buf.subarray(0, bytesRead);
      for (const [, h] of hashes) h.update(chunk);
      pos += bytesRead;
    }
    const digests: Partial<Record<DigestAlgorithm, Buffer>> = {};
    for (const [a, h] of hashes) digests[a] = h.digest();
    return { size: range ? end - start : st.size, digests };
  } catch (e) {
    throw e instanceof BulwarkError ? e : ioError(e, path, 'read');
  } finally {
    await fh.close().catch(() => undefined);
  }
}

export interface HashedEntry extends FolderEntry {
  /** Hex digests of regular files, keyed by algorithm. */
  digests?: Partial<Record<DigestAlgorithm, string>>;
}

/** The walk of `root` with every regular file hashed (sequentially: hashing runs on the main thread anyway). */
export async function hashFolder(
  root: string,
  options: WalkOptions & { algorithms?: readonly DigestAlgorithm[] } = {},
): Promise<HashedEntry[]> {
  const entries = await walkFolder(root, options);
  const algorithms = options.algorithms ?? ['sha256'];
  const out: HashedEntry[] = [];
  for (const e of entries) {
    if (e.kind !== 'file') {
      out.push(e);
      continue;
    }
    const { digests, size } = await hashFile(e.absPath, algorithms);
    const hex: Partial<Record<DigestAlgorithm, string>> = {};
    for (const a of algorithms) hex[a] = (digests[a] as Buffer).toString('hex');
    out.push({ ...e, size, digests: hex });
  }
  return out;
}

function ioError(e: unknown, path: string, what: string): BulwarkError {
  if (e instanceof BulwarkError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === 'ELOOP' ? 'it is a symbolic link' : code ?? (e instanceof Error ? e.message : String(e));
  return new BulwarkError('ERR_IO', `cannot ${what} ${path}: ${reason}`, { context: { path, code }, cause: e });
}
