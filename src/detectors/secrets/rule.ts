// The shape of a secrets rule (data: id, provider, severity, pattern) and of the scanners that emit candidates.
import type { Severity } from '../../core/severity.js';
import { isKnownExample, looksFake } from './examples.js';

export type RuleGroup =
  | 'cloud'
  | 'vcs'
  | 'payment'
  | 'chat'
  | 'llm'
  | 'saas'
  | 'private_key'
  | 'jwt'
  | 'connection_string'
  | 'generic';

/** What every rule says about itself; `id` is the finding category. */
export interface RuleInfo {
  readonly id: string;
  readonly provider: string;
  readonly group: RuleGroup;
  readonly description: string;
  readonly severity: Severity;
}

/** A possible secret: the span to redact, the rule that recognised it and how sure it is. */
export interface Candidate {
  rule: string;
  start: number;
  end: number;
  score: number;
  /** Overrides the rule's severity for this finding (e.g. an encrypted private key is less severe). */
  severity?: Severity;
  metadata?: Record<string, unknown>;
}

/** Everything a scanner needs for one text. */
export interface ScanEnv {
  readonly text: string;
  readonly ignoreExamples: boolean;
  readonly entropyThreshold: number;
  /** Candidates scoring below this are dropped: scanners may skip expensive checks for them. */
  readonly threshold: number;
  /** Positions (ascending) where the prefilter saw a name keyword (password, token, key, ...). */
  readonly keywordHits: readonly number[];
  isEnabled(ruleId: string): boolean;
  emit(c: Candidate): void;
}

/** A piece of detection logic: runs only when one of its anchors occurs (or always, with no anchors). */
export interface Scanner {
  readonly name: string;
  /** Case-sensitive literals that must occur in the text for this scanner to find anything. */
  readonly anchors: readonly string[];
  /** Rule ids the scanner can emit; it is skipped when none is enabled. */
  readonly rules: readonly string[];
  scan(env: ScanEnv): void;
}

/**
 * A provider token recognised by a distinctive prefix. `pattern` must be global, start with a look-behind
 * boundary and use unbounded runs (`+`) so that each run of token characters is tried once: linear time.
 * The whole match is the secret; `check` returns a score, or null to reject (wrong length, bad checksum).
 */
export interface TokenRule extends RuleInfo {
  readonly anchors: readonly string[];
  readonly pattern: RegExp;
  readonly check: (token: string, text: string, start: number) => number | null;
  /** Extra metadata derived from the token (e.g. checksum validity). */
  readonly describe?: (token: string) => Record<string, unknown>;
}

/** Builds a `check` that accepts lengths within [min, max] and returns `score`. */
export function lengthBetween(min: number, max: number, score: number): (t: string) => number | null {
  return (t) => (t.length >= min && t.length <= max ? score : null);
}

/** Length of the longest anchor the token starts with: the fixed part that the placeholder test must skip. */
function prefixLength(rule: TokenRule, token: string): number {
  let n = 0;
  for (const a of rule.anchors) if (a.length > n && token.startsWith(a)) n = a.length;
  return n;
}

/** Runs a token rule over the text and emits its candidates. */
export function scanTokenRule(rule: TokenRule, env: ScanEnv): void {
  const re = rule.pattern;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(env.text)) !== null) {
    const token = m[0];
    if (token.length === 0) {
      re.lastIndex++;
      continue;
    }
    const score = rule.check(token, env.text, m.index);
    if (score === null || score < env.threshold) continue;
    if (env.ignoreExamples && (isKnownExample(token) || looksFake(token.slice(prefixLength(rule, token))))) continue;
    const metadata = rule.describe?.(token);
    env.emit({ rule: rule.id, start: m.index, end: m.index + token.length, score, ...(metadata ? { metadata } : {}) });
  }
}
