// Finds dependency manifests under the given paths (files or folders) and reads each with its parser. Folders are
// walked without following symlinks, skipping node_modules, VCS folders and virtual environments, within bounds.
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parsePackageLock } from './package-lock.js';
import { parsePyproject } from './pyproject.js';
import { parsePipfileLock, parseTomlLock } from './python-locks.js';
import { parseRequirementsText, type RequirementsMode } from './requirements.js';
import { parseSbom, sbomKind } from './sbom.js';
import { parseToml, table } from './toml.js';
import type { ManifestError, ParsedManifest } from './types.js';

export interface ManifestLimits {
  /** Bytes of one manifest (a monorepo's package-lock.json runs to tens of megabytes). */
  maxManifestBytes: number;
  /** Directory entries looked at, over all folders. */
  maxEntries: number;
  maxDepth: number;
  /** `-r`/`-c` include chains. */
  maxIncludeDepth: number;
}

export const MANIFEST_LIMITS: Readonly<ManifestLimits> = Object.freeze({
  maxManifestBytes: 64 * 1024 * 1024,
  maxEntries: 500_000,
  maxDepth: 32,
  maxIncludeDepth: 8,
});

export interface ReadManifest extends ParsedManifest {
  path: string;
}

type Kind = 'requirements' | 'constraints' | 'pyproject' | 'poetry-lock' | 'uv-lock' | 'pylock' | 'pipfile-lock' | 'package-lock' | 'sbom';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', 'site-packages']);
const SBOM_NAME = /(?:^|[._-])(?:s?bom|cdx|cyclonedx|spdx)(?:[._-][^/]*)?\.json$/i;

/** The kind a file name announces, for files met while walking a folder (undefined: not a manifest). */
export function kindOfName(path: string): Kind | undefined {
  const name = basename(path).toLowerCase();
  if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') return 'package-lock';
  if (name === 'pyproject.toml') return 'pyproject';
  if (name === 'poetry.lock') return 'poetry-lock';
  if (name === 'uv.lock') return 'uv-lock';
  if (/^pylock(?:\.[^.]+)?\.toml$/.test(name)) return 'pylock';
  if (name === 'pipfile.lock') return 'pipfile-lock';
  if (/^constraints.*\.txt$/.test(name)) return 'constraints';
  if (/requirements.*\.(?:txt|in)$/.test(name)) return 'requirements';
  if (basename(dirname(path)).toLowerCase() === 'requirements' && /\.(?:txt|in)$/.test(name)) return 'requirements';
  if (SBOM_NAME.test(name)) return 'sbom';
  return undefined;
}

/** Reads every manifest under `paths`. */
export async function readManifests(paths: readonly string[], limits: ManifestLimits = MANIFEST_LIMITS): Promise<{ manifests: ReadManifest[]; errors: ManifestError[] }> {
  const reader = new Reader(limits);
  for (const path of paths) await reader.top(path);
  return { manifests: reader.manifests, errors: reader.errors };
}

class Reader {
  readonly manifests: ReadManifest[] = [];
  readonly errors: ManifestError[] = [];
  private readonly visited = new Set<string>();
  private entries = 0;
  private stopped = false;

  constructor(private readonly limits: ManifestLimits) {}

  async top(path: string): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      this.errors.push({ path, message: `cannot read: ${(e as Error).message}` });
      return;
    }
    if (info.isDirectory()) await this.walk(path, 0);
    else await this.file(path, kindOfName(path), true);
  }

  private async walk(dir: string, depth: number): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      this.errors.push({ path: dir, message: `cannot list: ${(e as Error).message}` });
      return;
    }
    // A virtual environment holds installed packages, whose own metadata is not this project's manifest.
    if (depth > 0 && entries.some((e) => e.name === 'pyvenv.cfg')) return;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folders: string[] = [];
    for (const entry of entries) {
      if (this.stopped) return;
      if (++this.entries > this.limits.maxEntries) {
        this.errors.push({ path: dir, message: `more than ${this.limits.maxEntries} entries under the given folders: the rest were not searched` });
        this.stopped = true;
        return;
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) folders.push(path);
      } else if (entry.isFile()) {
        const kind = kindOfName(path);
        if (kind !== undefined) await this.file(path, kind, false);
      }
    }
    for (const folder of folders) {
      if (depth + 1 > this.limits.maxDepth) this.errors.push({ path: folder, message: `deeper than ${this.limits.maxDepth} folders: not searched` });
      else await this.walk(folder, depth + 1);
    }
  }

  /** `explicit`: named on the command line, so an unknown name is sniffed and a non-manifest is an error. */
  private async file(path: string, kind: Kind | undefined, explicit: boolean, includeDepth = 0): Promise<void> {
    const text = await this.read(path);
    if (text === undefined) return;
    if (kind === 'requirements' || kind === 'constraints' || (kind === undefined && /\.(?:txt|in)$/i.test(path))) {
      await this.requirements(path, text, kind === 'constraints' ? 'constraints' : 'requirements', includeDepth);
      return;
    }
    if (kind === 'pyproject') return this.add(path, parsePyproject(text, path));
    if (kind === 'poetry-lock' || kind === 'uv-lock' || kind === 'pylock') return this.add(path, parseTomlLock(text, path, kind));
    if (path.toLowerCase().endsWith('.toml')) return this.sniffToml(path, text, explicit);
    if (kind !== undefined || path.toLowerCase().endsWith('.json')) return this.json(path, text, kind, explicit);
    if (explicit) this.errors.push({ path, message: 'not a recognised dependency manifest' });
  }

  private async requirements(path: string, text: string, mode: RequirementsMode, depth: number): Promise<void> {
    if (!(await this.firstVisit(path, mode))) return;
    const parsed = parseRequirementsText(text, path, mode);
    this.add(path, parsed);
    for (const include of parsed.includes) {
      if (depth + 1 > this.limits.maxIncludeDepth) {
        parsed.errors.push({ path, line: include.line, message: `includes nested deeper than ${this.limits.maxIncludeDepth}: ${include.path} not read` });
        continue;
      }
      const included = await this.read(include.path, { path, line: include.line });
      if (included !== undefined) await this.requirements(include.path, included, include.mode, depth + 1);
    }
  }

  private json(path: string, text: string, kind: Kind | undefined, explicit: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // A file named like an SBOM found while walking may be any JSON; only claimed manifests must parse.
      if (explicit || kind !== 'sbom') this.errors.push({ path, message: `not valid JSON: ${(e as Error).message}` });
      return;
    }
    const root = table(value);
    if (kind === 'package-lock' || (kind === undefined && root?.lockfileVersion !== undefined)) return this.add(path, parsePackageLock(value, text, path));
    if (kind === 'pipfile-lock' || (kind === undefined && table(root?._meta) !== undefined && (root?.default !== undefined || root?.develop !== undefined))) {
      return this.add(path, parsePipfileLock(value, text, path));
    }
    if (sbomKind(value) !== undefined) return this.add(path, parseSbom(value, text, path));
    if (explicit) this.errors.push({ path, message: 'not a recognised manifest: neither a package-lock.json, a Pipfile.lock nor a CycloneDX or SPDX 2 SBOM' });
  }

  private sniffToml(path: string, text: string, explicit: boolean): void {
    const parsed = parseToml(text, path);
    if ('error' in parsed) {
      if (explicit) this.errors.push(parsed.error);
      return;
    }
    const t = parsed.table;
    if (Array.isArray(t.package)) return this.add(path, parseTomlLock(text, path, t['requires-python'] !== undefined || t.revision !== undefined ? 'uv-lock' : 'poetry-lock'));
    if (Array.isArray(t.packages)) return this.add(path, parseTomlLock(text, path, 'pylock'));
    if (t.project !== undefined || table(t.tool)?.poetry !== undefined || t['dependency-groups'] !== undefined) return this.add(path, parsePyproject(text, path));
    if (explicit) this.errors.push({ path, message: 'not a recognised manifest: a TOML file without [project], [tool.poetry] or [[package]]' });
  }

  private add(path: string, parsed: ParsedManifest): void {
    this.manifests.push({ path, ...parsed });
  }

  /** True the first time a file is read in this mode: includes that loop, or files both walked and included, count once. */
  private async firstVisit(path: string, mode: RequirementsMode): Promise<boolean> {
    const real = await realpath(path).catch(() => path);
    const key = `${mode}:${real}`;
    if (this.visited.has(key)) return false;
    this.visited.add(key);
    return true;
  }

  /** The file's text, or undefined after recording why not (at the including line, for includes). */
  private async read(path: string, from?: { path: string; line: number }): Promise<string | undefined> {
    const fail = (message: string) => {
      this.errors.push(from ? { path: from.path, line: from.line, message: `${path}: ${message}` } : { path, message });
      return undefined;
    };
    try {
      const info = await stat(path);
      if (!info.isFile()) return fail('not a file');
      if (info.size > this.limits.maxManifestBytes) return fail(`${info.size} bytes, over the ${this.limits.maxManifestBytes}-byte limit for a manifest`);
      const bytes = await readFile(path);
      return bytes.toString('utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      return fail(`cannot read: ${(e as Error).message}`);
    }
  }
}
