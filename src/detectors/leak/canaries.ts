// Finds canary strings in a text: verbatim, any case, normalised, spelled out with separators, reversed, or inside a decoded variant.
import type { Span } from '../../core/finding.js';
import type { TextAnalysis } from '../../text/analysis.js';

export interface CanaryHit {
  /** Masked form for evidence: first two characters and the length. */
  masked: string;
  score: number;
  /** How it was found: exact, case-insensitive, normalized, separated, reversed, or a variant kind (base64, ...). */
  via: string;
  span?: Span;
}

const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;
/** Separated matching needs this many letters/digits in the canary, or it would match by chance. */
const MIN_LETTERS = 6;
/** "c - a - n - a - r - y": up to this many separator characters between two letters of the canary. */
const MAX_SEPARATORS = 4;
/** Letters used for the separated pattern: enough to be unique, few enough that a near-miss costs little. */
const MAX_PATTERN_LETTERS = 64;
const CACHE_SIZE = 256;

export function maskCanary(c: string): string {
  return `"${c.slice(0, 2)}…" (${c.length} chars)`;
}

interface CanaryPatterns {
  lower: string;
  normalized: string;
  /** The letters and digits with any few non-alphanumerics between them, forwards and backwards. */
  separated?: RegExp;
  reversed?: RegExp;
}

function separatedPattern(letters: readonly string[]): RegExp {
  const sep = `[^\\p{L}\\p{N}]{0,${MAX_SEPARATORS}}`;
  return new RegExp(letters.map((l) => l.replace(REGEX_SPECIAL, '\\$&')).join(sep), 'u');
}

/**
 * Patterns per canary, built once per distinct canary (statically configured ones stay in the cache; the scan
 * context usually repeats the same few): a regex over the text costs far less than squashing the text.
 */
const cache = new Map<string, CanaryPatterns>();
function patternsFor(canary: string): CanaryPatterns {
  const hit = cache.get(canary);
  if (hit) return hit;
  const normalized = canary.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const letters = [...normalized.replace(NOT_ALNUM, '')].slice(0, MAX_PATTERN_LETTERS);
  const p: CanaryPatterns = { lower: canary.toLowerCase(), normalized };
  if (letters.length >= MIN_LETTERS) {
    p.separated = separatedPattern(letters);
    p.reversed = separatedPattern([...letters].reverse());
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(canary, p);
  return p;
}

function findOne(canary: string, text: string, lower: () => string, analysis: TextAnalysis): CanaryHit | undefined {
  const masked = maskCanary(canary);
  const at = text.indexOf(canary);
  if (at !== -1) return { masked, score: 1, via: 'exact', span: { start: at, end: at + canary.length } };
  const p = patternsFor(canary);
  const lowered = lower();
  const ci = lowered.indexOf(p.lower);
  if (ci !== -1) {
    // Lower-casing can change lengths (e.g. "İ"); offsets are only trusted when it did not.
    const span = lowered.length === text.length ? { start: ci, end: ci + p.lower.length } : undefined;
    return { masked, score: 1, via: 'case-insensitive', ...(span ? { span } : {}) };
  }
  if (p.normalized && analysis.normalized.includes(p.normalized)) return { masked, score: 1, via: 'normalized' };
  for (const variant of analysis.variants) {
    if (p.normalized && variant.text.includes(p.normalized)) {
      return { masked, score: 1, via: variant.kind, ...(variant.span ? { span: variant.span } : {}) };
    }
  }
  if (!p.separated || !p.reversed) return undefined;
  if (p.separated.test(analysis.normalized)) return { masked, score: 0.95, via: 'separated' };
  if (p.reversed.test(analysis.normalized)) return { masked, score: 0.9, via: 'reversed' };
  for (const variant of analysis.variants) {
    if (p.separated.test(variant.text)) return { masked, score: 0.95, via: `${variant.kind}, separated` };
  }
  return undefined;
}

/** One hit per canary found, in the order given. */
export function findCanaries(canaries: readonly string[], text: string, analysis: TextAnalysis): CanaryHit[] {
  if (canaries.length === 0) return [];
  let lowered: string | undefined;
  const lower = (): string => (lowered ??= text.toLowerCase());
  const hits: CanaryHit[] = [];
  for (const c of canaries) {
    const hit = findOne(c, text, lower, analysis);
    if (hit) hits.push(hit);
  }
  return hits;
}
