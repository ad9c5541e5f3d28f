// Guards every text of a request or a response with the policy's rules for its stage, applies redactions in place,
// and returns one merged result. Request-side texts the same caller sent before come from the policy's StageCache.
import type { Finding, Stage } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import { redact, type RedactionVault } from '../detectors/redact.js';
import type { CompiledPolicy } from '../policy/types.js';
import { mergeResults, runStage, type StageResult } from './run-stage.js';
import { MAX_NEW_PER_CALL, stageCacheOf } from './stage-cache.js';

export interface GuardTarget {
  stage: Stage;
  text: string;
  set(text: string): void;
}

export interface GuardOutcome {
  result: StageResult;
  /** True when a redaction changed at least one text (the body must be re-serialised). */
  modified: boolean;
}

const CLEAN: GuardOutcome = { result: { decision: 'allow', findings: [], failures: [] }, modified: false };

/**
 * `cacheScope` (the caller's principal id) turns on the policy's StageCache for request-side texts; without it (or
 * with BULWARK_GUARD_MEMORY=0) every text is scanned.
 */
export async function guardTexts(
  policy: CompiledPolicy,
  targets: readonly GuardTarget[],
  context: ScanContextData | undefined,
  vault: RedactionVault,
  cacheScope?: string,
): Promise<GuardOutcome> {
  if (targets.length === 0) return CLEAN;
  const results: StageResult[] = [];
  const cache = cacheScope === undefined ? undefined : stageCacheOf(policy);
  let inserted = 0;
  let modified = false;
  for (const target of targets) {
    const rules = policy.stages[target.stage];
    if (rules.length === 0) continue;
    // A request-side text seen before under this policy and context (the conversation so far, tool definitions)
    // gets its earlier result: see stage-cache.ts.
    const useCache = cache !== undefined && cacheScope !== undefined && cache.accepts(target.stage, target.text);
    let result = useCache ? cache.get(cacheScope, target.stage, target.text, context) : undefined;
    if (result === undefined) {
      result = await runStage(rules, target.text, target.stage, context);
      // One request's many new texts must not push out everything the other callers' conversations rely on.
      if (useCache && inserted < MAX_NEW_PER_CALL && cache.set(cacheScope, target.stage, target.text, context, result)) inserted++;
    }
    results.push(result);
    if (result.decision === 'block') break;
    if (result.decision === 'redact') {
      const spans = result.findings.filter((f): f is Finding & { action: 'redact' } => f.action === 'redact' && f.span !== undefined);
      const next = spans.length > 0 ? redact(target.text, spans, { vault }).text : target.text;
      if (next !== target.text) {
        target.set(next);
        modified = true;
      }
    }
  }
  if (results.length === 0) return CLEAN;
  return { result: mergeResults(results), modified };
}
