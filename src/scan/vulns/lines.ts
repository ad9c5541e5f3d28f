// Line numbers for structured manifests (TOML, JSON), whose parsers forget positions: one pass over the text maps
// each captured key to the line of its first occurrence.

/** `pattern` must be global and capture the key in group 1; keys map to 1-based line numbers. */
export function firstLines(text: string, pattern: RegExp, normalise: (key: string) => string = (k) => k): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let scanned = 0;
  for (const m of text.matchAll(pattern)) {
    line += countNewlines(text, scanned, m.index);
    scanned = m.index;
    const key = m[1];
    if (key === undefined) continue;
    const k = normalise(key);
    if (!lines.has(k)) lines.set(k, line);
  }
  return lines;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
