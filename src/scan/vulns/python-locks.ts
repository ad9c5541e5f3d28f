// Python lock files: poetry.lock and uv.lock (`[[package]]`), PEP 751 pylock.toml (`[[packages]]`) and Pipfile.lock
// (JSON). Every registry or VCS package has an exact version; local projects (editable, path, directory) are skipped
// or reported unpinned, since advisories about a PyPI name do not apply to them.
import { firstLines } from './lines.js';
import { normalisePackageName } from './names.js';
import { array, parseToml, table } from './toml.js';
import type { ManifestKind, ParsedManifest } from './types.js';

const NAME_LINE = /^[ \t]*name[ \t]*=[ \t]*["']([^"'\n]+)["']/gm;
const JSON_KEY_LINE = /^[ \t]*"([^"\n]+)"[ \t]*:[ \t]*\{/gm;
const LOCAL_SOURCES = ['editable', 'virtual', 'directory', 'path', 'file'] as const;

/** poetry.lock, uv.lock or pylock.toml (told apart by `kind`). */
export function parseTomlLock(text: string, path: string, kind: Extract<ManifestKind, 'poetry-lock' | 'uv-lock' | 'pylock'>): ParsedManifest {
  const out: ParsedManifest = { kind, pinned: [], unpinned: [], errors: [] };
  const parsed = parseToml(text, path);
  if ('error' in parsed) {
    out.errors.push(parsed.error);
    return out;
  }
  const lines = firstLines(text, NAME_LINE, (k) => normalisePackageName('PyPI', k));
  const packages = array(kind === 'pylock' ? parsed.table.packages : parsed.table.package);
  for (const item of packages) {
    const p = table(item);
    if (!p || typeof p.name !== 'string' || p.name === '') continue;
    const line = lines.get(normalisePackageName('PyPI', p.name));
    const where = { manifest: path, ...(line === undefined ? {} : { line }) };
    const local = localSource(p);
    if (local === 'root') continue;
    if (local !== undefined) out.unpinned.push({ ecosystem: 'PyPI', package: p.name, spec: local, ...where });
    else if (typeof p.version === 'string' && p.version !== '') out.pinned.push({ ecosystem: 'PyPI', package: p.name, version: p.version, ...where });
    else out.unpinned.push({ ecosystem: 'PyPI', package: p.name, spec: '(no version)', ...where });
  }
  return out;
}

/** 'root' for the project being locked, a description for other local packages, undefined for registry and VCS ones. */
function localSource(p: Record<string, unknown>): string | undefined {
  // uv: source = { editable = "." } / { virtual = "." } / { directory = … } / { path = … }; poetry: source.type.
  const source = table(p.source);
  if (source) {
    if (source.editable === '.' || source.virtual === '.') return 'root';
    for (const key of LOCAL_SOURCES) if (typeof source[key] === 'string') return `${key} ${String(source[key]).slice(0, 200)}`;
    if (source.type === 'directory' || source.type === 'file') return `${source.type} ${String(source.url ?? '').slice(0, 200)}`;
  }
  // pylock.toml: a `directory` table or an archive given by path.
  if (table(p.directory)) return 'directory';
  const archive = table(p.archive);
  if (archive && typeof archive.path === 'string') return `archive ${archive.path.slice(0, 200)}`;
  return undefined;
}

/** Pipfile.lock: `default` and `develop` map names to `{ "version": "==1.2.3" }` or to VCS, path and file entries. */
export function parsePipfileLock(value: unknown, text: string, path: string): ParsedManifest {
  const out: ParsedManifest = { kind: 'pipfile-lock', pinned: [], unpinned: [], errors: [] };
  const root = table(value);
  if (!root) {
    out.errors.push({ path, message: 'not a Pipfile.lock: the top level is not an object' });
    return out;
  }
  const lines = firstLines(text, JSON_KEY_LINE, (k) => normalisePackageName('PyPI', k));
  for (const section of ['default', 'develop']) {
    for (const [name, entry] of Object.entries(table(root[section]) ?? {})) {
      const e = table(entry) ?? {};
      const line = lines.get(normalisePackageName('PyPI', name));
      const where = { manifest: path, ...(line === undefined ? {} : { line }) };
      const exact = typeof e.version === 'string' ? /^===?\s*(\S+)$/.exec(e.version.trim()) : null;
      if (exact?.[1] && !exact[1].includes('*')) out.pinned.push({ ecosystem: 'PyPI', package: name, version: exact[1], ...where });
      else {
        const other = ['git', 'path', 'file', 'editable'].find((k) => e[k] !== undefined);
        const spec = other !== undefined ? `${other} ${String(e[other]).slice(0, 200)}` : typeof e.version === 'string' ? e.version : '(no version)';
        out.unpinned.push({ ecosystem: 'PyPI', package: name, spec, ...where });
      }
    }
  }
  return out;
}
