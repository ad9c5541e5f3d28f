// Keywords detector: configured deny lists matched with one Aho-Corasick automaton over the original, normalised and decoded text.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { TextAnalysis } from '../text/analysis.js';
import { defineDetector, type DetectFn } from './contract.js';
import { AhoCorasick } from './keywords/aho-corasick.js';
import { foldTerm, foldText, type FoldedText } from './keywords/fold.js';
import { firstDuplicate, severityField, taxonomyTagsField, unitField } from './keywords/option-fields.js';
import { edgeNeeds, isWholeWord } from './keywords/word-boundary.js';

const MAX_TERMS = 200_000;
const MAX_TERM_LENGTH = 1_000;
const EVIDENCE_MAX = 100;
const NON_ASCII = /[^\x00-\x7f]/;

const listSchema = z
  .object({
    name: z.string().min(1).max(100),
    terms: z.array(z.string().max(MAX_TERM_LENGTH)).max(MAX_TERMS),
    matchOn: z.enum(['normalized', 'original']).default('normalized'),
    wholeWord: z.boolean().default(true),
    caseSensitive: z.boolean().default(false),
    severity: severityField.default('medium'),
    score: unitField.default(1),
    tags: taxonomyTagsField.default({}),
  })
  .strict()
  .superRefine((list, ctx) => {
    if (list.caseSensitive && list.matchOn === 'normalized') {
      ctx.addIssue({
        code: 'custom',
        path: ['caseSensitive'],
        message: `list "${list.name}": caseSensitive needs matchOn: 'original' (the normalised text is lower-cased)`,
      });
    }
    list.terms.forEach((t, i) => {
      if (foldTerm(t).length === 0) {
        ctx.addIssue({ code: 'custom', path: ['terms', i], message: `list "${list.name}": term ${i} is empty after normalisation` });
      }
    });
  });

export const keywordsOptions = z
  .object({
    lists: z.array(listSchema).min(1).max(1_000),
    threshold: unitField.default(0.5),
    /** Cap on findings per scan, so a text repeating a term cannot flood the event. */
    maxFindings: z.number().int().min(1).max(10_000).default(100),
  })
  .strict()
  .superRefine((o, ctx) => {
    const dup = firstDuplicate(o.lists.map((l) => l.name));
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['lists'], message: `duplicate list name "${dup}"` });
    const total = o.lists.reduce((n, l) => n + l.terms.length, 0);
    if (total > MAX_TERMS) ctx.addIssue({ code: 'custom', path: ['lists'], message: `${total} terms in total, at most ${MAX_TERMS}` });
  });

export type KeywordsOptions = z.infer<typeof keywordsOptions>;

interface Entry {
  list: number;
  /** Index of this (list, term) pair, for de-duplication across passes. */
  id: number;
  /** The term as configured (trimmed): the evidence, and the literal for matchOn 'original'. */
  term: string;
  needs: { left: boolean; right: boolean };
}

interface ListInfo {
  name: string;
  wholeWord: boolean;
  original: boolean;
  caseSensitive: boolean;
  severity: Severity;
  score: number;
  tags: TaxonomyTags;
}

interface Compiled {
  ac: AhoCorasick;
  entries: Entry[][];
  lists: ListInfo[];
  anyNormalized: boolean;
}

function compile(options: KeywordsOptions): Compiled | undefined {
  const keyIndex = new Map<string, number>();
  const keys: string[] = [];
  const entries: Entry[][] = [];
  const lists: ListInfo[] = [];
  let id = 0;
  options.lists.forEach((l, li) => {
    lists.push({
      name: l.name,
      wholeWord: l.wholeWord,
      original: l.matchOn === 'original',
      caseSensitive: l.caseSensitive,
      severity: l.severity,
      score: l.score,
      tags: l.tags,
    });
    if (l.score < options.threshold) return;
    for (const raw of l.terms) {
      const key = foldTerm(raw);
      if (key.length === 0) continue;
      let k = keyIndex.get(key);
      if (k === undefined) {
        k = keys.length;
        keyIndex.set(key, k);
        keys.push(key);
        entries.push([]);
      }
      entries[k]!.push({ list: li, id: id++, term: raw.trim(), needs: l.wholeWord ? edgeNeeds(key) : { left: false, right: false } });
    }
  });
  if (keys.length === 0) return undefined;
  return { ac: new AhoCorasick(keys), entries, lists, anyNormalized: lists.some((l) => !l.original) };
}

function verifyOriginal(slice: string, e: Entry, list: ListInfo): boolean {
  return list.caseSensitive ? slice === e.term : slice.toLowerCase() === e.term.toLowerCase();
}

function evidenceOf(term: string): string {
  return term.length > EVIDENCE_MAX ? `${term.slice(0, EVIDENCE_MAX - 1)}…` : term;
}

function makeDetect(c: Compiled, maxFindings: number): DetectFn {
  const finding = (e: Entry, matchedIn: string, span?: { start: number; end: number }): Finding => {
    const l = c.lists[e.list]!;
    const f: Finding = {
      detector: 'keywords',
      category: l.name,
      score: l.score,
      severity: l.severity,
      evidence: evidenceOf(e.term),
      tags: l.tags,
      metadata: { matchedIn },
    };
    if (span) f.span = span;
    return f;
  };

  return (input, ctx) => {
    const text = typeof input.text === 'string' ? input.text : '';
    const out: Finding[] = [];
    const found = new Set<number>();

    // Pass 1: the original text, folded per code point, so every hit maps back to a span.
    const folded = foldText(text);
    c.ac.scan(folded.units, folded.length, (k, endU) => {
      const startU = endU - c.ac.keyLengths[k]!;
      for (const e of c.entries[k]!) {
        if (!isWholeWord(folded.units, folded.length, startU, endU, e.needs)) continue;
        const span = { start: folded.start[startU]!, end: folded.end[endU - 1]! };
        const l = c.lists[e.list]!;
        if (l.original && !verifyOriginal(text.slice(span.start, span.end), e, l)) continue;
        found.add(e.id);
        out.push(finding(e, 'original', span));
        if (out.length >= maxFindings) return true;
      }
      return false;
    });
    if (out.length >= maxFindings || !c.anyNormalized) return out;

    // Pass 2: readings the per-code-point fold cannot see (context-dependent normalisation,
    // confusables, decoded base64 / leetspeak / spaced-out letters). One finding per new term.
    const readings = otherReadings(ctx.analysis, text);
    for (const r of readings) {
      const f: FoldedText = foldText(r.text);
      let full = false;
      c.ac.scan(f.units, f.length, (k, endU) => {
        const startU = endU - c.ac.keyLengths[k]!;
        for (const e of c.entries[k]!) {
          if (found.has(e.id) || c.lists[e.list]!.original) continue;
          if (!isWholeWord(f.units, f.length, startU, endU, e.needs)) continue;
          found.add(e.id);
          out.push(finding(e, r.kind, r.span));
          if (out.length >= maxFindings) return (full = true);
        }
        return false;
      });
      if (full) break;
    }
    return out;
  };
}

interface Reading {
  kind: string;
  text: string;
  span?: { start: number; end: number };
}

function otherReadings(analysis: TextAnalysis | undefined, original: string): Reading[] {
  if (!analysis) return [];
  const readings: Reading[] = [];
  // For pure-ASCII input the shared normalisation equals our own fold, so skip the second scan.
  if (typeof analysis.normalized === 'string' && NON_ASCII.test(original)) {
    readings.push({ kind: 'normalized', text: analysis.normalized });
  }
  for (const v of analysis.variants ?? []) {
    if (typeof v.text !== 'string' || v.text.length === 0) continue;
    const span =
      v.span && v.span.start >= 0 && v.span.end <= original.length && v.span.start <= v.span.end ? v.span : undefined;
    readings.push(span ? { kind: v.kind, text: v.text, span } : { kind: v.kind, text: v.text });
  }
  return readings;
}

export const keywordsDetector = defineDetector<KeywordsOptions>({
  id: 'keywords',
  description: 'Configured deny lists of words and phrases, matched in the original, normalised and decoded text.',
  stages: ['input', 'output', 'tool_call', 'tool_result'],
  tags: {},
  options: keywordsOptions,
  requiresOptions: true,
  create(options) {
    const compiled = compile(options);
    if (!compiled) return () => [];
    return makeDetect(compiled, options.maxFindings);
  },
});
