// A tiny JSONPath subset for reading answers out of HTTP responses: `$`, `.name`, `['name']` / `["name"]`, `[3]`
// and `[-1]` (from the end). Compiled once per target; evaluation never throws, a missing step gives undefined.
import { BulwarkError } from '../../core/errors.js';

export type PathSegment = { key: string } | { index: number };

export interface JsonPath {
  readonly source: string;
  readonly segments: readonly PathSegment[];
  /** The value at the path, or undefined when any step is missing or of the wrong kind. */
  get(value: unknown): unknown;
}

export const MAX_PATH_LENGTH = 1024;
export const MAX_SEGMENTS = 64;
const IDENT_STOP = new Set(['.', '[', ']', "'", '"', ' ', '\t', '\n', '\r']);

/** Parses `path`; throws BulwarkError ERR_CONFIG_INVALID (with the offending position) for anything outside the subset. */
export function compileJsonPath(path: string): JsonPath {
  if (typeof path !== 'string') throw new TypeError('a JSONPath must be a string');
  const bad = (at: number, why: string): BulwarkError =>
    new BulwarkError('ERR_CONFIG_INVALID', `invalid JSONPath ${JSON.stringify(path.slice(0, 80))} at ${at}: ${why}`, { context: { path: path.slice(0, 200), at } });
  if (path.length > MAX_PATH_LENGTH) throw bad(MAX_PATH_LENGTH, `longer than ${MAX_PATH_LENGTH} characters`);
  if (path[0] !== '$') throw bad(0, 'must start with $');
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    if (segments.length >= MAX_SEGMENTS) throw bad(i, `more than ${MAX_SEGMENTS} steps`);
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && !IDENT_STOP.has(path[j] as string)) j++;
      if (j === i + 1) throw bad(i + 1, 'expected a member name after "."');
      segments.push({ key: path.slice(i + 1, j) });
      i = j;
    } else if (c === '[') {
      const q = path[i + 1];
      if (q === "'" || q === '"') {
        let key = '';
        let j = i + 2;
        for (;;) {
          if (j >= path.length) throw bad(j, 'unterminated quoted name');
          const d = path[j] as string;
          if (d === '\\') {
            if (j + 1 >= path.length) throw bad(j, 'unterminated escape');
            key += path[j + 1];
            j += 2;
          } else if (d === q) break;
          else {
            key += d;
            j++;
          }
        }
        if (path[j + 1] !== ']') throw bad(j + 1, 'expected "]" after the quoted name');
        segments.push({ key });
        i = j + 2;
      } else {
        const m = /^-?\d{1,9}\]/.exec(path.slice(i + 1, i + 13));
        if (!m) throw bad(i + 1, 'expected an integer index or a quoted name');
        segments.push({ index: Number(m[0].slice(0, -1)) });
        i += 1 + m[0].length;
      }
    } else {
      throw bad(i, `unexpected ${JSON.stringify(c)}`);
    }
  }
  return { source: path, segments, get: (value) => evaluate(value, segments) };
}

function evaluate(value: unknown, segments: readonly PathSegment[]): unknown {
  let v = value;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    if ('key' in s) {
      if (Array.isArray(v) || !Object.hasOwn(v, s.key)) return undefined;
      v = (v as Record<string, unknown>)[s.key];
    } else {
      if (!Array.isArray(v)) return undefined;
      const at = s.index < 0 ? v.length + s.index : s.index;
      if (at < 0 || at >= v.length) return undefined;
      v = v[at];
    }
  }
  return v;
}

/** The canonical text of segments (names quoted when they are not plain): compileJsonPath(formatJsonPath(s)) gives s. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if ('index' in s) out += `[${s.index}]`;
    else if (s.key !== '' && ![...s.key].some((ch) => IDENT_STOP.has(ch))) out += `.${s.key}`;
    else out += `['${s.key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
  }
  return out;
}

/** An answer as text: strings as they are, other JSON values serialised; undefined and null give undefined. */
export function valueText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
