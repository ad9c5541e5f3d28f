// Frequent English words (plus prompt-injection vocabulary), loaded once from common-words.json.
import data from './common-words.json' with { type: 'json' };

/** Lower-case frequent English words and the vocabulary of prompt-injection attacks. */
export const COMMON_WORDS: ReadonlySet<string> = new Set(data.words);

/** Length of the longest word in `COMMON_WORDS` (bounds word-splitting loops). */
export const LONGEST_COMMON_WORD = Math.max(...data.words.map((w) => w.length));
