// Detector: output that reveals the configured system prompt, by canary strings or by near-verbatim overlap (word shingles).
import { z } from 'zod';
import type { Finding, Span } from '../core/finding.js';
import { severityFromScore, type Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { TextAnalysis } from '../text/analysis.js';
import { defineDetector } from './contract.js';
import { findCanaries } from './leak/canaries.js';
import {
  findTokenSequence,
  indexShingles,
  overlap,
  tokenize,
  tokenSpan,
  type ShingleIndex,
  type Tokens,
} from './leak/shingles.js';

const ID = 'system-prompt-leak';
const TAGS: TaxonomyTags = { owaspLlm: ['LLM07:2025'], atlas: ['AML.T0056'], nistAi600: ['NIST-600-1:2.9'] };

/*
 * Scope. Caught: verbatim leaks, reordered sentences, bullet lists and other re-formatting (shingles ignore
 * punctuation and markup), zero-width or homoglyph obfuscation (the normalised text), and encodings the text
 * analysis decodes (base64, hex, rot13, leetspeak, spaced letters, ...). Not caught: translation into another
 * language and real paraphrase, which share no word shingles with the prompt; canaries are the defence there.
 */

/**
 * A long verbatim stretch is a leak even when the prompt is so long that containment stays small
 * (a 3,000-word prompt of which 120 words are quoted word for word): score = max(containment, run / this).
 */
const RUN_FOR_FULL_SCORE = 120;
const MIN_RUN_FOR_SCORE = 40;
/** Decoded variants are scanned up to this many characters in total (a leak is found near their start). */
const MAX_VARIANT_CHARS = 200_000;
const MAX_SPANS = 20;
const NON_ASCII = /[^\u0000-\u007f]/;
const WHITESPACE = /\s+/g;
const PROMPT_CACHE_SIZE = 16;

export const systemPromptLeakOptions = z
  .object({
    /** Containment (share of the prompt's word shingles found in the output) at or above which to report. */
    threshold: z.number().min(0).max(1).default(0.3),
    /** A system prompt fixed in configuration, checked besides the one in the scan context. */
    systemPrompt: z.string().max(1_000_000).optional(),
    /** Secret marker strings planted in the system prompt; they must never appear in output. */
    canaries: z.array(z.string().min(4).max(1000)).max(1000).optional(),
    /** Words per shingle: 5 tolerates reordered sentences and bullets yet ignores common phrases. */
    shingleSize: z.number().int().min(2).max(20).default(5),
    /** Prompts with fewer words are only checked for appearing whole (their shingles are too few to weigh). */
    minSystemPromptWords: z.number().int().min(1).max(64).default(8),
  })
  .strict();
export type SystemPromptLeakOptions = z.infer<typeof systemPromptLeakOptions>;

interface PreparedPrompt {
  tokens: Tokens;
  index?: ShingleIndex;
}

interface Leak {
  score: number;
  span?: Span;
  evidence: string;
  metadata: Record<string, unknown>;
}

/**
 * The score of an overlap is a share of the prompt, not a confidence: a third of the prompt leaked is already
 * a real leak, so overlaps get their own severity scale (canaries use the default one).
 */
function overlapSeverity(score: number): Severity {
  if (score >= 0.9) return 'critical';
  if (score >= 0.6) return 'high';
  if (score >= 0.3) return 'medium';
  return 'low';
}

function finding(
  category: 'canary' | 'prompt_overlap',
  score: number,
  evidence: string,
  span?: Span,
  metadata?: Record<string, unknown>,
): Finding {
  const s = Math.round(Math.min(1, score) * 1000) / 1000;
  return {
    detector: ID,
    category,
    score: s,
    severity: category === 'canary' ? severityFromScore(s) : overlapSeverity(s),
    ...(span ? { span } : {}),
    evidence: evidence.length > 200 ? `${evidence.slice(0, 199)}…` : evidence,
    tags: TAGS,
    ...(metadata ? { metadata } : {}),
  };
}

export const systemPromptLeakDetector = defineDetector<SystemPromptLeakOptions>({
  id: ID,
  description:
    'Finds output that reveals the system prompt: planted canary strings (also encoded or spelled out) and ' +
    'near-verbatim overlap of word shingles.',
  stages: ['output', 'tool_call'],
  tags: TAGS,
  options: systemPromptLeakOptions,
  create(o) {
    const k = o.shingleSize;
    const minWords = Math.max(o.minSystemPromptWords, k);
    const prepare = (prompt: string): PreparedPrompt => {
      const tokens = tokenize(prompt);
      return tokens.words.length >= minWords ? { tokens, index: indexShingles(tokens.words, k) } : { tokens };
    };
    const staticPrompt = o.systemPrompt?.trim() ? prepare(o.systemPrompt) : undefined;
    const cache = new Map<string, PreparedPrompt>();
    const prepared = (prompt: string): PreparedPrompt => {
      let p = cache.get(prompt);
      if (p) {
        cache.delete(prompt); // re-insert: Map order is the LRU order
      } else {
        p = prepare(prompt);
        if (cache.size >= PROMPT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(prompt, p);
      return p;
    };

    return (input, ctx) => {
      const findings: Finding[] = [];
      const canaries = [...new Set([...(o.canaries ?? []), ...(input.context?.canaries ?? [])])].filter((c) => c.length >= 4);
      for (const hit of findCanaries(canaries, input.text, ctx.analysis)) {
        if (hit.score < o.threshold) continue;
        findings.push(finding('canary', hit.score, `canary ${hit.masked} found (${hit.via})`, hit.span, { via: hit.via }));
      }

      const prompts: PreparedPrompt[] = [];
      if (staticPrompt) prompts.push(staticPrompt);
      const dynamic = input.context?.systemPrompt;
      if (dynamic?.trim() && dynamic !== o.systemPrompt) prompts.push(prepared(dynamic));
      if (prompts.length === 0 || input.text.length === 0) return findings;

      const output = tokenize(input.text);
      let best: Leak | undefined;
      for (const p of prompts) {
        const leak = p.index ? shingleLeak(p, output, ctx.analysis, input.text, k) : wholePromptLeak(p, output);
        if (leak && (!best || leak.score > best.score)) best = leak;
      }
      if (best && best.score >= o.threshold) {
        findings.push(finding('prompt_overlap', best.score, best.evidence, best.span, best.metadata));
      }
      return findings;
    };
  },
});

/** Short prompts: reported only when all of their words appear, in order, as one stretch. */
function wholePromptLeak(p: PreparedPrompt, output: Tokens): Leak | undefined {
  const at = findTokenSequence(output.words, p.tokens.words);
  if (at === -1) return undefined;
  const n = p.tokens.words.length;
  return {
    score: 1,
    span: tokenSpan(output, at, at + n - 1),
    evidence: `the whole system prompt (${n} words) appears in the output`,
    metadata: { containment: 1, promptWords: n },
  };
}

function shingleLeak(p: PreparedPrompt, output: Tokens, analysis: TextAnalysis, text: string, k: number): Leak | undefined {
  const index = p.index as ShingleIndex;
  let o = overlap(index, output.words, k);
  let via = 'text';
  let viaSpan: Span | undefined;
  // Normalised text defeats homoglyphs and zero-width splitting; a second pass only when normalising changed more
  // than case and spacing (typographic dashes and quotes alone do not).
  if (NON_ASCII.test(text) && analysis.normalized !== text.toLowerCase().replace(WHITESPACE, ' ').trim()) {
    const n = overlap(index, tokenize(analysis.normalized).words, k);
    if (n.containment > o.containment + 0.05) [o, via] = [n, 'normalized'];
  }
  let budget = MAX_VARIANT_CHARS;
  for (const v of analysis.variants) {
    if (budget <= 0) break;
    budget -= v.text.length;
    const n = overlap(index, tokenize(v.text.slice(0, MAX_VARIANT_CHARS)).words, k);
    if (n.containment > o.containment + 0.05) {
      [o, via, viaSpan] = [n, v.kind, v.span];
    }
  }
  if (o.containment === 0) return undefined;
  const absolute = o.longestRun >= MIN_RUN_FOR_SCORE ? Math.min(1, o.longestRun / RUN_FOR_FULL_SCORE) : 0;
  const score = Math.max(o.containment, absolute);
  const pct = Math.round(o.containment * 100);
  const metadata: Record<string, unknown> = {
    containment: Math.round(o.containment * 1000) / 1000,
    longestRunWords: o.longestRun,
    lcsRatio: Math.round((o.longestRun / index.tokenCount) * 1000) / 1000,
    promptWords: index.tokenCount,
    via,
  };
  let span = viaSpan;
  if (via === 'text' && o.stretches.length > 0) {
    const spans = o.stretches.slice(0, MAX_SPANS).map(([a, b]) => tokenSpan(output, a, b));
    metadata.spans = spans;
    span = spans.reduce((x, y) => (y.end - y.start > x.end - x.start ? y : x));
  }
  const where = via === 'text' ? '' : ` (${via})`;
  const evidence = `${pct}% of the system prompt's ${k}-word shingles appear in the output${where}; longest verbatim run ${o.longestRun} words`;
  return { score, ...(span ? { span } : {}), evidence, metadata };
}
