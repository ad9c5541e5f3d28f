// Finds markup that renders text invisibly (CSS hiding, white text, HTML and markdown comments), a carrier for hidden instructions.
import type { Span } from '../../core/finding.js';
import { insideRanges } from './code-ranges.js';
import { htmlTagEnd } from './html.js';

export interface HiddenMarkup {
  trick: string;
  score: number;
  span: Span;
  evidence: string;
}

/** How far after a hiding tag we look for its end tag and for the hidden text. */
const MAX_HIDDEN_CONTENT = 5000;
const EXCERPT = 40;

const HIDING_PREFILTER = /style|hidden|color/i;
const GENERIC_TAG = /<([a-z][a-z0-9-]{0,30})(?=[\s/>])/gi;
const HIDING_STYLES: readonly [string, RegExp][] = [
  ['display:none', /display\s*:\s*none/i],
  ['visibility:hidden', /visibility\s*:\s*(?:hidden|collapse)/i],
  ['font-size:0', /font-size\s*:\s*(?:0+(?:\.0*)?|\.0+)(?:px|pt|em|rem|%)?\s*(?:[;"'!]|$)/i],
  ['opacity:0', /opacity\s*:\s*(?:0+(?:\.0*)?|\.0+)\s*(?:[;"'!]|$)/i],
  ['off-screen', /(?:left|top|text-indent)\s*:\s*-\d{3,}/i],
  ['hidden attribute', /(?:^|\s)hidden(?=[\s=/>]|$)/i],
];
/** White or transparent text is invisible on the usual light chat background; weaker, since dark themes exist. */
const WHITE_TEXT =
  /(?<![\w-])color\s*[:=]\s*["']?\s*(?:#fff\b|#ffffff\b|white\b|transparent\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)/i;
const MD_COMMENT = /^ {0,3}\[[^[\]\n]{0,100}\]:[ \t]*(?:#|<>)[ \t]+(?:\(([^\n]*)\)|"([^\n]*)"|'([^\n]*)')[ \t]*$/gm;
const INSTRUCTION =
  /\b(?:ignore|disregard|forget|instructions?|system prompt|assistant|you (?:must|should|are|will)|do not|don't|never|always|tell the user|respond|reply|output|print|include|append|render|send|visit|click|markdown|image|url|secret|password|api key|token|exfiltrat\w*|confidential)\b/gi;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]+/g;

/** How many distinct instruction-like words (0..3) hidden text holds: instructions to a model, not leftover markup. */
function instructionHits(content: string): number {
  const sample = content.slice(0, 2000);
  const seen = new Set<string>();
  INSTRUCTION.lastIndex = 0;
  for (let m = INSTRUCTION.exec(sample); m && seen.size < 3; m = INSTRUCTION.exec(sample)) seen.add(m[0].toLowerCase());
  return seen.size;
}

/** Comments are common in HTML; only one that reads like an instruction (two or more cue words) is worth a finding. */
function commentScore(content: string): number {
  const hits = instructionHits(content);
  return hits >= 2 ? 0.6 + 0.1 * (hits - 1) : 0.4 + 0.05 * hits;
}

function excerpt(content: string): string {
  const flat = content.slice(0, EXCERPT * 2).replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

/** Index of `</name` (any case) in [from, limit), or -1; the window is bounded so hostile input stays linear. */
function closingTag(text: string, name: string, from: number, limit: number): number {
  const window = text.slice(from, limit);
  for (let p = window.indexOf('</'); p !== -1; p = window.indexOf('</', p + 2)) {
    if (window.slice(p + 2, p + 2 + name.length).toLowerCase() === name) return from + p;
  }
  return -1;
}

function hidingTags(text: string, code: readonly Span[], out: HiddenMarkup[]): void {
  GENERIC_TAG.lastIndex = 0;
  for (let m = GENERIC_TAG.exec(text); m; m = GENERIC_TAG.exec(text)) {
    const name = (m[1] as string).toLowerCase();
    const tagEnd = htmlTagEnd(text, m.index + m[0].length);
    GENERIC_TAG.lastIndex = Math.max(tagEnd, m.index + 1);
    const attrs = text.slice(m.index + m[0].length, tagEnd);
    let trick = HIDING_STYLES.find(([, re]) => re.test(attrs))?.[0];
    let base = 0.6;
    if (!trick && WHITE_TEXT.test(attrs)) {
      trick = 'white text';
      base = 0.45;
    }
    if (!trick || insideRanges(code, m.index)) continue;
    const limit = Math.min(text.length, tagEnd + MAX_HIDDEN_CONTENT);
    const close = closingTag(text, name, tagEnd, limit);
    const contentEnd = close === -1 ? limit : close;
    const content = text.slice(tagEnd, contentEnd);
    if (content.trim().length < 3) continue;
    const gt = close === -1 ? -1 : text.slice(close, close + 64).indexOf('>');
    const end = close === -1 ? limit : gt !== -1 ? close + gt + 1 : close + 2 + name.length;
    GENERIC_TAG.lastIndex = Math.max(GENERIC_TAG.lastIndex, contentEnd);
    out.push({
      trick,
      score: base + 0.1 * Math.min(2, instructionHits(content)),
      span: { start: m.index, end },
      evidence: `${trick} <${name}>: "${excerpt(content)}"`,
    });
  }
}

function htmlComments(text: string, code: readonly Span[], out: HiddenMarkup[]): void {
  for (let start = text.indexOf('<!--'); start !== -1; ) {
    const close = text.indexOf('-->', start + 4);
    const end = close === -1 ? text.length : close + 3; // an unclosed comment hides the rest of the document
    const content = text.slice(start + 4, close === -1 ? text.length : close);
    if (content.trim().length >= 3 && !insideRanges(code, start)) {
      out.push({
        trick: 'html comment',
        score: commentScore(content),
        span: { start, end },
        evidence: `HTML comment: "${excerpt(content)}"`,
      });
    }
    start = close === -1 ? -1 : text.indexOf('<!--', end);
  }
}

function markdownComments(text: string, code: readonly Span[], out: HiddenMarkup[]): void {
  MD_COMMENT.lastIndex = 0;
  for (let m = MD_COMMENT.exec(text); m; m = MD_COMMENT.exec(text)) {
    const content = m[1] ?? m[2] ?? m[3] ?? '';
    if (content.trim().length < 3 || insideRanges(code, m.index)) continue;
    out.push({
      trick: 'markdown comment',
      score: commentScore(content),
      span: { start: m.index, end: m.index + m[0].length },
      evidence: `markdown comment: "${excerpt(content)}"`,
    });
  }
}

/** All hiding tricks in `text`, skipping those inside `code` (sorted ranges that are shown, not rendered). */
export function findHiddenMarkup(text: string, code: readonly Span[]): HiddenMarkup[] {
  const out: HiddenMarkup[] = [];
  if (text.includes('<') && HIDING_PREFILTER.test(text)) hidingTags(text, code, out);
  if (text.includes('<!--')) htmlComments(text, code, out);
  if (text.includes(']:')) markdownComments(text, code, out);
  return out;
}
