// TextAnalysis: the normalised and de-obfuscated views of one text that all detectors share, computed lazily once.
import type { Span } from '../core/finding.js';
import { findInvisibleRuns, type InvisibleRun } from './invisible.js';
import { collapseWhitespace, foldText } from './normalize.js';
import { DEFAULT_VARIANT_LIMITS, buildVariants, type VariantLimits } from './variants.js';

export type { InvisibleKind, InvisibleRun } from './invisible.js';

export type VariantKind =
  | 'leetspeak'
  | 'spaced'
  | 'base64'
  | 'hex'
  | 'rot13'
  | 'url'
  | 'unicode_tags'
  /** Numeric HTML character references (&#105;&#x67;…). */
  | 'html_entities'
  /** Bytes hidden one per variation selector ("emoji smuggling"). */
  | 'variation_selectors'
  /** The text read backwards, offered when it talks about reversing. */
  | 'reversed';

/** A decoded or de-obfuscated reading of (part of) the text. */
export interface TextVariant {
  kind: VariantKind;
  /** The revealed text, already normalised like `TextAnalysis.normalized`. */
  text: string;
  /** Where in the original text the encoded part sits, when it is a part. */
  span?: Span;
  /** For nested encodings, the decodings applied, outermost first (e.g. ['base64', 'hex']); `kind` is the last. */
  via?: readonly VariantKind[];
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

export interface AnalyzeOptions {
  /** Most variants (default 16). */
  maxVariants?: number;
  /** Most characters over all variant texts (default 65536). */
  maxVariantChars?: number;
  /** Most decoding layers followed, e.g. 2 for base64 of hex (default 2). */
  maxDepth?: number;
}

/** Each view is computed on first access and kept: detectors on the hot path often need only `normalized`. */
class LazyTextAnalysis implements TextAnalysis {
  private foldedView?: string;
  private normalizedView?: string;
  private variantsView?: readonly TextVariant[];
  private invisibleView?: readonly InvisibleRun[];

  constructor(
    readonly original: string,
    private readonly limits: VariantLimits,
  ) {}

  private get folded(): string {
    return (this.foldedView ??= foldText(this.original));
  }

  get normalized(): string {
    return (this.normalizedView ??= collapseWhitespace(this.folded));
  }

  get invisible(): readonly InvisibleRun[] {
    return (this.invisibleView ??= Object.freeze(findInvisibleRuns(this.original)));
  }

  get variants(): readonly TextVariant[] {
    return (this.variantsView ??= Object.freeze(
      buildVariants(
        { original: this.original, folded: this.folded, normalized: this.normalized, invisible: this.invisible },
        this.limits,
      ),
    ));
  }

  /** Plain data for logs and debugging (getters are not own properties, so JSON.stringify would miss them). */
  toJSON(): { original: string; normalized: string; variants: readonly TextVariant[]; invisible: readonly InvisibleRun[] } {
    return { original: this.original, normalized: this.normalized, variants: this.variants, invisible: this.invisible };
  }
}

function limitsFrom(options: AnalyzeOptions | undefined): VariantLimits {
  if (options === undefined) return DEFAULT_VARIANT_LIMITS;
  const pick = (value: number | undefined, fallback: number): number =>
    value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
  return {
    maxVariants: pick(options.maxVariants, DEFAULT_VARIANT_LIMITS.maxVariants),
    maxChars: pick(options.maxVariantChars, DEFAULT_VARIANT_LIMITS.maxChars),
    maxDepth: pick(options.maxDepth, DEFAULT_VARIANT_LIMITS.maxDepth),
  };
}

/**
 * Analyses a text for detectors. Nothing is computed until a field is read; each field is computed once.
 * Never throws for a string (hostile input included); a non-string is a caller mistake (TypeError).
 */
export function analyzeText(text: string, options?: AnalyzeOptions): TextAnalysis {
  if (typeof text !== 'string') throw new TypeError(`analyzeText expects a string, got ${typeof text}`);
  return new LazyTextAnalysis(text, limitsFrom(options));
}
