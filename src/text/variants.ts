// Builds the hidden readings of a text (decoded encodings, tag text, leetspeak, spaced letters, rot13), within a budget.
import type { Span } from '../core/finding.js';
import type { TextVariant, VariantKind } from './analysis.js';
import { findBase64, type DecodeLimits, type DecodedSegment } from './base64.js';
import { findHex } from './hex.js';
import { findHtmlEntities } from './html-entities.js';
import { isSubdivisionFlag, stripInvisibleMapped, variationSelectorBytes, type InvisibleRun } from './invisible.js';
import { leetspeakReading } from './leetspeak.js';
import { normalizeText } from './normalize.js';
import { bytesToText } from './printable.js';
import { reversedReading } from './reversed.js';
import { rot13Reading } from './rot13.js';
import { spacedReading } from './spaced.js';
import { findUrlEncoded } from './url-encoding.js';

export interface VariantLimits {
  /** Most variants returned. */
  maxVariants: number;
  /** Most characters over all variant texts. */
  maxChars: number;
  /** Most decoding layers followed (2: base64 of hex, URL-encoding of base64, ...). */
  maxDepth: number;
}

export const DEFAULT_VARIANT_LIMITS: VariantLimits = { maxVariants: 16, maxChars: 64 * 1024, maxDepth: 2 };

/** The views of one text that variants are built from (computed once by the analysis). */
export interface VariantSources {
  original: string;
  /** `foldText(original)`: normalised except for whitespace collapsing. */
  folded: string;
  normalized: string;
  invisible: readonly InvisibleRun[];
}

/** Whole-text readings work on pieces of this many characters, so a huge text still yields bounded variants. */
const CHUNK = 16 * 1024;
/** Decode attempts per decoder per layer. */
const MAX_ATTEMPTS = 256;
/** Fewest variation selectors in a run worth decoding. */
const MIN_SELECTOR_BYTES = 4;

const FULLWIDTH_ASCII = /[\uFF01-\uFF5E]/;
const FULLWIDTH_ASCII_GLOBAL = /[\uFF01-\uFF5E]/g;

type Finder = (text: string, limits: DecodeLimits) => DecodedSegment[];
const DECODERS: readonly [VariantKind, Finder][] = [
  ['base64', findBase64],
  ['hex', findHex],
  ['url', findUrlEncoded],
  ['html_entities', findHtmlEntities],
];

class Collector {
  readonly variants: TextVariant[] = [];
  private readonly seen = new Set<string>();
  private chars = 0;

  constructor(
    readonly limits: VariantLimits,
    normalized: string,
  ) {
    this.seen.add(normalized);
  }

  get full(): boolean {
    return this.variants.length >= this.limits.maxVariants || this.chars >= this.limits.maxChars;
  }

  get remainingChars(): number {
    return Math.max(0, this.limits.maxChars - this.chars);
  }

  /** Adds a variant unless the budget is spent or the same text is already known; true when added. */
  add(kind: VariantKind, text: string, span?: Span, via?: readonly VariantKind[]): boolean {
    if (this.full || text.length === 0) return false;
    const kept = text.length > this.remainingChars ? text.slice(0, this.remainingChars) : text;
    if (this.seen.has(kept)) return false;
    this.seen.add(kept);
    this.chars += kept.length;
    const variant: TextVariant = { kind, text: kept };
    if (span !== undefined) variant.span = span;
    if (via !== undefined && via.length > 1) variant.via = via;
    this.variants.push(variant);
    return true;
  }
}

/** Pieces of at most CHUNK characters, cut at a space when there is one. */
function chunks(text: string): string[] {
  if (text.length <= CHUNK) return [text];
  const out: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + CHUNK);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + CHUNK / 2) end = space + 1;
    }
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

function mapSpan(start: number, end: number, offsets: Int32Array | null): Span {
  if (offsets === null) return { start, end };
  return { start: offsets[start] ?? 0, end: (offsets[Math.max(start, end - 1)] ?? 0) + 1 };
}

/** Decodes embedded encodings in `text`, then what they decode to, up to `maxDepth` layers. */
function decodeLayer(
  c: Collector,
  text: string,
  offsets: Int32Array | null,
  depth: number,
  outer: Span | undefined,
  chain: readonly VariantKind[],
): void {
  if (depth > c.limits.maxDepth) return;
  for (const [kind, find] of DECODERS) {
    if (c.full) return;
    for (const segment of find(text, { maxAttempts: MAX_ATTEMPTS, maxChars: c.remainingChars })) {
      const span = outer ?? mapSpan(segment.start, segment.end, offsets);
      const via = [...chain, kind];
      const normalized = normalizeText(segment.decoded);
      if (!c.add(kind, normalized, span, via)) continue;
      if (depth >= c.limits.maxDepth) continue;
      decodeLayer(c, segment.decoded, null, depth + 1, span, via);
      const rotated = rot13Reading(normalized);
      if (rotated !== undefined) c.add('rot13', rotated, span, [...via, 'rot13']);
    }
  }
}

function addHiddenCharacterText(c: Collector, src: VariantSources): void {
  const tags = src.invisible.filter(
    (r) => r.kind === 'unicode_tag' && r.decoded !== undefined && r.decoded.length > 0 && !isSubdivisionFlag(src.original, r.span),
  );
  const first = tags[0];
  const last = tags[tags.length - 1];
  if (first !== undefined && last !== undefined) {
    const decoded = tags.map((r) => r.decoded ?? '').join(' ');
    const span = { start: first.span.start, end: last.span.end };
    if (c.add('unicode_tags', normalizeText(decoded), span)) decodeLayer(c, decoded, null, 2, span, ['unicode_tags']);
  }
  for (const run of src.invisible) {
    if (c.full) return;
    if (run.kind !== 'variation_selector' || run.span.end - run.span.start < MIN_SELECTOR_BYTES) continue;
    const bytes = variationSelectorBytes(src.original, run.span.start, run.span.end, c.remainingChars);
    if (bytes.length < MIN_SELECTOR_BYTES) continue;
    const decoded = bytesToText(bytes);
    if (decoded !== undefined) c.add('variation_selectors', normalizeText(decoded), run.span);
  }
}

/** The original with invisible characters removed and fullwidth ASCII made ASCII (same length), with offsets back. */
function encodingSource(original: string): { text: string; offsets: Int32Array | null } {
  const stripped = stripInvisibleMapped(original);
  if (!FULLWIDTH_ASCII.test(stripped.text)) return stripped;
  const text = stripped.text.replace(FULLWIDTH_ASCII_GLOBAL, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
  return { text, offsets: stripped.offsets };
}

function addWholeTextReading(c: Collector, kind: VariantKind, text: string, read: (chunk: string) => string | undefined): void {
  for (const chunk of chunks(text)) {
    if (c.full) return;
    const reading = read(chunk);
    if (reading !== undefined && reading !== chunk) c.add(kind, reading);
  }
}

/** Runs one step; a failure in one reading must not cost the others (the analysis never throws on input). */
function guarded(step: () => void): void {
  try {
    step();
  } catch {
    // Deliberately ignored: every step is bounded and tested; this only keeps a surprise from blocking a scan.
  }
}

/**
 * Hidden readings of a text, most telling first: tag-character and variation-selector text; embedded base64,
 * hex, URL-encoding and HTML character references (with what they decode to, two layers deep); then
 * whole-text readings: leetspeak, spaced-out letters, rot13, reversed. Each reading is offered only when cheap
 * pre-checks say it could exist; within `limits`.
 */
export function buildVariants(src: VariantSources, limits: VariantLimits = DEFAULT_VARIANT_LIMITS): TextVariant[] {
  const c = new Collector(limits, src.normalized);
  guarded(() => addHiddenCharacterText(c, src));
  guarded(() => {
    const source = encodingSource(src.original);
    decodeLayer(c, source.text, source.offsets, 1, undefined, []);
  });
  guarded(() => addWholeTextReading(c, 'leetspeak', src.normalized, leetspeakReading));
  guarded(() => addWholeTextReading(c, 'spaced', src.folded, spacedReading));
  guarded(() => addWholeTextReading(c, 'rot13', src.normalized, rot13Reading));
  guarded(() => addWholeTextReading(c, 'reversed', src.normalized, (t) => {
    const reversed = reversedReading(t);
    return reversed === undefined ? undefined : normalizeText(reversed);
  }));
  return c.variants;
}
