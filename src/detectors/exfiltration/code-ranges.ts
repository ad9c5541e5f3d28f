// Where markdown code sits in a text: markup inside fenced blocks and inline code is shown to the reader, never rendered.
import type { Span } from '../../core/finding.js';

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})([^\n]*)$/gm;
const BACKTICKS_OR_BLANK_LINE = /`+|\n[ \t]*(?=\n)/g;

/** Sorted, non-overlapping ranges of fenced code blocks and inline code spans (CommonMark, simplified). */
export function codeRanges(text: string): Span[] {
  if (!text.includes('`') && !text.includes('~~~')) return [];
  const fenced = fencedBlocks(text);
  const inline = inlineCode(text, fenced);
  return [...fenced, ...inline].sort((a, b) => a.start - b.start);
}

function fencedBlocks(text: string): Span[] {
  const out: Span[] = [];
  let open: { start: number; char: string; len: number } | undefined;
  FENCE_LINE.lastIndex = 0;
  for (let m = FENCE_LINE.exec(text); m; m = FENCE_LINE.exec(text)) {
    const fence = m[1] as string;
    const rest = m[2] as string;
    if (!open) {
      // A backtick fence's info string may not contain backticks (then it is inline code, not a fence).
      if (fence[0] === '`' && rest.includes('`')) continue;
      open = { start: m.index, char: fence[0] as string, len: fence.length };
    } else if (fence[0] === open.char && fence.length >= open.len && rest.trim() === '') {
      out.push({ start: open.start, end: m.index + m[0].length });
      open = undefined;
    }
  }
  // An unclosed fence runs to the end of the document.
  if (open) out.push({ start: open.start, end: text.length });
  return out;
}

/**
 * Inline code: a backtick run is closed by the next run of the same length in the same paragraph.
 * `nextSame[i]` is precomputed in one backward pass, so pairing is linear even on hostile input.
 */
function inlineCode(text: string, fenced: readonly Span[]): Span[] {
  const runs: { start: number; len: number; para: number }[] = [];
  let para = 0;
  let f = 0;
  BACKTICKS_OR_BLANK_LINE.lastIndex = 0;
  for (let m = BACKTICKS_OR_BLANK_LINE.exec(text); m; m = BACKTICKS_OR_BLANK_LINE.exec(text)) {
    if (m[0][0] !== '`') {
      para++;
      continue;
    }
    // A fenced block also ends a paragraph, so inline code never pairs across it.
    while (f < fenced.length && (fenced[f] as Span).end <= m.index) {
      f++;
      para++;
    }
    const inFence = f < fenced.length && (fenced[f] as Span).start <= m.index;
    if (!inFence) runs.push({ start: m.index, len: m[0].length, para });
  }
  const nextSame = new Array<number>(runs.length).fill(-1);
  const lastSeen = new Map<string, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i] as (typeof runs)[number];
    const key = `${r.para}:${r.len}`;
    nextSame[i] = lastSeen.get(key) ?? -1;
    lastSeen.set(key, i);
  }
  const out: Span[] = [];
  for (let i = 0; i < runs.length; ) {
    const j = nextSame[i] as number;
    if (j === -1) {
      i++;
      continue;
    }
    const open = runs[i] as (typeof runs)[number];
    const close = runs[j] as (typeof runs)[number];
    out.push({ start: open.start, end: close.start + close.len });
    i = j + 1;
  }
  return out;
}

/** True when `pos` lies inside one of the sorted ranges (binary search). */
export function insideRanges(ranges: readonly Span[], pos: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid] as Span;
    if (pos < r.start) hi = mid - 1;
    else if (pos >= r.end) lo = mid + 1;
    else return true;
  }
  return false;
}
