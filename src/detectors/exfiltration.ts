// Detector: markup that makes a client send data to a third party (markdown images, links, HTML, CSS) and hidden or smuggled text.
import { z } from 'zod';
import type { Finding, Span, Stage } from '../core/finding.js';
import { severityFromScore } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { InvisibleRun } from '../text/analysis.js';
import { defineDetector, type ScanInput } from './contract.js';
import { codeRanges, insideRanges } from './exfiltration/code-ranges.js';
import { conversationClues } from './exfiltration/conversation-clues.js';
import { extractUrls, type MarkupKind, type UrlCandidate } from './exfiltration/extract-urls.js';
import { findHiddenMarkup } from './exfiltration/hidden-markup.js';
import { compileAllowlist, isValidHostPattern } from './exfiltration/host-allowlist.js';
import { assessUrl, parseUrl, type ConversationClues } from './exfiltration/score-url.js';
import { decodeVariationSelectors, printableEvidence, readTagRun } from './invisible-text.js';

const ID = 'exfiltration';
const TAGS: TaxonomyTags = {
  owaspLlm: ['LLM05:2025', 'LLM02:2025'],
  atlas: ['AML.T0077', 'AML.T0057', 'AML.T0086'],
  nistAi600: ['NIST-600-1:2.9'],
};
const MAX_FINDINGS = 100;
/** Evidence is one short log line. */
const MAX_EVIDENCE = 200;
/** Zero-width or variation-selector runs this long in one place carry bits, not typography. */
const HIDDEN_RUN = 8;
const PREFILTER = /\]\(|\]:|<[a-z!/]|url\(|@import|https?:\/\/|www\./i;

export const exfiltrationOptions = z
  .object({
    threshold: z.number().min(0).max(1).default(0.5),
    /** Trusted destinations: "docs.example.com", or "*.example.com" for any subdomain (not the apex itself). */
    allowedHosts: z
      .array(z.string().refine(isValidHostPattern, { message: 'not a host name or *.host wildcard' }))
      .max(10_000)
      .default([]),
    /** Images render without a click: any image from a host not in allowedHosts is a finding on its own. */
    allowImagesFromAllowedHostsOnly: z.boolean().default(true),
    /** Also report links to other hosts that show no sign of carrying data (at the threshold). */
    flagAllLinks: z.boolean().default(false),
    /** Longer URLs are cut for analysis and count as evidence of data. */
    maxUrlLength: z.number().int().min(64).max(1_000_000).default(2048),
    /** URLs examined per text; hostile texts can hold hundreds of thousands. */
    maxUrls: z.number().int().min(1).max(100_000).default(2000),
  })
  .strict();
export type ExfiltrationOptions = z.infer<typeof exfiltrationOptions>;

type Category = 'markdown_image_exfil' | 'link_exfil' | 'html_exfil' | 'ascii_smuggling' | 'hidden_text';

const CATEGORY: Record<MarkupKind, Category> = {
  md_image: 'markdown_image_exfil',
  md_ref_image: 'markdown_image_exfil',
  md_link: 'link_exfil',
  md_ref_link: 'link_exfil',
  md_ref_unused: 'link_exfil',
  autolink: 'link_exfil',
  bare_url: 'link_exfil',
  html_auto: 'html_exfil',
  html_link: 'html_exfil',
  css_url: 'html_exfil',
};
const LABEL: Record<MarkupKind, string> = {
  md_image: 'markdown image',
  md_ref_image: 'reference-style image',
  md_link: 'markdown link',
  md_ref_link: 'reference-style link',
  md_ref_unused: 'unused link definition',
  autolink: 'autolink',
  bare_url: 'URL',
  html_auto: 'auto-loading HTML',
  html_link: 'HTML link',
  css_url: 'CSS url()',
};
const AUTO_LOAD = new Set<MarkupKind>(['md_image', 'md_ref_image', 'html_auto', 'css_url']);

function finding(category: Category, score: number, span: Span, evidence: string, metadata?: Record<string, unknown>): Finding {
  const s = Math.round(Math.min(0.99, Math.max(0, score)) * 1000) / 1000;
  const short = evidence.length > MAX_EVIDENCE ? `${evidence.slice(0, MAX_EVIDENCE - 1)}…` : evidence;
  const base: Finding = { detector: ID, category, score: s, severity: severityFromScore(s), span, evidence: short, tags: TAGS };
  return metadata ? { ...base, metadata } : base;
}

/**
 * Starting score for a URL before any evidence of data. In output, auto-loading markup fires without a click;
 * in a tool call the tool itself fetches the URL; in input and retrieved content the markup is an instruction,
 * so only the evidence of data (or a template slot for it) counts.
 */
function baseScore(kind: MarkupKind, stage: Stage, confirmed: boolean, o: ExfiltrationOptions): { base: number; cap: number } {
  const auto = AUTO_LOAD.has(kind) || stage === 'tool_call';
  // "critical" is kept for URLs that provably carry this conversation; data-looking values alone stay "high".
  const autoCap = confirmed ? 0.99 : 0.94;
  if (kind === 'md_ref_unused') return { base: 0.1, cap: 0.6 };
  if (auto && stage === 'output') return { base: o.allowImagesFromAllowedHostsOnly ? 0.5 : 0.2, cap: autoCap };
  if (auto) return { base: 0.2, cap: autoCap };
  // A link needs a click: worth a finding, rarely worth more than "medium".
  return { base: o.flagAllLinks ? 0.5 : 0.15, cap: 0.79 };
}

function urlFindings(
  input: ScanInput,
  candidates: readonly UrlCandidate[],
  code: readonly Span[],
  allowed: (host: string) => boolean,
  o: ExfiltrationOptions,
  signal: AbortSignal | undefined,
): Finding[] {
  const out: Finding[] = [];
  let clues: ConversationClues | undefined | null = null;
  const getClues = (): ConversationClues | undefined => (clues === null ? (clues = conversationClues(input.context)) : clues);
  const templates = input.stage === 'input' || input.stage === 'tool_result';
  const promptEvidence = input.stage !== 'tool_call';
  for (let i = 0; i < candidates.length; i++) {
    if ((i & 63) === 63 && signal?.aborted) break;
    const c = candidates[i] as UrlCandidate;
    if (code.length > 0 && insideRanges(code, c.span.start)) continue;
    const url = parseUrl(c.url);
    if (!url || allowed(url.hostname)) continue;
    const a = assessUrl(url, c.url, { truncated: c.truncated, templates, promptEvidence, clues: getClues });
    const { base, cap } = baseScore(c.kind, input.stage, a.confirmed, o);
    // Data in a URL that loads by itself has already left when the answer renders: it weighs more than in a link.
    const weight = AUTO_LOAD.has(c.kind) ? 1.5 : 1;
    const score = Math.min(cap, base + a.data * weight + a.destination);
    if (score < o.threshold) continue;
    const why = a.reasons.length ? a.reasons.slice(0, 3).join(', ') : 'host not in allowedHosts';
    out.push(
      finding(CATEGORY[c.kind], score, c.span, `${LABEL[c.kind]} → ${a.evidence} (${why})`, {
        markup: c.kind,
        host: a.host,
        reasons: a.reasons,
        ...(c.tag ? { tag: c.tag } : {}),
        ...(c.usage ? { usage: c.usage } : {}),
      }),
    );
  }
  return out;
}

function countCodePoints(text: string, span: Span): number {
  let n = 0;
  for (let i = span.start; i < span.end; n++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return n;
}

/** Tag-character smuggling, and invisible runs long enough to carry data, written into the scanned text. */
function invisibleFindings(text: string, runs: readonly InvisibleRun[]): Finding[] {
  const out: Finding[] = [];
  for (const run of runs) {
    if (out.length >= MAX_FINDINGS) break;
    if (run.span.end <= run.span.start || run.span.end > text.length) continue;
    if (run.kind === 'unicode_tag') {
      const { decoded, emojiFlag } = readTagRun(text, run);
      if (emojiFlag) continue;
      const score = decoded.length >= 4 ? 0.9 : 0.7;
      const evidence = decoded ? `tag characters spell "${printableEvidence(decoded)}"` : 'Unicode tag characters';
      out.push(finding('ascii_smuggling', score, run.span, evidence, { decodedLength: decoded.length }));
    } else if (run.kind === 'zero_width' || run.kind === 'variation_selector') {
      const n = countCodePoints(text, run.span);
      if (n < HIDDEN_RUN) continue;
      const what = run.kind === 'zero_width' ? 'zero-width characters' : 'variation selectors';
      let evidence = `${n} ${what} in a row`;
      if (run.kind === 'variation_selector') {
        const decoded = decodeVariationSelectors(text, run.span);
        if (/^[\p{L}\p{N}\p{P}\p{Zs}]{3,}$/u.test(decoded)) evidence += ` decoding to "${printableEvidence(decoded)}"`;
      }
      out.push(finding('hidden_text', Math.min(0.85, 0.6 + n / 200), run.span, evidence, { characters: n }));
    } else if (run.kind === 'bidi_control') {
      const chars = text.slice(run.span.start, run.span.end);
      if (/[\u202d\u202e]/.test(chars)) out.push(finding('hidden_text', 0.5, run.span, 'bidi override reorders the text'));
    }
  }
  return out;
}

export const exfiltrationDetector = defineDetector<ExfiltrationOptions>({
  id: ID,
  description:
    'Finds markup that would send data to a third party when rendered or followed (markdown images, links, HTML, ' +
    'CSS, data in URLs) and smuggled or hidden text.',
  stages: ['output', 'tool_call', 'tool_result', 'input'],
  tags: TAGS,
  options: exfiltrationOptions,
  create(o) {
    const allowed = compileAllowlist(o.allowedHosts);
    return (input, ctx) => {
      const text = input.text;
      const runs = ctx.analysis.invisible;
      const markup = PREFILTER.test(text);
      if (!markup && runs.length === 0) return [];
      const findings: Finding[] = [];
      if (markup) {
        // Markdown inside code is displayed, not rendered; elsewhere (instructions, tool calls) it still matters.
        const code = input.stage === 'output' ? codeRanges(text) : [];
        const limits = { maxUrlLength: o.maxUrlLength, maxCandidates: o.maxUrls, signal: ctx.signal };
        const { candidates, complete } = extractUrls(text, limits);
        const urls = urlFindings(input, candidates, code, allowed, o, ctx.signal);
        if (!complete && urls[0]) urls[0].metadata = { ...urls[0].metadata, truncatedScan: true };
        findings.push(...urls);
        for (const h of findHiddenMarkup(text, code)) {
          if (h.score >= o.threshold) findings.push(finding('hidden_text', h.score, h.span, h.evidence, { trick: h.trick }));
        }
      }
      for (const f of invisibleFindings(text, runs)) if (f.score >= o.threshold) findings.push(f);
      findings.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
      return findings.length > MAX_FINDINGS ? findings.slice(0, MAX_FINDINGS) : findings;
    };
  },
});
