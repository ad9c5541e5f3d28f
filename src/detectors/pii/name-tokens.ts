// Capitalised words sorted for person-name detection: what the name lists say, whether the word is an ordinary
// word, and whether its shape looks like a name (surname endings, letters of Central European and Nordic names).
import { NAME_FLAGS, type NameLexicon } from './names/lexicon.js';

/**
 * How much a word looks like part of a person's name, as the scorer reads it:
 * given: a listed given name; family: a listed surname; part: a listed name part or a name-shaped unknown word;
 * givenWord / familyWord: listed names that are also ordinary words ("Will", "Young"); unknown: a capitalised word
 * in no list; common: an ordinary word; stop: never a name without a cue ("Monday", "Google").
 */
export type NameGrade = 'given' | 'family' | 'part' | 'givenWord' | 'familyWord' | 'unknown' | 'common' | 'stop';

export interface NameToken {
  start: number;
  /** End of the word itself, without a possessive "'s". */
  end: number;
  lower: string;
  grade: NameGrade;
  /** A single letter: a middle initial ("D."), never a name on its own. */
  initial: boolean;
  /** "A" or "I" without a full stop: an article or a pronoun, not a middle initial. */
  article: boolean;
  /** Capitalised and then lower case ("Anna", "McDonald", "Smith-Jones"); not "NASA", "iPhone" or "JavaScript". */
  shaped: boolean;
  /** Not a name as a later word either ("River" in "Charles River"). */
  tailStop: boolean;
  /** Followed by "'s". */
  possessive: boolean;
  /** Graded 'part' for its shape alone (no list holds it). */
  shapeOnly: boolean;
  /** Neither Latin nor Cyrillic nor Greek: no list or shape applies. */
  foreignScript: boolean;
  /** Latin script (the word lists and the shapes of the other scripts are thinner). */
  latin: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;
// Endings of surnames in many languages; only read for words in no list and not ordinary words.
const LATIN_SURNAME_END =
  /(?:ov|ova|ev|eva|ski|ska|sky|skaya|skiy|vić|vic|ić|enko|chuk|czyk|wicz|owski|owska|sson|dóttir|dottir|ssen|poulos|akis|idis|oglu|oğlu|escu|eanu|yan|idze|shvili|ainen|inen|ová|ský|ská|mann|berg|ström|qvist|kvist|gård|gaard|ucci|etti|elli)$/;
// Letters and digraphs common in Central European, Nordic and Turkish names and rare in English words.
const NAME_LETTERS = /[łśźżćńęąčřšžďťňěůőűğşıðþøåæ]|sz|cz|rz|zs|cs|gy|dzh|zh/;
// Romanised Japanese: syllables of an optional consonant and a vowel, or a final "n" ("Nishiyama", "Akira").
const JAPANESE = /^(?:(?:[kgsztdnhbpmrw]y?|sh|ch|ts|f|j|y)?[aiueo]|n(?![aiueo]))+$/;
const CYRILLIC_SURNAME_END = /(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ский|ская|цкий|цкая|енко|ук|юк|вич|вна|ян|дзе|швили)$/;
const GREEK_SURNAME_END = /(?:ίδης|ιδης|άκης|ακης|όπουλος|οπουλος|όπουλου|ίδου|άκη|άτος|ούδης)$/;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const GREEK = /\p{Script=Greek}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;
// Prefixes after which a capital inside a name is normal ("McDonald", "O'Brien", "DeShawn", "LeBlanc", "VanDyke").
const INNER_CAPITAL_PREFIX = /^(?:mc|mac|o'|o’|d'|d’|de|di|da|du|la|le|van|von|fitz|st)$/;

/** Shape of a word: capitalised, lower case after the first letter, capitals inside only after a name prefix. */
function nameShaped(word: string, ascii: boolean): boolean {
  if (word.length < 2) return false;
  let lowerSeen = false;
  for (let i = 1; i < word.length; i++) {
    const ch = word[i] as string;
    const code = word.charCodeAt(i);
    const upper = ascii ? code >= 65 && code <= 90 : ch !== ch.toLowerCase();
    const lower = ascii ? code >= 97 && code <= 122 : ch !== ch.toUpperCase();
    if (lower) lowerSeen = true;
    else if (upper) {
      const prev = word[i - 1];
      if (prev === '-' || prev === "'" || prev === '’') continue;
      if (!lowerSeen || !INNER_CAPITAL_PREFIX.test(word.slice(0, i).toLowerCase())) return false;
    }
  }
  return lowerSeen;
}

/** True when an unlisted, non-dictionary word has the shape of a name (surname ending or name letters). */
function nameLike(lower: string, script: 'latin' | 'cyrillic' | 'greek'): boolean {
  if (lower.length < 4) return false;
  if (script === 'cyrillic') return CYRILLIC_SURNAME_END.test(lower);
  if (script === 'greek') return GREEK_SURNAME_END.test(lower);
  return (lower.length >= 5 && LATIN_SURNAME_END.test(lower)) || NAME_LETTERS.test(lower) || (lower.length >= 5 && JAPANESE.test(lower));
}

const { first, ambiguousFirst, surname, wordSurname, notName, namePart, common } = NAME_FLAGS;
const ANY_NAME = first | surname | namePart;

function gradeOf(flags: number, lower: string, script: 'latin' | 'cyrillic' | 'greek'): NameGrade {
  // A given name that is also a function word of some language ("Ella", "Ora", "Mia") is only an ambiguous one.
  if ((flags & first) !== 0) return (flags & notName) !== 0 ? 'givenWord' : 'given';
  if ((flags & ambiguousFirst) !== 0) return 'givenWord';
  if ((flags & surname) !== 0) return (flags & (wordSurname | notName)) !== 0 ? 'familyWord' : 'family';
  if ((flags & notName) !== 0) return 'stop';
  if ((flags & namePart) !== 0) return 'part';
  if ((flags & wordSurname) !== 0) return 'familyWord';
  if ((flags & common) !== 0) return 'common';
  return nameLike(lower, script) ? 'part' : 'unknown';
}

// Frequent German words: in German text every noun is capitalised, so an unknown capitalised word is a noun.
// A plain alternation between spaces: far cheaper than Unicode word boundaries or one substring search per word.
const GERMAN_WORDS = / (?:und|nicht|ist|sich|auf|für|eine|werden|wird|sind|dem|auch|oder|Sie|mit|der)(?= )/g;

/** True when `text` reads as German: three frequent German words. */
export function capitalisesNouns(text: string): boolean {
  GERMAN_WORDS.lastIndex = 0;
  // The first 800 characters tell the language; English text would otherwise be searched to its end.
  const sample = text.length > 800 ? text.slice(0, 800) : text;
  let count = 0;
  while (GERMAN_WORDS.exec(sample) !== null) if (++count >= 3) return true;
  return false;
}

/** In German text, unknown and shape-only words are nouns: ordinary words for the scorer. */
export function asNoun(t: NameToken): void {
  if (t.grade === 'unknown' || t.shapeOnly) {
    t.grade = 'common';
    t.shapeOnly = false;
  }
}

/** Classifies the word `raw` found at `start` of `text`. */
export function classifyToken(text: string, start: number, raw: string, lex: NameLexicon): NameToken {
  // Drop a possessive and trailing hyphens or apostrophes: "Szczepańska's" -> "Szczepańska".
  let end = raw.length;
  const c2 = raw[end - 2];
  const possessive = end > 2 && raw[end - 1] === 's' && (c2 === "'" || c2 === '’');
  if (possessive) end -= 2;
  while (end > 1 && (raw[end - 1] === '-' || raw[end - 1] === "'" || raw[end - 1] === '’')) end--;
  const word = end === raw.length ? raw : raw.slice(0, end);
  const lower = word.toLowerCase();
  const ascii = !NON_ASCII.test(word);
  const script = ascii || LATIN_LETTER.test(word) ? 'latin' : CYRILLIC.test(word) ? 'cyrillic' : GREEK.test(word) ? 'greek' : undefined;
  const shaped = nameShaped(word, ascii);
  let grade: NameGrade = 'unknown';
  let tailStop = false;
  let shapeOnly = false;
  if (script !== undefined && word.length > 1) {
    let flags = lex.flags(lower, ascii);
    if (flags === 0 && lower.includes('-')) {
      // "Smith-Jones" is a surname when a part is one; "Jean-Luc" a given name when its first part is one.
      const parts = lower.split('-').filter((p) => p !== '');
      for (const part of parts) flags |= lex.flags(part, ascii) & (surname | wordSurname | namePart);
      flags |= lex.flags(parts[0] ?? '', ascii) & first;
    }
    grade = gradeOf(flags, lower, script);
    shapeOnly = grade === 'part' && flags === 0;
    tailStop = (flags & ANY_NAME) === 0 && (flags & notName) !== 0;
  }
  return {
    start,
    end: start + word.length,
    lower,
    grade,
    initial: word.length === 1,
    article: (word === 'A' || word === 'I') && raw === word && text[start + 1] !== '.',
    shaped,
    tailStop,
    possessive,
    shapeOnly,
    foreignScript: script === undefined,
    latin: script === 'latin',
  };
}
