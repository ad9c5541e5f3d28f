// Spaced-out letters: "i g n o r e  p r e v i o u s" or "i-g-n-o-r-e" read as the words they spell.
import { collapseWhitespace } from './normalize.js';
import { NON_WORD, charClass, isLetterClass } from './scripts.js';
import { COMMON_WORDS, LONGEST_COMMON_WORD } from './word-list.js';

/** Characters that may separate spaced-out letters; within one run the separator is always the same one. */
const SEPARATORS = ' ._*~+|/·•-';

/**
 * A cheap superset test (no u flag, so it stays fast on non-ASCII text; no leading alternation, which would
 * defeat the regex engine's quick scan): the last three letters of any spaced run look like "x<sep>y<sep>z"
 * (x, y, z anything but spaces, digits and ASCII punctuation) with z not followed by a letter or digit of the
 * common scripts. Russian "и в целом" does not pass.
 */
const MAYBE_SPACED =
  /[^\s!-@[-`{-~·•]([ ._*~+|/·•-])[^\s!-@[-`{-~·•]\1[^\s!-@[-`{-~·•](?![0-9A-Za-z\u00C0-\u024F\u0370-\u052F])/;

/** Runs whose letters join to more than this are not split into words (the split costs length × longest word). */
const MAX_SPLIT_LENGTH = 4096;
/** Fewest single letters that make a spaced-out run. */
const MIN_LETTERS = 3;

/**
 * Splits run-together letters into common words ("ignoreprevious" -> "ignore previous") when the whole run
 * splits, preferring fewer words; undefined when it does not split completely.
 */
export function splitIntoWords(letters: string): string | undefined {
  const n = letters.length;
  if (n > MAX_SPLIT_LENGTH || COMMON_WORDS.has(letters)) return undefined;
  // best[i]: fewest words covering letters[0, i); from[i]: where the last of those words starts.
  const best = new Int32Array(n + 1).fill(-1);
  const from = new Int32Array(n + 1);
  best[0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let len = 1; len <= Math.min(LONGEST_COMMON_WORD, end); len++) {
      const start = end - len;
      const before = best[start] ?? -1;
      if (before < 0 || !COMMON_WORDS.has(letters.slice(start, end))) continue;
      if ((best[end] ?? -1) < 0 || before + 1 < (best[end] ?? 0)) {
        best[end] = before + 1;
        from[end] = start;
      }
    }
  }
  if ((best[n] ?? -1) < 2) return undefined;
  const words: string[] = [];
  for (let end = n; end > 0; end = from[end] ?? 0) words.push(letters.slice(from[end] ?? 0, end));
  return words.reverse().join(' ');
}

function classAt(text: string, i: number): { cls: number; width: number } {
  const cp = text.codePointAt(i) ?? 0;
  return { cls: charClass(cp), width: cp > 0xffff ? 2 : 1 };
}

export interface SpacedRun {
  start: number;
  end: number;
  letters: string;
}

/**
 * Spaced-out runs: three or more single letters each separated by the same one separator character; the first
 * letter not preceded and the last not followed by a letter or digit ("well-known-fact" is not one). One
 * linear pass: words longer than one letter are skipped whole, and every step moves forward.
 */
export function findSpacedRuns(text: string): SpacedRun[] {
  const runs: SpacedRun[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const first = classAt(text, i);
    if (first.cls === NON_WORD) {
      i += first.width;
      continue;
    }
    // A word starts at i (words are skipped whole, so nothing word-like precedes it).
    let wordEnd = i + first.width;
    while (wordEnd < n) {
      const next = classAt(text, wordEnd);
      if (next.cls === NON_WORD) break;
      wordEnd += next.width;
    }
    const separator = text[wordEnd] ?? '';
    if (wordEnd - i !== first.width || !isLetterClass(first.cls) || separator === '' || !SEPARATORS.includes(separator)) {
      i = wordEnd;
      continue;
    }
    let letters = text.slice(i, wordEnd);
    let end = wordEnd;
    // Each further letter must be single: the character after it is not part of a word.
    while (text[end] === separator && end + 1 < n) {
      const next = classAt(text, end + 1);
      const after = end + 1 + next.width;
      if (!isLetterClass(next.cls) || (after < n && classAt(text, after).cls !== NON_WORD)) break;
      letters += text.slice(end + 1, after);
      end = after;
    }
    if (letters.length >= MIN_LETTERS) {
      runs.push({ start: i, end, letters });
      i = end;
    } else {
      // Too short to be a run, but its last letter may start one with another separator ("a b.o.m.b").
      i = wordEnd;
    }
  }
  return runs;
}

/**
 * `text` (folded but not yet whitespace-collapsed, so that double spaces between spaced-out words still show)
 * with every spaced-out run joined (and split into words when the letters of one run spell several), whitespace
 * collapsed; undefined when there is no such run.
 */
export function spacedReading(text: string): string | undefined {
  if (!MAYBE_SPACED.test(text)) return undefined;
  const runs = findSpacedRuns(text);
  if (runs.length === 0) return undefined;
  const parts: string[] = [];
  let last = 0;
  for (const run of runs) {
    const words = run.letters.length >= 8 ? (splitIntoWords(run.letters) ?? run.letters) : run.letters;
    parts.push(text.slice(last, run.start), words);
    last = run.end;
  }
  parts.push(text.slice(last));
  return collapseWhitespace(parts.join(''));
}
