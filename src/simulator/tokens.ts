// Token estimate used for every `usage` block of the simulator: one token per four UTF-16 code units, rounded up.

/** Tokens of `text` as the simulator counts them (deterministic, tokenizer-free: the simulator is a test double). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Text that estimateTokens counts as `tokens` tokens or fewer: the first tokens*4 code units, not splitting a surrogate pair. */
export function truncateToTokens(text: string, tokens: number): string {
  const max = Math.max(0, tokens) * 4;
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  // A high surrogate at the cut would leave a lone surrogate, which JSON.stringify would escape as \udXXX.
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
