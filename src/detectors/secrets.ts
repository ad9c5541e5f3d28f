// Secrets detector: provider API keys and tokens, private keys, JWTs, credentials in URLs and high-entropy assignments.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import { defineDetector } from './contract.js';
import type { Candidate, RuleInfo, ScanEnv } from './secrets/rule.js';
import { ALWAYS_RUN, RULE_BY_ID, RULE_GROUPS, RULES, SCANNERS, prefilter } from './secrets/rules.js';

/** Every rule (finding category) with its provider, group, severity and description, for docs and tooling. */
export const SECRETS_RULES: readonly RuleInfo[] = RULES;

const TAGS: TaxonomyTags = { owaspLlm: ['LLM02:2025'], atlas: ['AML.T0057'], nistAi600: ['NIST-600-1:2.9'] };

/** Rule ids, group names ("cloud", "generic", ...) or "all". */
const RULE_SELECTORS: ReadonlySet<string> = new Set(['all', ...RULE_GROUPS, ...RULES.map((r) => r.id)]);
const ruleSelector = z.string().refine((s) => RULE_SELECTORS.has(s), { message: 'unknown secrets rule id or group' });

/** `/source/flags` is a regular expression; anything else is an exact value. */
const REGEX_ENTRY = /^\/(.+)\/([dgimsuvy]*)$/s;

function compilesAsRegex(entry: string): boolean {
  const m = REGEX_ENTRY.exec(entry);
  if (!m) return true;
  try {
    new RegExp(m[1]!, m[2]!.replace(/[gy]/g, ''));
    return true;
  } catch {
    return false;
  }
}

export const secretsOptions = z
  .object({
    /** Findings need at least this score. */
    threshold: z.number().min(0).max(1).default(0.5),
    /** Rule ids or groups to run; "all" by default. */
    rules: z.array(ruleSelector).default(['all']),
    /** Rule ids or groups to skip, applied after `rules`. */
    exclude: z.array(ruleSelector).default([]),
    /** Minimum Shannon entropy (bits per character) of a value assigned to a token / secret / API-key name. */
    entropyThreshold: z.number().min(0).max(8).default(3),
    /** Values never to report: exact strings, or `/regex/flags` tested against the secret. */
    allowlist: z
      .array(z.string().min(1).max(1000).refine(compilesAsRegex, { message: 'invalid regular expression' }))
      .default([]),
    /** Skip documentation example values and placeholders (AKIAIOSFODNN7EXAMPLE, "your-api-key-here", ${VAR}). */
    ignoreExamples: z.boolean().default(true),
  })
  .strict();

export type SecretsOptions = z.infer<typeof secretsOptions>;

function selectRules(opts: SecretsOptions): Set<string> {
  const pick = (selectors: readonly string[]): Set<string> =>
    new Set(RULES.filter((r) => selectors.includes('all') || selectors.includes(r.id) || selectors.includes(r.group)).map((r) => r.id));
  const enabled = pick(opts.rules);
  for (const id of pick(opts.exclude)) enabled.delete(id);
  return enabled;
}

function compileAllowlist(entries: readonly string[]): (secret: string) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const e of entries) {
    const m = REGEX_ENTRY.exec(e);
    if (m) patterns.push(new RegExp(m[1]!, m[2]!.replace(/[gy]/g, '')));
    else exact.add(e);
  }
  return (secret) => exact.has(secret) || patterns.some((p) => p.test(secret));
}

/** First characters (at most 4, fewer for short values) and the length: enough to recognise, never to use. */
export function maskSecret(secret: string): string {
  const show = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, show)}… (${secret.length} chars)`;
}

const isGeneric = (c: Candidate): boolean => RULE_BY_ID.get(c.rule)?.group === 'generic';

/** True when `a` should win over an overlapping `b`: provider rules beat generic ones, then score, then length. */
function better(a: Candidate, b: Candidate): boolean {
  const ga = isGeneric(a);
  if (ga !== isGeneric(b)) return !ga;
  if (a.score !== b.score) return a.score > b.score;
  return a.end - a.start > b.end - b.start;
}

/** One finding per region of text: overlapping candidates collapse to the best one. */
function resolveOverlaps(cands: Candidate[]): Candidate[] {
  cands.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Candidate[] = [];
  for (const c of cands) {
    const last = out[out.length - 1];
    if (last && c.start < last.end) {
      if (better(c, last)) out[out.length - 1] = c;
    } else out.push(c);
  }
  return out;
}

export const secretsDetector = defineDetector({
  id: 'secrets',
  description:
    'Finds credentials: provider API keys and tokens (cloud, VCS, payment, chat, LLM, SaaS), private keys, JWTs, passwords in connection strings and URLs, and high-entropy secret assignments.',
  stages: ['input', 'output', 'tool_call', 'tool_result'],
  tags: TAGS,
  options: secretsOptions,
  create(opts) {
    const enabled = selectRules(opts);
    const scannerOn = SCANNERS.map((s) => s.rules.some((r) => enabled.has(r)));
    const allowed = compileAllowlist(opts.allowlist);
    const { threshold, ignoreExamples, entropyThreshold } = opts;
    return (input) => {
      const text = input.text;
      if (text.length < 8) return [];
      const cands: Candidate[] = [];
      const triggered = new Uint8Array(SCANNERS.length);
      const keywordHits = prefilter(text, triggered);
      const env: ScanEnv = {
        text,
        ignoreExamples,
        entropyThreshold,
        threshold,
        keywordHits,
        isEnabled: (id) => enabled.has(id),
        emit: (c) => {
          if (c.score >= threshold && enabled.has(c.rule)) cands.push(c);
        },
      };
      for (let i = 0; i < SCANNERS.length; i++) {
        if (scannerOn[i] && (ALWAYS_RUN[i] || triggered[i] === 1)) SCANNERS[i]!.scan(env);
      }
      if (cands.length === 0) return [];
      const findings: Finding[] = [];
      for (const c of resolveOverlaps(cands)) {
        const secret = text.slice(c.start, c.end);
        if (allowed(secret)) continue;
        const rule = RULE_BY_ID.get(c.rule)!;
        findings.push({
          detector: 'secrets',
          category: c.rule,
          score: Math.round(c.score * 1000) / 1000,
          severity: c.severity ?? rule.severity,
          span: { start: c.start, end: c.end },
          evidence: maskSecret(secret),
          tags: TAGS,
          metadata: { rule: c.rule, provider: rule.provider, ...c.metadata },
        });
      }
      return findings;
    };
  },
});
