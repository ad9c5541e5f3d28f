// pip requirements files: PEP 508 lines, comments, continuations, `-r`/`-c` includes (relative to the including
// file, bounded in depth, loops cut), per-requirement options (`--hash`), editables, URLs and VCS references.
// Only `==`/`===` pins and wheel file names give a version; everything else is reported unpinned.
import { dirname, join } from 'node:path';
import { exactVersion, parseRequirement, specText } from './pep508.js';
import type { ParsedManifest, PinnedDependency, UnpinnedDependency } from './types.js';

export type RequirementsMode = 'requirements' | 'constraints';

export interface Include {
  mode: RequirementsMode;
  /** Path of the included file, resolved against the including file's folder. */
  path: string;
  line: number;
}

export interface RequirementsText extends ParsedManifest {
  includes: Include[];
}

const INCLUDE = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?<=^-[rc]))(\S.*)$/;
const EDITABLE = /^(-e|--editable)(?:\s*=\s*|\s+)(\S.*)$/;
/** Options pip accepts per requirement, after it: everything from the first of them on is dropped. */
const PER_REQUIREMENT_OPTION = /\s--?(?:hash|config-settings|global-option|install-option|C)\b/;
const DIRECT_REFERENCE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git\+|hg\+|svn\+|bzr\+|\.{1,2}[\\/]|\/|~)|\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)(?:[#?].*)?$/i;
const WHEEL = /^([A-Za-z0-9._]+)-([^-]+)(?:-[0-9][^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i;
const SDIST = /^([A-Za-z0-9._-]+?)-([0-9][^-]*)\.(?:tar\.gz|tgz|zip|tar\.bz2)$/i;
const ENV_VARIABLE = /\$\{[A-Za-z0-9_]+\}/;
const MAX_LINE = 16 * 1024;

/** Parses one requirements (or constraints) file; includes are listed for the caller to follow. */
export function parseRequirementsText(text: string, path: string, mode: RequirementsMode = 'requirements'): RequirementsText {
  const out: RequirementsText = { kind: mode, pinned: [], unpinned: [], errors: [], includes: [] };
  for (const { text: raw, line } of logicalLines(text)) {
    if (raw.length > MAX_LINE) {
      out.errors.push({ path, line, message: `line of ${raw.length} characters, over the ${MAX_LINE}-character limit: not read` });
      continue;
    }
    const content = stripComment(raw).trim();
    if (content === '') continue;
    const include = INCLUDE.exec(content);
    if (include) {
      const target = (include[2] ?? '').trim();
      const includeMode: RequirementsMode = include[1] === '-c' || include[1] === '--constraint' ? 'constraints' : 'requirements';
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
        out.errors.push({ path, line, message: `remote file ${short(target)} is not fetched: its dependencies were not checked` });
      } else {
        out.includes.push({ mode: includeMode, path: join(dirname(path), target), line });
      }
      continue;
    }
    const editable = EDITABLE.exec(content);
    if (editable) {
      const target = (editable[2] ?? '').trim();
      if (mode === 'requirements') out.unpinned.push(unpinned(nameOfReference(target), `editable ${short(target)}`, path, line));
      continue;
    }
    // Global options (--index-url, --pre, -f …): nothing to match.
    if (content.startsWith('-')) continue;
    const option = content.search(PER_REQUIREMENT_OPTION);
    const requirement = (option < 0 ? content : content.slice(0, option)).trim();
    readRequirementLine(requirement, path, line, mode, out);
  }
  return out;
}

function readRequirementLine(text: string, path: string, line: number, mode: RequirementsMode, out: ParsedManifest): void {
  // pip expands ${VARIABLES} from the environment at install time: the version is unknown here.
  const variable = ENV_VARIABLE.test(text) ? /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(text)?.[0] : undefined;
  if (variable !== undefined) {
    if (mode === 'requirements') out.unpinned.push(unpinned(variable, short(text.slice(variable.length).trim()), path, line));
    return;
  }
  const req = parseRequirement(text);
  if (req && req.url === undefined) {
    const version = exactVersion(req);
    if (version !== undefined) out.pinned.push(pinned(req.name, version, path, line));
    else if (mode === 'requirements') out.unpinned.push(unpinned(req.name, specText(req), path, line));
    return;
  }
  if (req?.url !== undefined || DIRECT_REFERENCE.test(text)) {
    const url = req?.url ?? text;
    const file = fileVersion(url);
    if (file && (req === undefined || sameName(req.name, file.name))) out.pinned.push(pinned(req?.name ?? file.name, file.version, path, line));
    else if (mode === 'requirements') out.unpinned.push(unpinned(req?.name ?? nameOfReference(url), short(url), path, line));
    return;
  }
  out.errors.push({ path, line, message: `not a requirement: ${short(text)}` });
}

/** Physical lines joined at trailing backslashes, each with the number of its first physical line. */
function* logicalLines(text: string): Generator<{ text: string; line: number }> {
  const lines = text.split(/\r\n|\r|\n/);
  let pending = '';
  let start = 1;
  for (let i = 0; i < lines.length; i++) {
    const current = lines[i] ?? '';
    if (pending === '') start = i + 1;
    if (current.endsWith('\\') && stripComment(current) === current) {
      pending += current.slice(0, -1);
      if (pending.length > MAX_LINE) {
        yield { text: pending, line: start };
        pending = '';
      }
      continue;
    }
    yield { text: pending + current, line: start };
    pending = '';
  }
  if (pending !== '') yield { text: pending, line: start };
}

/** pip's rule: `#` starts a comment at the start of a line or after whitespace (so `#egg=` and `#sha256=` in URLs stay). */
function stripComment(line: string): string {
  const at = line.search(/(^|\s)#/);
  return at < 0 ? line : line.slice(0, at);
}

/** Name and version from a wheel or sdist file name at the end of a URL or path. */
function fileVersion(url: string): { name: string; version: string } | undefined {
  const file = decodeSafe(url.replace(/[#?].*$/, '').split(/[\\/]/).pop() ?? '');
  if (file.length > 255) return undefined;
  const wheel = WHEEL.exec(file);
  if (wheel?.[1] && wheel[2]) return { name: wheel[1], version: wheel[2] };
  const sdist = SDIST.exec(file);
  if (sdist?.[1] && sdist[2]) return { name: sdist[1], version: sdist[2] };
  return undefined;
}

/** `#egg=name` when given, else the last path segment of the URL or path. */
function nameOfReference(ref: string): string {
  const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(ref);
  if (egg?.[1]) return egg[1].replace(/-[0-9].*$/, '');
  const segment = ref.replace(/[#?].*$/, '').replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  return segment.replace(/\.git$/, '') || short(ref);
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[-_.]+/g, '-').toLowerCase();
  return norm(a) === norm(b);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function pinned(name: string, version: string, manifest: string, line: number): PinnedDependency {
  return { ecosystem: 'PyPI', package: name, version, manifest, line };
}

function unpinned(name: string, spec: string, manifest: string, line: number): UnpinnedDependency {
  return { ecosystem: 'PyPI', package: name, spec, manifest, line };
}

function short(s: string): string {
  return s.length <= 200 ? s : `${s.slice(0, 199)}…`;
}
