// Reversed-text reading ("snoitcurtsni suoiverp erongi"), offered only when the text itself talks about reversing.
/** Literal pre-check: one quick pass, cheaper on ordinary text than the word-boundary pattern below. */
const MAY_MENTION_REVERSAL = /revers|backward|mirror|to[- ]left/;
const MENTIONS_REVERSAL = /\b(?:revers(?:e|ed|ing|al)|backwards?|mirror(?:ed)?|right[- ]to[- ]left)\b/;

/** `text` reversed by code point (so surrogate pairs stay whole). */
export function reverseText(text: string): string {
  return Array.from(text).reverse().join('');
}

/** The reversed reading of a normalised `text` when it mentions reversal, else undefined. */
export function reversedReading(text: string): string | undefined {
  return MAY_MENTION_REVERSAL.test(text) && MENTIONS_REVERSAL.test(text) ? reverseText(text) : undefined;
}
