// The name lists behind person detection, read once from the data files beside this module (see their headers).
import { readFileSync } from 'node:fs';
import { BulwarkError } from '../../../core/errors.js';

/** What a lower-case word is, as bit flags: one map look-up answers every list at once. */
export const NAME_FLAGS = {
  /** A given name that is rarely anything else ("jennifer", "lukas"). */
  first: 1,
  /** A given name that is also a word, place or brand ("will", "paris", "alexa"). */
  ambiguousFirst: 2,
  surname: 4,
  /** A surname that is also an ordinary word ("young", "church"). */
  wordSurname: 8,
  /** A capitalised word that is not a name: function words, calendar words, places, organisations. */
  notName: 16,
  /** A part of people's names, given or family, from a broad list ("nicholson", "lantos"). */
  namePart: 32,
  /** An ordinary English word ("write", "salmon"), or an inflection of one (-s, -es, -ies, -ed, -ing, -ly). */
  common: 64,
} as const;

export interface NameLexicon {
  /** Flags of `lower` (a lower-cased word); `ascii` says whether it needs diacritic folding. */
  flags(lower: string, ascii: boolean): number;
}

const FILES = {
  first: 'first-names.txt',
  firstWorld: 'first-names-world.txt',
  nameParts: 'name-parts.txt',
  commonWords: 'common-words.txt',
  ambiguousFirst: 'ambiguous-first-names.txt',
  surnames: 'surnames.txt',
  wordSurnames: 'common-word-surnames.txt',
  notNames: 'capitalised-words.txt',
} as const;

/** Lower case without diacritics: "José" and "Jose" look up the same entry. */
export function foldName(lower: string): string {
  return lower.normalize('NFD').replace(/\p{M}+/gu, '');
}

function readList(file: string): string[] {
  const url = new URL(`./${file}`, import.meta.url);
  let raw: string;
  try {
    raw = readFileSync(url, 'utf8');
  } catch (cause) {
    throw new BulwarkError('ERR_IO', `pii name list ${file} is missing`, { context: { file }, cause });
  }
  return raw
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .flatMap((line) => line.split(/\s+/))
    .filter((w) => w !== '');
}

let cached: NameLexicon | undefined;

// Inflections of listed words: the word list holds base forms only ("salmon", not "salmons").
const SUFFIXES: readonly (readonly [string, string])[] = [
  ['ies', 'y'], ['es', ''], ['s', ''], ['ed', ''], ['ed', 'e'], ['ing', ''], ['ing', 'e'], ['ly', ''],
];
// Not "-er": "Snider", "Fisher" and "Baker" are surnames as often as comparatives or agent nouns.

/**
 * The flags of the listed word that `word` inflects, kept to "ordinary word" and "not a name" ("networks" ->
 * "network"), else 0. Only for unlisted words.
 */
function inflected(map: ReadonlyMap<string, number>, word: string): number {
  if (word.length < 5) return 0;
  for (const [suffix, replacement] of SUFFIXES) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, word.length - suffix.length) + replacement;
    const flags = (map.get(stem) ?? 0) & (NAME_FLAGS.common | NAME_FLAGS.notName);
    if (flags !== 0) return flags;
  }
  return 0;
}

/** The lists, read on first use (at detector creation, never inside a scan) and shared afterwards. */
export function nameLexicon(): NameLexicon {
  if (cached) return cached;
  const map = new Map<string, number>();
  const add = (file: string, flag: number): void => {
    for (const word of readList(file)) {
      map.set(word, (map.get(word) ?? 0) | flag);
      const folded = foldName(word);
      if (folded !== word) map.set(folded, (map.get(folded) ?? 0) | flag);
    }
  };
  add(FILES.first, NAME_FLAGS.first);
  add(FILES.firstWorld, NAME_FLAGS.first);
  add(FILES.nameParts, NAME_FLAGS.namePart);
  add(FILES.commonWords, NAME_FLAGS.common);
  add(FILES.ambiguousFirst, NAME_FLAGS.ambiguousFirst);
  add(FILES.surnames, NAME_FLAGS.surname);
  add(FILES.wordSurnames, NAME_FLAGS.wordSurname);
  add(FILES.notNames, NAME_FLAGS.notName);
  // Folding needs a Unicode normalisation; remember recent non-ASCII words (bounded, cleared when full).
  const folded = new Map<string, number>();
  const lookUp = (lower: string, ascii: boolean): number => {
    const direct = map.get(lower);
    if (direct !== undefined || ascii) return direct ?? inflected(map, lower);
    let f = folded.get(lower);
    if (f === undefined) {
      if (folded.size >= 4096) folded.clear();
      const fold = foldName(lower);
      f = map.get(fold) ?? inflected(map, fold);
      folded.set(lower, f);
    }
    return f;
  };
  cached = { flags: lookUp };
  return cached;
}
