// Findings that come from outside the file scan — lockfile drift, vulnerable dependencies — added to the results
// of the files they concern (or to a new row for a file that is gone), with the verdicts recomputed.
import { join, resolve, sep } from 'node:path';
import type { ScanRule } from './rules.js';
import type { FileScanResult, ScanFinding } from './types.js';
import { verdictOf } from './verdict.js';

export interface MergeOptions {
  /** Folder that relative result paths resolve against (to match `models/a.pt` with `./models/a.pt`). */
  cwd: string;
  strict?: boolean;
}

/** Adds `findings` to the result for `path` (matched by resolved path), or appends a new row (format unknown). */
export function addFindings(files: FileScanResult[], path: string, findings: readonly ScanFinding[], options: MergeOptions): void {
  if (findings.length === 0) return;
  const key = resolve(options.cwd, path);
  let row = files.find((f) => resolve(options.cwd, f.path) === key);
  if (!row) {
    row = { path, format: 'unknown', verdict: 'clean', findings: [], bytes: 0, durationMs: 0 };
    files.push(row);
  }
  row.findings.push(...findings);
  row.verdict = verdictOf(row.findings, options.strict === true);
}

export function findingOf(rule: ScanRule, message: string, extra: Partial<Pick<ScanFinding, 'global' | 'fragment' | 'member' | 'offset'>> = {}): ScanFinding {
  return { rule: rule.id, verdict: rule.verdict, severity: rule.severity, message, tags: rule.tags, ...extra };
}

export interface Drift {
  path: string;
  change: 'modified' | 'added' | 'removed';
  expected?: unknown;
  actual?: unknown;
}

/**
 * Lockfile drift as findings on the files below `root` (the folder given on the command line); `explain` says what
 * changed (default: a short description of the digests).
 */
export function addLockDrift<D extends Drift>(
  files: FileScanResult[],
  drift: readonly D[],
  root: string,
  rules: Readonly<Record<Drift['change'], ScanRule>>,
  options: MergeOptions & { explain?: (d: D) => string },
): void {
  for (const d of drift) {
    const rule = rules[d.change];
    const what =
      options.explain?.(d) ??
      (d.change === 'modified' ? `now ${describe(d.actual)}, pinned ${describe(d.expected)}` : d.change === 'added' ? 'not in the lockfile' : `pinned ${describe(d.expected)}, missing`);
    addFindings(files, join(root, d.path.split('/').join(sep)), [findingOf(rule, `${rule.title}: ${what}`)], options);
  }
}

/** A digest or lock entry in a few characters: `sha256:ab12…`, or the JSON of anything else. */
function describe(v: unknown): string {
  if (v === undefined || v === null) return 'none';
  if (typeof v === 'string') return v.length > 24 ? `${v.slice(0, 20)}…` : v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const digest = o.sha256 ?? o.digest ?? o.hash;
    if (typeof digest === 'string') return describe(digest);
  }
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
