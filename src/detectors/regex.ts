// Regex detector: configured patterns, vetted for ReDoS when options are parsed, scanned with bounded work.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import { defineDetector } from './contract.js';
import { firstDuplicate, severityField, taxonomyTagsField, unitField } from './keywords/option-fields.js';
import { parseRegex } from './regex/parse.js';
import { analyseRegex } from './regex/safety.js';

/**
 * Work allowed per pattern and scan for patterns the checker marks as possibly slow, in "run units"
 * (Σ run² for quadratic patterns, Σ run otherwise, times the branching weight). V8 needs 2-9 ns per unit
 * in the worst cases we measured (`\w+x` over 10k "a" = 5·10⁷ units in ~180 ms with the u flag; lazy
 * loops cost more), so this caps a hostile input at ~10-30 ms per pattern. Ordinary text, whose runs
 * are short, is not cut by it.
 */
const WORK_BUDGET = 3e6;
const EVIDENCE_MAX = 64;
const USER_FLAGS = /^[gimsuvd]*$/;

interface Vetted {
  re: RegExp;
  /** Scan-time work bound, set when the pattern may be slow on long runs of characters. */
  cost?: { runs: RegExp; quadratic: boolean; weight: number };
}

/** Below this branching weight a linear pattern needs no work bound. */
const LINEAR_WEIGHT_LIMIT = 64;

function finalFlags(flags: string): string {
  const keep = [...new Set(flags)].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  return `${keep}g${flags.includes('v') ? 'v' : 'u'}`;
}

/** Compiles and vets one pattern; returns the problems that make it unsafe, or the compiled form. */
function vet(pattern: string, flags: string): { problems: string[] } | Vetted {
  const final = finalFlags(flags);
  let re: RegExp;
  try {
    re = new RegExp(pattern, final);
  } catch (e) {
    return { problems: [`does not compile with flags "${final}": ${e instanceof Error ? e.message : String(e)}`] };
  }
  const { tree, backrefs } = parseRegex(pattern, {
    ignoreCase: final.includes('i'),
    multiline: final.includes('m'),
    dotAll: final.includes('s'),
    unicodeSets: final.includes('v'),
  });
  const report = analyseRegex(tree, backrefs);
  if (report.problems.length > 0) return { problems: report.problems.map((p) => `ReDoS risk: ${p}`) };
  if (!report.quadratic && report.weight <= LINEAR_WEIGHT_LIMIT) return { re };
  const runs = new RegExp(`[${report.runSet.classSource()}]+`, 'gu');
  return { re, cost: { runs, quadratic: report.quadratic, weight: report.weight } };
}

const patternSchema = z
  .object({
    name: z.string().min(1).max(100),
    pattern: z.string().min(1).max(2_000),
    flags: z
      .string()
      .max(8)
      .regex(USER_FLAGS, 'flags may only contain i, m, s, u, v, g, d (g and u are always applied)')
      .default(''),
    severity: severityField.default('medium'),
    score: unitField.default(1),
    tags: taxonomyTagsField.default({}),
    /** Mask the matched text in evidence (for patterns that match secrets or personal data). */
    redact: z.boolean().default(false),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!USER_FLAGS.test(p.flags)) return;
    const v = vet(p.pattern, p.flags);
    if ('problems' in v) {
      for (const problem of v.problems) ctx.addIssue({ code: 'custom', path: ['pattern'], message: `pattern "${p.name}" ${problem}` });
    }
  });

export const regexOptions = z
  .object({
    patterns: z.array(patternSchema).min(1).max(500),
    threshold: unitField.default(0.5),
    /** Characters of the text scanned per pattern; the rest is skipped and reported as truncated. */
    maxScanLength: z.number().int().min(1).max(10_000_000).default(100_000),
    maxMatchesPerPattern: z.number().int().min(1).max(10_000).default(100),
  })
  .strict()
  .superRefine((o, ctx) => {
    const dup = firstDuplicate(o.patterns.map((p) => p.name));
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['patterns'], message: `duplicate pattern name "${dup}"` });
  });

export type RegexOptions = z.infer<typeof regexOptions>;

/**
 * Where to stop so that the work estimate stays within budget (never splits a surrogate pair): each run
 * of characters the pattern can consume costs run² (quadratic patterns) or run, times the weight.
 */
function budgetCut(text: string, c: NonNullable<Vetted['cost']>): number {
  const { runs, quadratic, weight } = c;
  const costOf = (len: number) => (quadratic ? len * len : len) * weight;
  runs.lastIndex = 0;
  let cost = 0;
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    const len = m[0].length;
    if (cost + costOf(len) > WORK_BUDGET) {
      const left = (WORK_BUDGET - cost) / weight;
      runs.lastIndex = 0;
      return safeCut(text, m.index + Math.floor(quadratic ? Math.sqrt(left) : left));
    }
    cost += costOf(len);
  }
  runs.lastIndex = 0;
  return text.length;
}

function safeCut(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const c = text.charCodeAt(at - 1);
  return at > 0 && c >= 0xd800 && c <= 0xdbff ? at - 1 : at;
}

function evidence(match: string, redact: boolean): string {
  if (redact) return `[redacted ${match.length} chars]`;
  return match.length > EVIDENCE_MAX ? `${match.slice(0, EVIDENCE_MAX - 1)}…` : match;
}

export const regexDetector = defineDetector<RegexOptions>({
  id: 'regex',
  description: 'Configured regular expressions, checked for ReDoS shapes when loaded and scanned with bounded work.',
  stages: ['input', 'output', 'tool_call', 'tool_result'],
  tags: {},
  options: regexOptions,
  requiresOptions: true,
  create(options) {
    const compiled = options.patterns
      .filter((p) => p.score >= options.threshold)
      .map((p) => {
        const v = vet(p.pattern, p.flags);
        if ('problems' in v) throw new TypeError(`regex detector: pattern "${p.name}" was not validated: ${v.problems.join('; ')}`);
        return { p, ...v };
      });

    return (input) => {
      const text = typeof input.text === 'string' ? input.text : '';
      const out: Finding[] = [];
      for (const { p, re, cost } of compiled) {
        let scanned = text.length > options.maxScanLength ? text.slice(0, safeCut(text, options.maxScanLength)) : text;
        let reason: string | undefined = scanned.length < text.length ? 'maxScanLength' : undefined;
        if (cost) {
          const cut = budgetCut(scanned, cost);
          if (cut < scanned.length) {
            scanned = scanned.slice(0, cut);
            reason = 'backtracking budget';
          }
        }
        const meta: Record<string, unknown> = reason ? { truncated: true, scannedChars: scanned.length, reason } : {};
        if (p.redact) meta.redact = true;

        re.lastIndex = 0;
        let count = 0;
        for (let m = re.exec(scanned); m; m = re.exec(scanned)) {
          const start = m.index;
          const end = start + m[0].length;
          if (end === start) {
            // Zero-length match: step over one code point ourselves, or exec would return it forever.
            const c = scanned.charCodeAt(end);
            re.lastIndex = end + (c >= 0xd800 && c <= 0xdbff && end + 1 < scanned.length ? 2 : 1);
            if (re.lastIndex > scanned.length) break;
            continue;
          }
          out.push({
            detector: 'regex',
            category: p.name,
            score: p.score,
            severity: p.severity,
            span: { start, end },
            evidence: evidence(m[0], p.redact),
            tags: p.tags,
            metadata: { ...meta },
          });
          if (++count >= options.maxMatchesPerPattern) break;
        }
        re.lastIndex = 0;
      }
      return out;
    };
  },
});
