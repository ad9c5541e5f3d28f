// TextAnalysis: the normalised and de-obfuscated views of one text that all detectors share, computed lazily once.
import type { Span } from '../core/finding.js';

export type VariantKind = 'leetspeak' | 'spaced' | 'base64' | 'hex' | 'rot13' | 'url' | 'unicode_tags';

/** A decoded or de-obfuscated reading of (part of) the text. */
export interface TextVariant {
  kind: VariantKind;
  /** The revealed text, already normalised like `TextAnalysis.normalized`. */
  text: string;
  /** Where in the original text the encoded part sits, when it is a part. */
  span?: Span;
}

export type InvisibleKind = 'zero_width' | 'unicode_tag' | 'bidi_control' | 'variation_selector' | 'other_format';

export interface InvisibleRun {
  kind: InvisibleKind;
  span: Span;
  /** For Unicode tag runs: the ASCII text they spell ("ASCII smuggling"). */
  decoded?: string;
}

export interface TextAnalysis {
  readonly original: string;
  /** NFKC, invisible characters removed, mixed-script confusables folded, lower-cased, whitespace collapsed. */
  readonly normalized: string;
  /** Hidden readings: leetspeak, spaced-out letters, embedded base64 / hex / rot13 / URL-encoding, tag characters. */
  readonly variants: readonly TextVariant[];
  /** Runs of invisible characters in the original text. */
  readonly invisible: readonly InvisibleRun[];
}

/** Minimal first implementation; replaced by the full normaliser. */
export function analyzeText(text: string): TextAnalysis {
  const normalized = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return { original: text, normalized, variants: [], invisible: [] };
}
