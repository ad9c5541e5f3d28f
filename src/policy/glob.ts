// Glob patterns for routes and model routing, compiled once into matcher functions that run in linear-ish time.
//
// `*` matches any run of characters (including "/" and the empty run), `?` exactly one UTF-16 code unit, every
// other character itself (case-sensitive). No RegExp: a pattern like `a*b*c*d` compiled to /^a.*b.*c.*d$/ backtracks
// polynomially on a long hostile model name, while the greedy segment search below is O(text × pattern).

export type GlobMatcher = (text: string) => boolean;

const always: GlobMatcher = () => true;

export function compileGlob(pattern: string): GlobMatcher {
  if (pattern === '*') return always;
  const segments = pattern.split('*');
  if (segments.length === 1) {
    if (!pattern.includes('?')) return (text) => text === pattern;
    return (text) => text.length === pattern.length && matchesAt(text, 0, pattern);
  }
  const first = segments[0] ?? '';
  const last = segments[segments.length - 1] ?? '';
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  const minLength = segments.reduce((n, s) => n + s.length, 0);
  if (middle.length === 0 && !pattern.includes('?')) {
    // The common shapes: "gpt-*", "*-mini", "team-*-prod".
    return (text) => text.length >= minLength && text.startsWith(first) && text.endsWith(last);
  }
  return (text) => {
    if (text.length < minLength) return false;
    if (!matchesAt(text, 0, first)) return false;
    const end = text.length - last.length;
    if (!matchesAt(text, end, last)) return false;
    // Leftmost placement of each middle segment is optimal: a later placement never leaves more room.
    let pos = first.length;
    for (const seg of middle) {
      const at = indexOfSegment(text, seg, pos, end);
      if (at < 0) return false;
      pos = at + seg.length;
    }
    return true;
  };
}

/** A matcher that accepts when any of the patterns does. */
export function compileGlobs(patterns: readonly string[]): GlobMatcher {
  if (patterns.includes('*')) return always;
  const matchers = patterns.map(compileGlob);
  if (matchers.length === 1) return matchers[0] as GlobMatcher;
  return (text) => {
    for (const m of matchers) if (m(text)) return true;
    return false;
  };
}

/** Whether `seg` (with `?` wildcards) matches text at `at`. */
function matchesAt(text: string, at: number, seg: string): boolean {
  if (at < 0 || at + seg.length > text.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== text.charCodeAt(at + i)) return false;
  }
  return true;
}

/** First index ≥ from where `seg` matches and ends at or before `end`; -1 when none. */
function indexOfSegment(text: string, seg: string, from: number, end: number): number {
  if (!seg.includes('?')) {
    const at = text.indexOf(seg, from);
    return at >= 0 && at + seg.length <= end ? at : -1;
  }
  for (let at = from; at + seg.length <= end; at++) if (matchesAt(text, at, seg)) return at;
  return -1;
}
