// Finds remote URLs in markup a client would fetch or link: markdown images and links (inline and reference), HTML, CSS, autolinks, bare URLs.
import type { Span } from '../../core/finding.js';
import { insideRanges } from './code-ranges.js';
import { decodeHtmlEntities, htmlTagEnd } from './html.js';

export type MarkupKind =
  | 'md_image'
  | 'md_link'
  | 'md_ref_image'
  | 'md_ref_link'
  | 'md_ref_unused'
  | 'html_auto'
  | 'html_link'
  | 'css_url'
  | 'autolink'
  | 'bare_url';

export interface UrlCandidate {
  kind: MarkupKind;
  /** The URL as written (entities decoded for HTML), at most `maxUrlLength` characters. */
  url: string;
  /** The URL was longer than `maxUrlLength` and was cut. */
  truncated: boolean;
  /** The markup in the original text: the whole `![..](..)`, tag, definition, `url(..)` or bare URL. */
  span: Span;
  /** HTML tag name, for HTML candidates. */
  tag?: string;
  /** For reference-style markdown: where the image or link that uses the definition sits. */
  usage?: Span;
}

export interface ExtractLimits {
  maxUrlLength: number;
  maxCandidates: number;
  signal?: AbortSignal;
}

/** Longest link label we walk back over: CommonMark allows 999 characters. */
const MAX_LABEL = 1000;
const ABSOLUTE_AT = /(?:https?:)?\/\//iy;
const REF_DEF = /^ {0,3}\[([^[\]\n]{1,999})\]:[ \t]*(?:\n[ \t]*)?(<[^<>\n]*>|[^\s<>]+)/gm;
const REF_USE = /(!?)\[([^[\]\n]{0,999})\](?:\[([^[\]\n]{0,999})\])?/g;
const TAG_START =
  /<(img|image|iframe|frame|script|link|object|embed|video|audio|source|track|input|a|area|form|button|meta|body|table|td|th|svg|use|style|base|applet|portal|picture|feimage)(?=[\s/>])/gi;
const ATTR = /(?<![^\s"'/])([a-z][a-z0-9:_-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/gi;
const CSS_URL = /url\(\s*(["']?)\s*((?:https?:)?\/\/[^\s"'()<>]+)|@import\s+(["'])((?:https?:)?\/\/[^\s"'<>]+)/gi;
const AUTOLINK = /<(https?:\/\/[^\s<>]*)>/gi;
const BARE_URL = /\bhttps?:\/\/[^\s<>"'`]+|(?<![\w@./-])www\.[^\s<>"'`]+/gi;
const TRAILING_PUNCT = '?!.,:;*_~';
const CSS_IN_STYLE = /url\(\s*["']?\s*([^\s"'()<>]+)/gi;
const META_REFRESH_URL = /url\s*=\s*["']?([^"';\s]+)/i;

const AUTO_TAGS = new Set([
  'img', 'image', 'iframe', 'frame', 'script', 'link', 'object', 'embed', 'video', 'audio', 'source', 'track',
  'input', 'body', 'table', 'td', 'th', 'svg', 'use', 'style', 'base', 'applet', 'portal', 'picture', 'feimage', 'meta',
]);
/** Attributes that carry a URL; `ping`, `action` and `formaction` are sent on a click or submit. */
const URL_ATTRS = new Set([
  'src', 'href', 'xlink:href', 'data', 'poster', 'action', 'formaction', 'background', 'lowsrc', 'dynsrc', 'ping',
  'codebase', 'archive', 'srcset', 'content', 'style',
]);
const CLICK_ATTRS = new Set(['action', 'formaction', 'ping']);

class Collector {
  readonly out: UrlCandidate[] = [];
  readonly covered: Span[] = [];
  full = false;
  constructor(private readonly limits: ExtractLimits) {}

  add(kind: MarkupKind, rawUrl: string, span: Span, extra: Partial<UrlCandidate> = {}): void {
    if (this.full) return;
    const url = rawUrl.trim();
    ABSOLUTE_AT.lastIndex = 0;
    if (!ABSOLUTE_AT.test(url) && !/^www\./i.test(url)) return;
    const truncated = url.length > this.limits.maxUrlLength;
    this.out.push({ kind, url: truncated ? url.slice(0, this.limits.maxUrlLength) : url, truncated, span, ...extra });
    if (this.out.length >= this.limits.maxCandidates || this.limits.signal?.aborted) this.full = true;
  }
}

/** All URL candidates in `text`, in no particular order; bare URLs inside other markup are not repeated. */
export function extractUrls(text: string, limits: ExtractLimits): { candidates: UrlCandidate[]; complete: boolean } {
  const c = new Collector(limits);
  if (text.includes('](')) markdownInline(text, c);
  if (text.includes(']:')) markdownReferences(text, c);
  if (text.includes('<')) {
    htmlTags(text, c);
    autolinks(text, c, mergeSpans(c.covered));
  }
  if (/url\(|@import/i.test(text)) cssUrls(text, c, mergeSpans(c.covered));
  bareUrls(text, c, mergeSpans(c.covered));
  return { candidates: c.out, complete: !c.full };
}

function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Parses an inline link destination `(url "title")` starting after `](`; only absolute http(s) URLs matter. */
function inlineDestination(text: string, pos: number): { url: string; urlEnd: number; end: number; closed: boolean } | undefined {
  let i = pos;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '\n') i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const angle = text[i] === '<';
  const urlStart = angle ? i + 1 : i;
  ABSOLUTE_AT.lastIndex = urlStart;
  if (!ABSOLUTE_AT.test(text)) return undefined;
  let j = urlStart;
  if (angle) {
    while (j < text.length && text[j] !== '>' && text[j] !== '\n' && text[j] !== '<') j++;
  } else {
    let depth = 0;
    for (; j < text.length; j++) {
      const ch = text.charCodeAt(j);
      if (ch <= 32) break;
      if (ch === 40) depth++;
      else if (ch === 41) {
        if (depth === 0) break;
        depth--;
      }
    }
  }
  const url = text.slice(urlStart, j);
  let k = angle && text[j] === '>' ? j + 1 : j;
  while (k < text.length && /\s/.test(text[k] as string)) k++;
  const q = text[k];
  if (q === '"' || q === "'" || q === '(') {
    const closeQuote = q === '(' ? ')' : q;
    const limit = Math.min(text.length, k + MAX_LABEL);
    let t = k + 1;
    while (t < limit && text[t] !== closeQuote) t++;
    if (t < limit) k = t + 1;
    while (k < text.length && /\s/.test(text[k] as string)) k++;
  }
  const closed = text[k] === ')';
  return { url, urlEnd: j, end: closed ? k + 1 : j, closed };
}

/** Walks back from a `]` to its `[`, never below `floor`, so the total walk over a text stays linear. */
function labelOpener(text: string, close: number, floor: number): number {
  let depth = 0;
  for (let k = close - 1; k >= floor; k--) {
    const ch = text.charCodeAt(k);
    if (ch === 93) depth++;
    else if (ch === 91) {
      if (depth === 0) return k;
      depth--;
    }
  }
  return -1;
}

function markdownInline(text: string, c: Collector): void {
  let from = 0;
  let floor = 0;
  while (!c.full) {
    const i = text.indexOf('](', from);
    if (i === -1) return;
    const dest = inlineDestination(text, i + 2);
    if (!dest) {
      from = i + 2;
      continue;
    }
    const opener = dest.closed ? labelOpener(text, i, Math.max(floor, i - MAX_LABEL)) : -1;
    if (opener >= 0) {
      const image = opener > 0 && text[opener - 1] === '!';
      const span = { start: image ? opener - 1 : opener, end: dest.end };
      c.add(image ? 'md_image' : 'md_link', dest.url, span);
      c.covered.push(span);
    }
    // Without an opener or a closing parenthesis it is no link; the bare-URL pass still sees the URL.
    floor = Math.max(dest.end, i + 2);
    from = floor;
  }
}

const normLabel = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function markdownReferences(text: string, c: Collector): void {
  const defs = new Map<string, { url: string; span: Span; image?: Span; link?: Span }>();
  REF_DEF.lastIndex = 0;
  for (let m = REF_DEF.exec(text); m; m = REF_DEF.exec(text)) {
    const label = normLabel(m[1] as string);
    const url = (m[2] as string).replace(/^<|>$/g, '');
    ABSOLUTE_AT.lastIndex = 0;
    if (!defs.has(label) && ABSOLUTE_AT.test(url)) defs.set(label, { url, span: { start: m.index, end: m.index + m[0].length } });
  }
  if (defs.size === 0) return;
  REF_USE.lastIndex = 0;
  for (let m = REF_USE.exec(text); m; m = REF_USE.exec(text)) {
    const after = text[m.index + m[0].length];
    if (m[3] === undefined && (after === ':' || after === '(')) continue; // a definition or an inline link
    const label = normLabel(m[3] ? m[3] : (m[2] as string));
    const def = defs.get(label);
    if (!def) continue;
    const use = { start: m.index, end: m.index + m[0].length };
    if (m[1]) def.image ??= use;
    else def.link ??= use;
  }
  for (const def of defs.values()) {
    const kind = def.image ? 'md_ref_image' : def.link ? 'md_ref_link' : 'md_ref_unused';
    const usage = def.image ?? def.link;
    c.add(kind, def.url, def.span, usage ? { usage } : {});
    c.covered.push(def.span);
    if (usage) c.covered.push(usage);
  }
}

function htmlTags(text: string, c: Collector): void {
  TAG_START.lastIndex = 0;
  for (let m = TAG_START.exec(text); m && !c.full; m = TAG_START.exec(text)) {
    const tag = (m[1] as string).toLowerCase();
    const end = htmlTagEnd(text, m.index + m[0].length);
    const span = { start: m.index, end };
    const attrs = text.slice(m.index + m[0].length, end);
    c.covered.push(span);
    TAG_START.lastIndex = end;
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(attrs); a; a = ATTR.exec(attrs)) {
      const name = (a[1] as string).toLowerCase();
      const raw = a[2] ?? a[3] ?? a[4];
      if (raw === undefined || !URL_ATTRS.has(name)) continue;
      const value = decodeHtmlEntities(raw);
      const auto = AUTO_TAGS.has(tag) && !CLICK_ATTRS.has(name);
      const kind = auto ? 'html_auto' : 'html_link';
      if (name === 'srcset') {
        for (const part of value.split(',')) c.add(kind, part.trim().split(/\s+/)[0] ?? '', span, { tag });
      } else if (name === 'content') {
        if (tag === 'meta') c.add('html_auto', META_REFRESH_URL.exec(value)?.[1] ?? '', span, { tag });
      } else if (name === 'style') {
        CSS_IN_STYLE.lastIndex = 0;
        for (let u = CSS_IN_STYLE.exec(value); u; u = CSS_IN_STYLE.exec(value)) c.add('html_auto', u[1] as string, span, { tag });
      } else c.add(kind, value, span, { tag });
    }
  }
}

function autolinks(text: string, c: Collector, covered: readonly Span[]): void {
  AUTOLINK.lastIndex = 0;
  for (let m = AUTOLINK.exec(text); m && !c.full; m = AUTOLINK.exec(text)) {
    if (insideRanges(covered, m.index)) continue;
    const span = { start: m.index, end: m.index + m[0].length };
    c.add('autolink', m[1] as string, span);
    c.covered.push(span);
  }
}

function cssUrls(text: string, c: Collector, covered: readonly Span[]): void {
  CSS_URL.lastIndex = 0;
  for (let m = CSS_URL.exec(text); m && !c.full; m = CSS_URL.exec(text)) {
    if (insideRanges(covered, m.index)) continue;
    let end = m.index + m[0].length;
    if (m[2] !== undefined) {
      const close = text.indexOf(')', end);
      if (close !== -1 && close - end < 8) end = close + 1;
    }
    const span = { start: m.index, end };
    c.add('css_url', (m[2] ?? m[4]) as string, span, { tag: 'style' });
    c.covered.push(span);
  }
}

/** GFM "autolink literals": trailing punctuation and unbalanced closing parentheses are not part of the URL. */
function trimBareUrl(url: string): string {
  let balance = 0;
  for (let i = 0; i < url.length; i++) {
    const ch = url.charCodeAt(i);
    if (ch === 40) balance++;
    else if (ch === 41) balance--;
  }
  let end = url.length;
  for (;;) {
    const ch = url[end - 1] as string;
    if (TRAILING_PUNCT.includes(ch)) end--;
    else if (ch === ')' && balance < 0) {
      end--;
      balance++;
    } else break;
  }
  return url.slice(0, end);
}

function bareUrls(text: string, c: Collector, covered: readonly Span[]): void {
  BARE_URL.lastIndex = 0;
  for (let m = BARE_URL.exec(text); m && !c.full; m = BARE_URL.exec(text)) {
    if (insideRanges(covered, m.index)) continue;
    const url = trimBareUrl(m[0]);
    c.add('bare_url', url.startsWith('www.') || url.startsWith('WWW.') ? `https://${url}` : url, {
      start: m.index,
      end: m.index + url.length,
    });
  }
}
