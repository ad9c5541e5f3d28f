// Judges one pickle global (module + possibly dotted qualname) against pickle-globals.ts: exact allowlist first,
// then dangerous families (module prefixes, exact names, special attributes, module attributes reached through a
// dotted name), else unknown. Matching is by whole dotted segments, never by substring.
import {
  DANGEROUS_FAMILIES,
  ESCAPE_ATTRIBUTES,
  ESCAPE_FAMILY,
  MODULE_ALIASES,
  NAME_ALIASES,
  SAFE_FAMILIES,
  type DangerousFamily,
} from './pickle-globals.js';

export interface GlobalJudgement {
  verdict: 'safe' | 'dangerous' | 'unknown';
  family?: DangerousFamily;
  /** The dangerous name actually matched when it differs from the global as written (alias, dotted path). */
  reached?: string;
}

const SAFE = new Set<string>(SAFE_FAMILIES.flatMap((f) => f.names));
const DENY_NAME = new Map<string, DangerousFamily>();
const DENY_MODULE = new Map<string, DangerousFamily>();
const EXCEPTIONS = new Set<string>();
for (const f of DANGEROUS_FAMILIES) {
  for (const n of f.names) DENY_NAME.set(n, f);
  for (const m of f.modules) DENY_MODULE.set(m, f);
  for (const e of f.exceptions ?? []) EXCEPTIONS.add(e);
}
const ESCAPE = new Set<string>(ESCAPE_ATTRIBUTES);
const ALIASES = new Map<string, string>(Object.entries(MODULE_ALIASES));
const RENAMES = new Map<string, string>(Object.entries(NAME_ALIASES));

const SAFE_RESULT: GlobalJudgement = Object.freeze({ verdict: 'safe' });
const UNKNOWN_RESULT: GlobalJudgement = Object.freeze({ verdict: 'unknown' });

interface Candidate {
  module: string;
  name: string;
  full: string;
}

/** The names Python (or a lenient loader) may resolve `module.name` to: as written, module alias, Python 2 rename. */
function candidates(module: string, name: string): Candidate[] {
  const full = `${module}.${name}`;
  const out: Candidate[] = [{ module, name, full }];
  const alias = ALIASES.get(module);
  if (alias !== undefined) out.push({ module: alias, name, full: `${alias}.${name}` });
  const renamed = RENAMES.get(full);
  if (renamed !== undefined) {
    const dot = renamed.lastIndexOf('.');
    out.push({ module: renamed.slice(0, dot), name: renamed.slice(dot + 1), full: renamed });
  }
  return out;
}

function dangerous(family: DangerousFamily, reached: string, written: string): GlobalJudgement {
  return reached === written ? { verdict: 'dangerous', family } : { verdict: 'dangerous', family, reached };
}

/** Prefix match of `segs` (module segments then qualname segments) against the deny tables. */
function matchPrefixes(c: Candidate, written: string): GlobalJudgement | undefined {
  const segs = `${c.module}.${c.name}`.split('.');
  let p = '';
  for (let k = 0; k < segs.length; k++) {
    p = k === 0 ? segs[0]! : `${p}.${segs[k]}`;
    const byName = DENY_NAME.get(p);
    if (byName) return dangerous(byName, p, written);
    const byModule = DENY_MODULE.get(p);
    if (byModule && !EXCEPTIONS.has(c.full)) return dangerous(byModule, c.full, written);
  }
  return undefined;
}

/**
 * A dotted qualname is a chain of getattr calls: `torch.serialization` + `os.system` is os.system, reached through
 * a module attribute. Every chain of two or more segments starting inside the qualname is checked as a name of its
 * own (with leading underscores dropped, since modules import `os as _os`, and with module aliases).
 */
function matchChains(module: string, q: readonly string[], written: string): GlobalJudgement | undefined {
  for (let i = 0; i + 1 < q.length; i++) {
    const head = q[i]!;
    const stripped = head.replace(/^_+/, '');
    const heads = new Set([head, stripped, ALIASES.get(head) ?? head, ALIASES.get(stripped) ?? stripped]);
    for (const h of heads) {
      if (h === '') continue;
      const segs = [h, ...q.slice(i + 1)];
      const hit = matchPrefixes({ module: h, name: q.slice(i + 1).join('.'), full: segs.join('.') }, written);
      if (hit) return { ...hit, reached: `${hit.reached ?? segs.join('.')} (through ${module}.${q.slice(0, i + 1).join('.')})` };
    }
  }
  return undefined;
}

function judgeUncached(module: string, name: string): GlobalJudgement {
  const written = `${module}.${name}`;
  const cands = candidates(module, name);
  for (const c of cands) {
    if (SAFE.has(c.full) && !DENY_NAME.has(c.full)) return SAFE_RESULT;
  }
  for (const c of cands) {
    const hit = matchPrefixes(c, written);
    if (hit) return hit;
  }
  const q = name.split('.');
  for (const seg of q) {
    if (ESCAPE.has(seg)) return { verdict: 'dangerous', family: ESCAPE_FAMILY, reached: written };
  }
  return matchChains(module, q, written) ?? UNKNOWN_RESULT;
}

const cache = new Map<string, GlobalJudgement>();
const CACHE_MAX = 4096;

/** Judges the global `module`.`name` (name may be dotted, as protocol 4 resolves it attribute by attribute). */
export function judgeGlobal(module: string, name: string): GlobalJudgement {
  const key = `${module.length}:${module}${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const j = judgeUncached(module, name);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, j);
  return j;
}
