// Finds the first markdown image `![alt](http(s)://url)` in a text in linear time. A regex with a bounded URL class
// would rescan up to its bound from every `![`, which text full of unclosed images turns into seconds.

export interface MarkdownImage {
  alt: string;
  url: string;
}

const MAX_ALT = 200;

/**
 * Anchored on each `](`: the alt text is found walking back to the nearest `![` (at most MAX_ALT characters, no `]`
 * or newline in between, so the walks never overlap), the URL walking forward to whitespace or `)`.
 */
export function findMarkdownImage(text: string): MarkdownImage | undefined {
  let from = 0;
  for (;;) {
    const rb = text.indexOf('](', from);
    if (rb < 0) return undefined;
    from = rb + 2;
    const altStart = altStartBefore(text, rb);
    if (altStart < 0) continue;
    let i = rb + 2;
    while (isSpace(text.charCodeAt(i))) i++;
    const scheme = httpSchemeLength(text, i);
    if (scheme === 0) continue;
    let j = i + scheme;
    while (j < text.length && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== 0x29 /* ) */) j++;
    let k = j;
    while (isSpace(text.charCodeAt(k))) k++;
    if (text.charCodeAt(k) === 0x29 && j > i + scheme) return { alt: text.slice(altStart, rb), url: text.slice(i, j) };
    // Any `](` inside the URL just scanned would end its URL at the same place, and fail the same way.
    from = Math.max(from, j);
  }
}

/** Index just after the `![` that opens the alt text ending at `rb`, or -1. */
function altStartBefore(text: string, rb: number): number {
  const stop = Math.max(1, rb - MAX_ALT - 1);
  for (let p = rb - 1; p >= stop; p--) {
    const c = text.charCodeAt(p);
    if (c === 0x5b /* [ */ && text.charCodeAt(p - 1) === 0x21 /* ! */) return p + 1;
    if (c === 0x5d /* ] */ || c === 0x0a) return -1;
  }
  return -1;
}

/** 8 for https://, 7 for http:// (any case) at `at`, else 0. */
function httpSchemeLength(text: string, at: number): number {
  const head = text.slice(at, at + 8).toLowerCase();
  return head.startsWith('https://') ? 8 : head.startsWith('http://') ? 7 : 0;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}
