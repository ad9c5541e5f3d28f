// One stage of the guard: run the policy's detectors for that stage over one text, enforce each detector's time
// budget and fail mode, and turn the findings into a decision (block > redact > allow).
import { toBulwarkError } from '../core/errors.js';
import type { DetectorFailure } from '../core/event.js';
import type { Finding, Stage } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import type { DetectorRule } from '../policy/types.js';
import { analyzeText, type TextAnalysis } from '../text/analysis.js';

export type StageDecision = 'allow' | 'redact' | 'block';

export interface RuledFinding extends Finding {
  /** What the policy does with it. */
  action: DetectorRule['action'];
}

export interface StageResult {
  decision: StageDecision;
  findings: RuledFinding[];
  failures: DetectorFailure[];
  /** The finding (or failure) that decided a block, for the error the client sees. */
  blockedBy?: { detector: string; category: string; message: string };
}

const EMPTY: StageResult = Object.freeze({ decision: 'allow', findings: [], failures: [] }) as StageResult;

/** A timer that rejects after `ms`; cleared by the caller. */
function timeout(ms: number, controller: AbortController): { promise: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`exceeded its ${ms} ms budget`));
    }, ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/**
 * Runs `rules` over `text`. Detectors share one TextAnalysis. A synchronous detector cannot be interrupted: when it
 * returns after its budget, its findings are kept and the overrun is recorded as a timeout (and blocks when the
 * rule fails closed). An asynchronous detector is abandoned at its budget.
 */
export async function runStage(
  rules: readonly DetectorRule[],
  text: string,
  stage: Stage,
  context?: ScanContextData,
  analysis?: TextAnalysis,
): Promise<StageResult> {
  if (rules.length === 0 || text.length === 0) return EMPTY;
  const shared = analysis ?? analyzeText(text);
  const findings: RuledFinding[] = [];
  const failures: DetectorFailure[] = [];
  let decision: StageDecision = 'allow';
  let blockedBy: StageResult['blockedBy'];
  const input = { text, stage, context };

  for (const rule of rules) {
    const { detector, detect } = rule.configured;
    if (!detector.stages.includes(stage)) continue;
    const started = performance.now();
    let result: Finding[] | undefined;
    let failure: DetectorFailure | undefined;
    try {
      const out = detect(input, { analysis: shared });
      if (out instanceof Promise) {
        const controller = new AbortController();
        const timer = timeout(rule.budgetMs, controller);
        try {
          result = await Promise.race([out, timer.promise]);
        } finally {
          timer.clear();
        }
      } else {
        result = out;
        const elapsed = performance.now() - started;
        if (elapsed > rule.budgetMs) {
          failure = { detector: detector.id, code: 'ERR_DETECTOR_TIMEOUT', message: `took ${elapsed.toFixed(1)} ms, budget ${rule.budgetMs} ms`, failMode: rule.failMode };
        }
      }
    } catch (e) {
      const err = toBulwarkError(e, e instanceof Error && /budget/.test(e.message) ? 'ERR_DETECTOR_TIMEOUT' : 'ERR_DETECTOR_FAILED', { detector: detector.id });
      failure = { detector: detector.id, code: err.code, message: err.message, failMode: rule.failMode };
    }
    if (failure) {
      failures.push(failure);
      if (failure.failMode === 'closed' && decision !== 'block') {
        decision = 'block';
        blockedBy = { detector: detector.id, category: failure.code, message: `detector ${detector.id} could not finish (${failure.message}); the policy fails closed` };
      }
    }
    for (const f of result ?? []) {
      findings.push({ ...f, action: rule.action });
      if (rule.action === 'block') {
        if (decision !== 'block') {
          decision = 'block';
          blockedBy = { detector: f.detector, category: f.category, message: `${f.detector} flagged ${f.category} (score ${f.score.toFixed(2)}) at stage ${stage}` };
        }
      } else if (rule.action === 'redact' && decision === 'allow' && f.span) {
        decision = 'redact';
      }
    }
  }
  if (findings.length === 0 && failures.length === 0) return EMPTY;
  return { decision, findings, failures, blockedBy };
}

/** Combines the results of several texts of one request. */
export function mergeResults(results: readonly StageResult[]): StageResult {
  if (results.length === 1) return results[0]!;
  let decision: StageDecision = 'allow';
  let blockedBy: StageResult['blockedBy'];
  const findings: RuledFinding[] = [];
  const failures: DetectorFailure[] = [];
  for (const r of results) {
    findings.push(...r.findings);
    failures.push(...r.failures);
    if (r.decision === 'block' && decision !== 'block') {
      decision = 'block';
      blockedBy = r.blockedBy;
    } else if (r.decision === 'redact' && decision === 'allow') decision = 'redact';
  }
  return { decision, findings, failures, blockedBy };
}
