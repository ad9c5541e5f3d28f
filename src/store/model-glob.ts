// Model allowlists as glob patterns (`gpt-*`, `llama-3.?-*`, `*`): compiled once per key, matched without regex.

/** Longest model name we try to match; longer names are refused, keeping the worst case small. */
export const MAX_MODEL_NAME = 256;

/** True when `model` matches one of the patterns: `*` any run of characters (also empty), `?` one character. */
export function modelAllowed(patterns: readonly string[], model: string): boolean {
  if (model.length === 0 || model.length > MAX_MODEL_NAME) return false;
  for (const p of patterns) {
    if (p === '*' || globMatch(p, model)) return true;
  }
  return false;
}

/**
 * Wildcard match with single-star backtracking: O(pattern × text) at worst, where a regex built from `*a*a*a*b`
 * could backtrack exponentially. Case-sensitive, as model ids are. A `*` in the pattern is always a wildcard, never
 * a literal, so `a*` matches `a*x`.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (pc === 0x3f /* ? */ || (pc === text.charCodeAt(t) && pc !== 0x2a)) {
      p++;
      t++;
    } else if (pc === 0x2a /* * */) {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 0x2a) p++;
  return p === pattern.length;
}
