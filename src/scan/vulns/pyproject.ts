// pyproject.toml: PEP 621 `[project]` dependencies and optional-dependencies, PEP 735 `[dependency-groups]`, and
// Poetry's `[tool.poetry.dependencies]`, dev-dependencies and groups. Exact pins are matched, the rest reported unpinned.
import { firstLines } from './lines.js';
import { normalisePackageName } from './names.js';
import { exactVersion, parseRequirement, specText } from './pep508.js';
import { array, parseToml, table, type TomlTable } from './toml.js';
import type { ParsedManifest } from './types.js';

/** A Poetry constraint that names one version: `1.2.3`, `==1.2.3`, `=1.2.3`. */
const POETRY_EXACT = /^(?:={1,2})?\s*([0-9][A-Za-z0-9._+!-]*)$/;
const DOUBLE_QUOTED = /"([^"\n]{1,4096})"/g;
const SINGLE_QUOTED = /'([^'\n]{1,4096})'/g;
const TOML_KEY = /^[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?[ \t]*=/gm;

export function parsePyproject(text: string, path: string): ParsedManifest {
  const out: ParsedManifest = { kind: 'pyproject', pinned: [], unpinned: [], errors: [] };
  const parsed = parseToml(text, path);
  if ('error' in parsed) {
    out.errors.push(parsed.error);
    return out;
  }
  const literalLines = new Map([...firstLines(text, SINGLE_QUOTED), ...firstLines(text, DOUBLE_QUOTED)]);
  const keyLines = firstLines(text, TOML_KEY, (k) => normalisePackageName('PyPI', k));
  const project = table(parsed.table.project);
  const pep508: unknown[] = [...array(project?.dependencies)];
  for (const extra of Object.values(table(project?.['optional-dependencies']) ?? {})) pep508.push(...array(extra));
  for (const group of Object.values(table(parsed.table['dependency-groups']) ?? {})) pep508.push(...array(group));
  for (const item of pep508) {
    // `{include-group = "…"}` entries of dependency groups name other groups, read on their own.
    if (typeof item !== 'string') continue;
    const line = literalLines.get(item);
    const req = parseRequirement(item);
    if (!req) {
      out.errors.push({ path, ...(line === undefined ? {} : { line }), message: `not a PEP 508 requirement: ${item.slice(0, 200)}` });
      continue;
    }
    const version = req.url === undefined ? exactVersion(req) : undefined;
    const where = { manifest: path, ...(line === undefined ? {} : { line }) };
    if (version !== undefined) out.pinned.push({ ecosystem: 'PyPI', package: req.name, version, ...where });
    else out.unpinned.push({ ecosystem: 'PyPI', package: req.name, spec: specText(req), ...where });
  }
  for (const deps of poetryTables(parsed.table)) {
    for (const [name, constraint] of Object.entries(deps)) {
      if (name.toLowerCase() === 'python') continue;
      const line = keyLines.get(normalisePackageName('PyPI', name));
      const where = { manifest: path, ...(line === undefined ? {} : { line }) };
      // A list gives one constraint per Python version or platform: each may pin its own version.
      for (const c of Array.isArray(constraint) ? constraint : [constraint]) {
        const { version, spec } = poetryConstraint(c);
        if (version !== undefined) out.pinned.push({ ecosystem: 'PyPI', package: name, version, ...where });
        else out.unpinned.push({ ecosystem: 'PyPI', package: name, spec, ...where });
      }
    }
  }
  return out;
}

function poetryTables(root: TomlTable): TomlTable[] {
  const poetry = table(table(root.tool)?.poetry);
  if (!poetry) return [];
  const tables = [table(poetry.dependencies), table(poetry['dev-dependencies'])];
  for (const group of Object.values(table(poetry.group) ?? {})) tables.push(table(table(group)?.dependencies));
  return tables.filter((t): t is TomlTable => t !== undefined);
}

function poetryConstraint(c: unknown): { version?: string; spec: string } {
  if (typeof c === 'string') {
    const exact = POETRY_EXACT.exec(c.trim());
    return exact?.[1] ? { version: exact[1], spec: c } : { spec: c.trim() || '(no version)' };
  }
  const t = table(c);
  if (!t) return { spec: '(unreadable constraint)' };
  for (const source of ['git', 'path', 'url'] as const) {
    if (typeof t[source] === 'string') return { spec: `${source} ${String(t[source]).slice(0, 200)}` };
  }
  return typeof t.version === 'string' ? poetryConstraint(t.version) : { spec: '(no version)' };
}
