// Configuration problems as data (file, line, column, key path, message), their one-line format, and the error that carries them.
import { BulwarkError } from '../core/errors.js';

export interface ConfigIssue {
  /** File name (or a label such as "<defaults>") the problem is in. */
  source: string;
  /** 1-based; absent when the value has no place in a file. */
  line?: number;
  column?: number;
  /** Dotted key path, e.g. "policies.default.input.0.detector"; "" for the whole document. */
  path: string;
  message: string;
}

/** At most this many issues are kept: a hostile file must not make us print a million lines. */
export const MAX_ISSUES = 100;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** "policies.default.input.0.detector"; keys that are not plain words are JSON-quoted so the path stays unambiguous. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' || PLAIN_KEY.test(String(k)) ? String(k) : JSON.stringify(shorten(String(k))))).join('.');
}

/** `file:line:column: path: message` (line and column omitted when unknown, path when empty). */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.source : `${issue.source}:${issue.line}:${issue.column ?? 1}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/** Without duplicates, sorted by position (issues without one last). */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = formatIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

/** ERR_CONFIG_INVALID with the issues (at most MAX_ISSUES, then a line saying how many more) in context.issues. */
export function configError(issues: readonly ConfigIssue[]): BulwarkError {
  const sorted = sortIssues(issues);
  const list = sorted.slice(0, MAX_ISSUES);
  if (sorted.length > MAX_ISSUES) list.push({ source: list[0]?.source ?? '', path: '', message: `${sorted.length - MAX_ISSUES} more problems not shown` });
  const first = list[0] ? formatIssue(list[0]) : 'invalid configuration';
  const n = sorted.length - 1;
  const more = n > 0 ? ` (and ${n} more problem${n > 1 ? 's' : ''})` : '';
  return new BulwarkError('ERR_CONFIG_INVALID', `${first}${more}`, { context: { issues: list } });
}

/** The issues an ERR_CONFIG_INVALID error carries, or [] for any other error. */
export function issuesOf(e: unknown): ConfigIssue[] {
  if (!(e instanceof BulwarkError) || e.code !== 'ERR_CONFIG_INVALID') return [];
  const issues = e.context.issues;
  return Array.isArray(issues) ? (issues as ConfigIssue[]) : [];
}

/** Keys and ids echoed in messages come from the file: printable, at most 64 characters. */
export function shorten(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > 64) return undefined;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(word.length / 3))) + 1;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    // "window" for "windowChars": a prefix of 4+ characters counts as a near miss.
    const prefix = w.length >= 4 && (lc.startsWith(w) || w.startsWith(lc));
    if (!prefix && Math.abs(c.length - word.length) >= bestDistance) continue;
    const d = prefix ? 1 : editDistance(w, lc);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** ", did you mean "x"?" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit === undefined ? '' : ` (did you mean "${hit}"?)`;
}
