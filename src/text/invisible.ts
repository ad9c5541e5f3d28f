// Invisible characters: classify them, report runs in the original text, strip them, decode Unicode tag "ASCII smuggling".
import type { Span } from '../core/finding.js';

export type InvisibleKind = 'zero_width' | 'unicode_tag' | 'bidi_control' | 'variation_selector' | 'other_format';

export interface InvisibleRun {
  kind: InvisibleKind;
  span: Span;
  /** For Unicode tag runs: the ASCII text they spell ("ASCII smuggling"). */
  decoded?: string;
}

/**
 * Every character we treat as invisible, as a regex source without the u flag (surrogate pairs spelled out) so
 * that lone surrogates in hostile input can never make it throw or match half a pair.
 * Tags: U+E0001, U+E0020-E007F. Variation selectors: U+FE00-FE0F, U+E0100-E01EF, Mongolian U+180B-180D, U+180F.
 * Other format: soft hyphen, combining grapheme joiner, Hangul fillers, Khmer invisible vowels, invisible math
 * operators, deprecated format characters, interlinear annotation, shorthand and musical format controls.
 */
export const INVISIBLE_SOURCE =
  '[\\u00AD\\u034F\\u061C\\u115F\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064' +
  '\\u2066-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF9-\\uFFFB]' +
  '|\\uDB40[\\uDC01\\uDC20-\\uDC7F\\uDD00-\\uDDEF]|\\uD82F[\\uDCA0-\\uDCA3]|\\uD834[\\uDD73-\\uDD7A]';

/** Test (no g flag, so no lastIndex state) whether a string holds any invisible character. */
export const HAS_INVISIBLE = new RegExp(INVISIBLE_SOURCE);
/** Maximal stretches of invisible characters (of any kinds): one match per stretch, not per character. */
const INVISIBLE_STRETCH = new RegExp(`(?:${INVISIBLE_SOURCE})+`, 'g');

/** Largest number of runs reported; a hostile text of alternating letters and ZWSP would otherwise allocate millions. */
export const MAX_INVISIBLE_RUNS = 1024;
/** Largest decoded tag text kept per analysis (characters). */
export const MAX_TAG_DECODED = 64 * 1024;

/** Kind of an invisible code point, or undefined when the code point is visible (or whitespace). */
export function invisibleKind(cp: number): InvisibleKind | undefined {
  if (cp < 0xad) return undefined;
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff || cp === 0x180e) {
    return 'zero_width';
  }
  if (cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
    return 'bidi_control';
  }
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x180b && cp <= 0x180d) || cp === 0x180f) {
    return 'variation_selector';
  }
  if (cp === 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f)) return 'unicode_tag';
  if (
    cp === 0x00ad || cp === 0x034f || cp === 0x115f || cp === 0x17b4 || cp === 0x17b5 || cp === 0x3164 || cp === 0xffa0 ||
    (cp >= 0x2061 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) || (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a)
  ) {
    return 'other_format';
  }
  return undefined;
}

/** Removes every invisible character. */
export function stripInvisible(text: string): string {
  return HAS_INVISIBLE.test(text) ? text.replace(INVISIBLE_STRETCH, '') : text;
}

/** A text with invisible characters removed plus, when anything was removed, the original offset of each unit. */
export interface StrippedText {
  text: string;
  /** `offsets[i]` is the index in the original of `text[i]`; `offsets[text.length]` is the original length. */
  offsets: Int32Array | null;
}

/** Removes invisible characters and remembers where each remaining code unit came from (for spans). */
export function stripInvisibleMapped(text: string): StrippedText {
  if (!HAS_INVISIBLE.test(text)) return { text, offsets: null };
  const offsets = new Int32Array(text.length + 1);
  const parts: string[] = [];
  let out = 0;
  let keptFrom = 0;
  INVISIBLE_STRETCH.lastIndex = 0;
  for (let m = INVISIBLE_STRETCH.exec(text); m !== null; m = INVISIBLE_STRETCH.exec(text)) {
    for (let i = keptFrom; i < m.index; i++) offsets[out++] = i;
    parts.push(text.slice(keptFrom, m.index));
    keptFrom = m.index + m[0].length;
  }
  for (let i = keptFrom; i < text.length; i++) offsets[out++] = i;
  parts.push(text.slice(keptFrom));
  offsets[out] = text.length;
  return { text: parts.join(''), offsets: offsets.subarray(0, out + 1) };
}

/**
 * True when a tag run is the tail of an emoji subdivision flag (🏴 + 2-6 tag letters/digits + CANCEL TAG, as in
 * the flags of England, Scotland and Wales): a legitimate use that reveals no hidden text.
 */
export function isSubdivisionFlag(text: string, span: Span): boolean {
  const length = span.end - span.start;
  return (
    length >= 8 &&
    length <= 14 &&
    span.start >= 2 &&
    text.codePointAt(span.start - 2) === 0x1f3f4 &&
    text.codePointAt(span.end - 2) === 0xe007f &&
    /^[a-z]{2}[a-z0-9]{1,4}$/.test(decodeTagRun(text, span.start, span.end))
  );
}

/** ASCII spelled by tag characters U+E0020-E007E (U+E0001 LANGUAGE TAG and U+E007F CANCEL TAG spell nothing). */
export function decodeTagRun(text: string, start: number, end: number, limit = MAX_TAG_DECODED): string {
  let out = '';
  for (let i = start; i < end && out.length < limit; ) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

/**
 * Maximal runs of invisible characters of one kind, with spans in `text`. Every run is reported, including
 * legitimate ones (an emoji ZWJ, a soft hyphen, a direction mark in Arabic text): judging them is the
 * detectors' job, which know their context and options.
 */
export function findInvisibleRuns(text: string): InvisibleRun[] {
  const runs: InvisibleRun[] = [];
  if (!HAS_INVISIBLE.test(text)) return runs;
  let decodedBudget = MAX_TAG_DECODED;
  let pendingKind: InvisibleKind | undefined;
  let pendingStart = 0;
  let pendingEnd = 0;
  const flush = (): void => {
    if (pendingKind === undefined) return;
    const run: InvisibleRun = { kind: pendingKind, span: { start: pendingStart, end: pendingEnd } };
    if (pendingKind === 'unicode_tag') {
      run.decoded = decodeTagRun(text, pendingStart, pendingEnd, decodedBudget);
      decodedBudget -= run.decoded.length;
    }
    runs.push(run);
  };
  INVISIBLE_STRETCH.lastIndex = 0;
  for (let m = INVISIBLE_STRETCH.exec(text); m !== null; m = INVISIBLE_STRETCH.exec(text)) {
    const stretchEnd = m.index + m[0].length;
    for (let i = m.index; i < stretchEnd; ) {
      const cp = text.codePointAt(i) ?? 0;
      const width = cp > 0xffff ? 2 : 1;
      const kind = invisibleKind(cp) ?? 'other_format';
      if (kind !== pendingKind || i !== pendingEnd) {
        flush();
        if (runs.length >= MAX_INVISIBLE_RUNS) return runs;
        pendingKind = kind;
        pendingStart = i;
      }
      i += width;
      pendingEnd = i;
    }
  }
  flush();
  return runs;
}

/**
 * Bytes hidden in a run of variation selectors, one selector per byte (VS1-VS16 carry 0-15, VS17-VS256 carry
 * 16-255): the "emoji smuggling" encoding. Mongolian selectors carry nothing.
 */
export function variationSelectorBytes(text: string, start: number, end: number, limit = MAX_TAG_DECODED): Uint8Array {
  const bytes = new Uint8Array(Math.min(end - start, limit));
  let count = 0;
  for (let i = start; i < end && count < bytes.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp >= 0xfe00 && cp <= 0xfe0f) bytes[count++] = cp - 0xfe00;
    else if (cp >= 0xe0100 && cp <= 0xe01ef) bytes[count++] = cp - 0xe0100 + 16;
    i += cp > 0xffff ? 2 : 1;
  }
  return bytes.subarray(0, count);
}
