// Detector: invisible characters as findings — tag-character smuggling, zero-width runs, bidi overrides, variation-selector payloads.
import { z } from 'zod';
import type { Finding, Span } from '../core/finding.js';
import { severityFromScore } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { InvisibleRun } from '../text/analysis.js';
import { defineDetector } from './contract.js';

const TAGS: TaxonomyTags = { owaspLlm: ['LLM01:2025'], atlas: ['AML.T0068', 'AML.T0051.001'] };

/** Hostile text can hold millions of runs; past this many findings more add nothing for a decision. */
const MAX_FINDINGS = 100;
/** Suspicious runs closer than this (UTF-16 units) are one finding: "i\u200bg\u200bn\u200bo\u200br\u200be" is one trick, not five. */
const MERGE_GAP = 8;
const EVIDENCE_CHARS = 40;

const minRunSchema = z
  .object({
    unicodeTag: z.number().int().min(1).max(10_000).default(1),
    zeroWidth: z.number().int().min(1).max(10_000).default(3),
    variationSelector: z.number().int().min(2).max(10_000).default(3),
    otherFormat: z.number().int().min(1).max(10_000).default(3),
  })
  .strict();

export const invisibleTextOptions = z
  .object({
    threshold: z.number().min(0).max(1).default(0.5),
    /** Run length (in characters) from which a run is suspicious wherever it sits. */
    minRun: minRunSchema.prefault({}),
    /** A single ZWJ between emoji (family, profession, flag sequences) is how emoji are built, not a trick. */
    allowEmojiJoiners: z.boolean().default(true),
  })
  .strict();
export type InvisibleTextOptions = z.infer<typeof invisibleTextOptions>;

export type InvisibleCategory =
  | 'ascii_smuggling'
  | 'zero_width'
  | 'bidi_override'
  | 'variation_selector_smuggling'
  | 'other_format';

export interface InvisibleAssessment {
  category: InvisibleCategory;
  score: number;
  span: Span;
  evidence: string;
  count: number;
  metadata?: Record<string, unknown>;
}

const EMOJI_PART = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{FE0F}\u{20E3}]$/u;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]/;
const TAG_SUBDIVISION = /^[a-z]{2}[a-z0-9]{1,4}$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Scripts whose normal spelling uses ZWNJ/ZWJ (Arabic, Persian, Indic) or ZWSP as a word break (Thai, Khmer, CJK). */
function usesZeroWidthNormally(cp: number): boolean {
  return (
    (cp >= 0x0600 && cp <= 0x08ff) ||
    (cp >= 0x0900 && cp <= 0x0fff) ||
    (cp >= 0x1000 && cp <= 0x109f) ||
    (cp >= 0x1780 && cp <= 0x18af) ||
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xfb50 && cp <= 0xfdff) ||
    (cp >= 0xfe70 && cp <= 0xfefc)
  );
}

export function codePointBefore(text: string, index: number): number | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

function codePointAfter(text: string, index: number): number | undefined {
  return index < text.length ? text.codePointAt(index) : undefined;
}

function isEmojiPart(cp: number | undefined): boolean {
  return cp !== undefined && EMOJI_PART.test(String.fromCodePoint(cp));
}

function isWordChar(cp: number | undefined): boolean {
  return cp !== undefined && WORD_CHAR.test(String.fromCodePoint(cp));
}

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Makes decoded hidden text safe to show in one log line. */
export function printableEvidence(s: string): string {
  const cut = s.length > EVIDENCE_CHARS ? `${s.slice(0, EVIDENCE_CHARS)}…` : s;
  return cut.replace(CONTROL_CHARS, ' ');
}

/** "U+200B×3, U+200C×1": which invisible characters a run holds, without the text around it. */
function describeCodePoints(text: string, span: Span): { summary: string; count: number } {
  const counts = new Map<number, number>();
  let count = 0;
  for (let i = span.start; i < span.end; ) {
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    count++;
    if (counts.size < 8 || counts.has(cp)) counts.set(cp, (counts.get(cp) ?? 0) + 1);
  }
  const summary = [...counts].map(([cp, n]) => `${hex(cp)}×${n}`).join(', ');
  return { summary, count };
}

export interface TagRunReading {
  /** The ASCII text the tag characters spell (first 1000 characters). */
  decoded: string;
  /** True for an emoji subdivision flag such as England's (black flag + "gbeng" + cancel tag). */
  emojiFlag: boolean;
}

/** Reads a Unicode tag run (U+E0000 block): tag characters U+E0020..E007E mirror printable ASCII. */
export function readTagRun(text: string, run: InvisibleRun): TagRunReading {
  let decoded = '';
  let last = 0;
  for (let i = run.span.start; i < run.span.end; ) {
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    last = cp;
    if (cp >= 0xe0020 && cp <= 0xe007e && decoded.length < 1000) decoded += String.fromCharCode(cp - 0xe0000);
  }
  if (decoded === '' && run.decoded) decoded = run.decoded.slice(0, 1000);
  const emojiFlag =
    codePointBefore(text, run.span.start) === 0x1f3f4 && last === 0xe007f && TAG_SUBDIVISION.test(decoded);
  return { decoded, emojiFlag };
}

/** Reads variation selectors as bytes (VS1–16 → 0–15, VS17–256 → 16–255), the "emoji smuggling" encoding. */
export function decodeVariationSelectors(text: string, span: Span): string {
  const bytes: number[] = [];
  for (let i = span.start; i < span.end && bytes.length < 4096; ) {
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    if (cp >= 0xfe00 && cp <= 0xfe0f) bytes.push(cp - 0xfe00);
    else if (cp >= 0xe0100 && cp <= 0xe01ef) bytes.push(cp - 0xe0100 + 16);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}

const PRINTABLE_TEXT = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n\t]+$/u;

function assessTag(text: string, run: InvisibleRun, o: InvisibleTextOptions): InvisibleAssessment | undefined {
  const { decoded, emojiFlag } = readTagRun(text, run);
  if (emojiFlag) return undefined;
  const { count } = describeCodePoints(text, run.span);
  if (count < o.minRun.unicodeTag) return undefined;
  const score = Math.min(0.94, 0.85 + decoded.length / 200);
  const evidence = decoded ? `tag characters spell "${printableEvidence(decoded)}"` : `${count} tag characters`;
  return { category: 'ascii_smuggling', score, span: run.span, evidence, count, metadata: { decodedLength: decoded.length } };
}

function assessZeroWidth(text: string, run: InvisibleRun, o: InvisibleTextOptions): InvisibleAssessment | undefined {
  const { summary, count } = describeCodePoints(text, run.span);
  const prev = codePointBefore(text, run.span.start);
  const next = codePointAfter(text, run.span.end);
  let score: number;
  if (count >= o.minRun.zeroWidth) {
    score = Math.min(0.9, 0.6 + 0.03 * (count - o.minRun.zeroWidth));
  } else {
    const only = text.codePointAt(run.span.start);
    const emojiJoin = only === 0x200d && count === 1 && isEmojiPart(prev) && isEmojiPart(next);
    if (only === 0xfeff && run.span.start === 0) return undefined; // byte-order mark
    if (emojiJoin) score = o.allowEmojiJoiners ? 0 : 0.5;
    else if ((prev !== undefined && usesZeroWidthNormally(prev)) || (next !== undefined && usesZeroWidthNormally(next)))
      score = 0.05;
    else if (isWordChar(prev) && isWordChar(next)) score = 0.55; // splits a word: filter evasion
    else score = 0.2;
  }
  if (score === 0) return undefined;
  return { category: 'zero_width', score, span: run.span, evidence: `${count} zero-width (${summary})`, count };
}

function assessVariationSelectors(text: string, run: InvisibleRun, o: InvisibleTextOptions): InvisibleAssessment | undefined {
  const { count } = describeCodePoints(text, run.span);
  if (count < o.minRun.variationSelector) return undefined; // one VS after an emoji or ideograph is ordinary
  let score = Math.min(0.9, 0.7 + 0.01 * (count - o.minRun.variationSelector));
  const decoded = decodeVariationSelectors(text, run.span);
  const readable = decoded.length >= 3 && PRINTABLE_TEXT.test(decoded);
  if (readable) score = Math.min(0.95, score + 0.05);
  const evidence = readable
    ? `${count} variation selectors decode to "${printableEvidence(decoded)}"`
    : `${count} variation selectors in a row`;
  return { category: 'variation_selector_smuggling', score, span: run.span, evidence, count };
}

function assessOtherFormat(text: string, run: InvisibleRun, o: InvisibleTextOptions): InvisibleAssessment | undefined {
  const { summary, count } = describeCodePoints(text, run.span);
  const softHyphenOnly = count === 1 && text.charCodeAt(run.span.start) === 0x00ad;
  if (softHyphenOnly) return undefined; // hyphenation hint
  const score = count >= o.minRun.otherFormat ? Math.min(0.85, 0.6 + 0.02 * (count - o.minRun.otherFormat)) : 0.3;
  return { category: 'other_format', score, span: run.span, evidence: `${count} invisible format (${summary})`, count };
}

const BIDI_NAMES: Record<number, string> = {
  0x202a: 'LRE', 0x202b: 'RLE', 0x202c: 'PDF', 0x202d: 'LRO', 0x202e: 'RLO',
  0x2066: 'LRI', 0x2067: 'RLI', 0x2068: 'FSI', 0x2069: 'PDI', 0x200e: 'LRM', 0x200f: 'RLM', 0x061c: 'ALM',
};

/**
 * Bidi controls are judged per line, because a line (paragraph) is where the bidi algorithm resets:
 * an override in a line with no right-to-left letters, or an embedding left open, is "Trojan Source".
 */
function assessBidiLines(text: string, runs: readonly InvisibleRun[]): InvisibleAssessment[] {
  const out: InvisibleAssessment[] = [];
  let i = 0;
  while (i < runs.length) {
    const first = runs[i] as InvisibleRun;
    const lineStart = text.lastIndexOf('\n', first.span.start - 1) + 1;
    const nl = text.indexOf('\n', first.span.end);
    const lineEnd = nl === -1 ? text.length : nl;
    const counts = new Map<string, number>();
    let end = first.span.end;
    for (; i < runs.length && (runs[i] as InvisibleRun).span.start < lineEnd; i++) {
      const r = runs[i] as InvisibleRun;
      end = Math.max(end, r.span.end);
      for (let k = r.span.start; k < r.span.end; k++) {
        const name = BIDI_NAMES[text.charCodeAt(k)] ?? 'other';
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
    const n = (name: string): number => counts.get(name) ?? 0;
    const rtl = RTL_LETTER.test(text.slice(lineStart, lineEnd));
    const overrides = n('LRO') + n('RLO');
    const embedOpen = overrides + n('LRE') + n('RLE') !== n('PDF');
    const isolateOpen = n('LRI') + n('RLI') + n('FSI') !== n('PDI');
    const marksOnly = n('LRM') + n('RLM') + n('ALM') === [...counts.values()].reduce((a, b) => a + b, 0);
    let score: number;
    if (overrides > 0) score = rtl ? 0.6 : 0.85;
    else if (embedOpen || isolateOpen) score = rtl ? 0.5 : 0.7;
    else if (marksOnly) score = rtl ? 0.05 : n('LRM') + n('RLM') + n('ALM') >= 3 ? 0.5 : 0.25;
    else score = rtl ? 0.15 : 0.45;
    const summary = [...counts].map(([k, v]) => `${k}×${v}`).join(', ');
    const open = embedOpen || isolateOpen ? ', left open' : '';
    const evidence = `bidi controls ${summary}${open}${rtl ? '' : ', no right-to-left text'}`;
    out.push({ category: 'bidi_override', score, span: { start: first.span.start, end }, evidence, count: 1 });
  }
  return out;
}

/**
 * Joins neighbouring suspicious runs (score ≥ 0.5) of one category into one finding and raises the score with
 * their number. Weak runs stay apart so that many legitimate ones (ZWSP line-break hints) never add up.
 */
function mergeNearby(items: InvisibleAssessment[]): InvisibleAssessment[] {
  const out: InvisibleAssessment[] = [];
  for (const a of items) {
    const last = out[out.length - 1];
    const mergeable =
      last !== undefined &&
      a.category !== 'bidi_override' &&
      last.category === a.category &&
      a.score >= 0.5 &&
      last.score >= 0.5 &&
      a.span.start - last.span.end <= MERGE_GAP;
    if (mergeable) {
      const runs = ((last.metadata?.runs as number | undefined) ?? 1) + 1;
      last.span = { start: last.span.start, end: Math.max(last.span.end, a.span.end) };
      last.score = Math.min(0.9, Math.max(last.score, a.score) + 0.05);
      last.count += a.count;
      last.metadata = { ...last.metadata, runs };
      last.evidence = `${runs} nearby ${a.category.replace(/_/g, '-')} runs, ${last.count} characters`;
    } else out.push({ ...a });
  }
  return out;
}

/** All assessments of the invisible runs in `text`, merged, in text order (also used by the exfiltration detector). */
export function assessInvisibleRuns(
  text: string,
  runs: readonly InvisibleRun[],
  options: InvisibleTextOptions,
  signal?: AbortSignal,
): InvisibleAssessment[] {
  const sorted = [...runs].sort((a, b) => a.span.start - b.span.start);
  const items: InvisibleAssessment[] = [];
  const bidi: InvisibleRun[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if ((i & 1023) === 1023 && signal?.aborted) break;
    const run = sorted[i] as InvisibleRun;
    if (run.span.end <= run.span.start || run.span.end > text.length) continue;
    let a: InvisibleAssessment | undefined;
    if (run.kind === 'unicode_tag') a = assessTag(text, run, options);
    else if (run.kind === 'zero_width') a = assessZeroWidth(text, run, options);
    else if (run.kind === 'variation_selector') a = assessVariationSelectors(text, run, options);
    else if (run.kind === 'other_format') a = assessOtherFormat(text, run, options);
    else bidi.push(run);
    if (a && a.score >= 0.1) items.push(a);
  }
  items.push(...assessBidiLines(text, bidi));
  items.sort((a, b) => a.span.start - b.span.start);
  return mergeNearby(items);
}

export const invisibleTextDetector = defineDetector<InvisibleTextOptions>({
  id: 'invisible-text',
  description:
    'Flags invisible characters that hide content from people: Unicode tag smuggling, zero-width runs, bidi ' +
    'overrides, variation-selector payloads.',
  stages: ['input', 'output', 'tool_call', 'tool_result'],
  tags: TAGS,
  options: invisibleTextOptions,
  create(options) {
    return (input, ctx) => {
      const runs = ctx.analysis.invisible;
      if (runs.length === 0) return [];
      const findings: Finding[] = [];
      for (const a of assessInvisibleRuns(input.text, runs, options, ctx.signal)) {
        if (a.score < options.threshold) continue;
        const score = Math.round(a.score * 1000) / 1000;
        findings.push({
          detector: 'invisible-text',
          category: a.category,
          score,
          severity: severityFromScore(score),
          span: a.span,
          evidence: a.evidence.length > 200 ? `${a.evidence.slice(0, 199)}…` : a.evidence,
          tags: TAGS,
          metadata: { characters: a.count, ...a.metadata },
        });
        if (findings.length >= MAX_FINDINGS) break;
      }
      return findings;
    };
  },
});
