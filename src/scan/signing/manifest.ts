// The model-signing manifest (OpenSSF model signing v1.0, sigstore/model-transparency): every file (or file shard)
// of a model paired with its digest, sorted by path, plus the serialization parameters needed to recompute it.
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { BulwarkError } from '../../core/errors.js';
import { compareCodePoints, comparePaths, hashFile, isGitName, walkFolder, type DigestAlgorithm, type FolderEntry } from '../model-files.js';

/** `hash_type` values of the predicate and the digest each one names in `resources[].algorithm`. */
export const HASH_TYPES = {
  sha256: { node: 'sha256', algorithm: 'sha256' },
  blake2: { node: 'blake2b512', algorithm: 'blake2b' },
} as const satisfies Record<string, { node: DigestAlgorithm; algorithm: string }>;
export type HashType = keyof typeof HASH_TYPES;

/** Default shard size of the `shards` method (model-transparency's default, 1 GB). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;
/** Paths model-transparency ignores at the model root by default. */
export const DEFAULT_IGNORED_PATHS = ['.git', '.gitattributes', '.github', '.gitignore'] as const;
/** Default signature file name inside the model folder. */
export const SIGNATURE_FILE_NAME = 'model.sig';

/** The `predicate.serialization` object, with the snake_case keys of the wire format. */
export interface Serialization {
  method: 'files' | 'shards';
  hash_type: string;
  allow_symlinks: boolean;
  shard_size?: number;
  ignore_paths?: string[];
}

export interface Resource {
  /** POSIX path relative to the model (`.` for a single-file model); `path:start:end` for shards. */
  name: string;
  algorithm: string;
  /** Hex digest. */
  digest: string;
}

export interface ModelManifest {
  /** Last component of the model path: informative, a renamed model still verifies. */
  modelName: string;
  serialization: Serialization;
  /** Sorted with `compareResources`. */
  resources: Resource[];
}

export interface SerializeOptions {
  hashType?: HashType;
  method?: 'files' | 'shards';
  shardSize?: number;
  /** Follow symlinks that resolve to a regular file inside the model; default: a symlink is an error. */
  allowSymlinks?: boolean;
  /** POSIX paths relative to the model; a folder ignores everything below it. */
  ignorePaths?: readonly string[];
  /** Also leave out every `.git*` name at any depth, and record each one in `ignore_paths` (signing). */
  ignoreAllGitNames?: boolean;
  /** With `ignoreAllGitNames`, the recorded `ignore_paths` (default: all ignored paths). */
  recordIgnorePaths?: boolean;
  /** Only these files are hashed (verification with unsigned files allowed); others are listed in `unhashed`. */
  onlyFiles?: ReadonlySet<string>;
}

export interface SerializedModel {
  manifest: ModelManifest;
  /** Regular files present but not hashed because of `onlyFiles`. */
  unhashed: string[];
}

/** SHA-256 over the raw resource digests in manifest order: the in-toto subject digest. */
export function rootDigest(resources: readonly Resource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

/** Manifest order: by path (component-wise, code points), then shard start, as model-transparency sorts. */
export function compareResources(a: Resource, b: Resource, method: Serialization['method']): number {
  if (method === 'files') return comparePaths(a.name, b.name);
  const sa = parseShardName(a.name);
  const sb = parseShardName(b.name);
  if (!sa || !sb) return compareCodePoints(a.name, b.name);
  return comparePaths(sa.path, sb.path) || sa.start - sb.start || sa.end - sb.end;
}

/** `path:start:end` → parts; undefined when the name is not a shard name. */
export function parseShardName(name: string): { path: string; start: number; end: number } | undefined {
  const m = /^(.*):(\d{1,15}):(\d{1,15})$/s.exec(name);
  if (!m) return undefined;
  const start = Number(m[2]);
  const end = Number(m[3]);
  return end >= start ? { path: m[1] as string, start, end } : undefined;
}

/** Whether `path` is one of `ignored` or lies below one of them. */
export function isIgnored(path: string, ignored: readonly string[]): boolean {
  return ignored.some((p) => p === path || path.startsWith(`${p}/`));
}

/** Normalises a user or signature ignore path: POSIX, relative, no `./` prefix or trailing slash. */
export function normaliseIgnorePath(p: string): string {
  let s = p.split('\\').join('/');
  while (s.startsWith('./')) s = s.slice(2);
  while (s.endsWith('/') && s.length > 1) s = s.slice(0, -1);
  return s;
}

/**
 * Serializes a model folder (or a single file) into a manifest the way model-transparency does: each regular file
 * (or each shard of it) hashed, the default git paths and the given ignore paths left out, sorted.
 */
export async function serializeModel(modelPath: string, options: SerializeOptions = {}): Promise<SerializedModel> {
  const root = resolve(modelPath);
  const hashType = options.hashType ?? 'sha256';
  const { node: nodeAlg, algorithm } = HASH_TYPES[hashType];
  const method = options.method ?? 'files';
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isSafeInteger(shardSize) || shardSize < 1) throw new TypeError('shardSize must be a positive integer');
  const allowSymlinks = options.allowSymlinks ?? false;
  const ignored = [...DEFAULT_IGNORED_PATHS, ...(options.ignorePaths ?? []).map(normaliseIgnorePath).filter((p) => p !== '' && p !== '.')];
  const gitSkipped: string[] = [];
  const rootStat = await statOrThrow(root);
  const single = !rootStat.isDirectory();
  const entries: FolderEntry[] = single
    ? [{ path: '.', absPath: root, kind: rootStat.isFile() ? 'file' : 'special', size: rootStat.size }]
    : await walkFolder(root, {
        skip: (path, name) => {
          if (isIgnored(path, ignored)) return true;
          if (options.ignoreAllGitNames && isGitName(name)) {
            gitSkipped.push(path);
            return true;
          }
          return false;
        },
      });
  const realRoot = allowSymlinks && !single ? await realpath(root) : root;
  const files: { name: string; absPath: string; size: number }[] = [];
  for (const e of entries) {
    if (e.kind === 'special') throw signatureError(`cannot use ${e.path}: it is neither a regular file nor a folder`, { path: e.path });
    if (e.kind === 'symlink') {
      if (!allowSymlinks) {
        throw signatureError(`${e.path} is a symbolic link; symlinks are refused unless allowed (--allow-symlinks)`, { path: e.path });
      }
      files.push({ name: e.path, ...(await followInside(realRoot, e)) });
      continue;
    }
    files.push({ name: e.path, absPath: e.absPath, size: e.size });
  }
  const unhashed: string[] = [];
  const resources: Resource[] = [];
  for (const f of files) {
    if (options.onlyFiles && !options.onlyFiles.has(f.name)) {
      unhashed.push(f.name);
      continue;
    }
    if (method === 'files') {
      const { digests } = await hashFile(f.absPath, [nodeAlg]);
      resources.push({ name: f.name, algorithm, digest: (digests[nodeAlg] as Buffer).toString('hex') });
    } else {
      // model-transparency gives an empty file no shard at all.
      for (let start = 0; start < f.size; start += shardSize) {
        const end = Math.min(f.size, start + shardSize);
        const { digests } = await hashFile(f.absPath, [nodeAlg], { start, end });
        resources.push({ name: `${f.name}:${start}:${end}`, algorithm, digest: (digests[nodeAlg] as Buffer).toString('hex') });
      }
    }
  }
  if (files.length === 0) throw signatureError(`${root} contains no regular files after applying exclusions`, { path: root });
  resources.sort((a, b) => compareResources(a, b, method));
  const serialization: Serialization = { method, hash_type: hashType, allow_symlinks: allowSymlinks };
  if (method === 'shards') serialization.shard_size = shardSize;
  if (options.recordIgnorePaths !== false && !single) {
    serialization.ignore_paths = [...new Set([...ignored, ...gitSkipped])].sort(compareCodePoints);
  }
  return { manifest: { modelName: basename(root), serialization, resources }, unhashed };
}

/** A symlink is followed only to a regular file inside the model's real path. */
async function followInside(realRoot: string, e: FolderEntry): Promise<{ absPath: string; size: number }> {
  let target: string;
  try {
    target = await realpath(e.absPath);
  } catch {
    throw signatureError(`${e.path} is a broken symbolic link`, { path: e.path });
  }
  const rel = relative(realRoot, target);
  if (rel === '' || rel.startsWith('..') || rel.split(sep)[0] === '..' || resolve(realRoot, rel) !== target) {
    throw signatureError(`${e.path} is a symbolic link that leads outside the model`, { path: e.path });
  }
  const st = await statOrThrow(target);
  if (!st.isFile()) throw signatureError(`${e.path} is a symbolic link to something other than a regular file`, { path: e.path });
  return { absPath: target, size: st.size };
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    throw new BulwarkError('ERR_IO', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path }, cause: e });
  }
}

export function signatureError(message: string, context: Record<string, unknown> = {}): BulwarkError {
  return new BulwarkError('ERR_SIGNATURE', message, { context });
}
