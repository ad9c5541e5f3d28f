// One stage of the guard: run the policy's detectors for that stage over one text, enforce each detector's time
// budget and fail mode, and turn the findings into a decision (block > redact > allow).
import { toBulwarkError } from '../core/errors.js';
import type { DetectorFailure } from '../core/event.js';
import type { Finding, Stage } from '../core/finding.js';
import type { ScanContext, ScanContextData } from '../detectors/contract.js';
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

// Frozen all the way down: it is shared by every clean scan, so a caller that pushed into it would poison the rest.
const EMPTY: StageResult = Object.freeze({ decision: 'allow', findings: Object.freeze([]) as unknown as RuledFinding[], failures: Object.freeze([]) as unknown as DetectorFailure[] }) as StageResult;

/** What one detector call sees; the abort controller is made only for a detector that reads its signal (most never do). */
class DetectorContext implements ScanContext {
  private controller: AbortController | undefined;
  constructor(readonly analysis: TextAnalysis) {}
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }
  abort(): void {
    this.controller?.abort();
  }
}

/** Rejection of a detector that outlived its budget (told apart by type, not by parsing a message). */
class BudgetExceeded extends Error {}

/** A timer that aborts the detector and rejects after `ms`; cleared by the caller. */
function timeout(ms: number, abort: () => void): { promise: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort();
      reject(new BudgetExceeded(`exceeded its ${ms} ms budget`));
    }, ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/**
 * The decision over findings and failures: any block-rule finding or fail-closed failure blocks, else any
 * redact-rule finding with a span redacts (one without a span has nothing to replace), else allow. `blockedBy`
 * names the first block finding, or the first fail-closed failure when no finding blocks.
 */
export function decide(findings: RuledFinding[], failures: DetectorFailure[], stage: Stage): StageResult {
  if (findings.length === 0 && failures.length === 0) return EMPTY;
  let decision: StageDecision = 'allow';
  let blockedBy: StageResult['blockedBy'];
  for (const f of findings) {
    if (f.action === 'block') {
      decision = 'block';
      blockedBy = { detector: f.detector, category: f.category, message: `${f.detector} flagged ${f.category} (score ${f.score.toFixed(2)}) at stage ${stage}` };
      break;
    }
    if (f.action === 'redact' && f.span) decision = 'redact';
  }
  if (!blockedBy) {
    const failure = failures.find((x) => x.failMode === 'closed');
    if (failure) {
      decision = 'block';
      blockedBy = { detector: failure.detector, category: failure.code, message: `detector ${failure.detector} could not finish (${failure.message}); the policy fails closed` };
    }
  }
  return blockedBy ? { decision, findings, failures, blockedBy } : { decision, findings, failures };
}

/**
 * Runs `rules` over `text`. Detectors share one TextAnalysis. A synchronous detector cannot be interrupted: when it
 * returns after its budget, its findings are kept and the overrun is recorded as a timeout (and blocks when the
 * rule fails closed). An asynchronous detector is abandoned at its budget and its signal is aborted.
 */
export async function runStage(
  rules: readonly DetectorRule[],
  text: string,
  stage: Stage,
  context?: ScanContextData,
  analysis?: TextAnalysis,
): Promise<StageResult> {
  if (rules.length === 0 || text.length === 0) return EMPTY;
  let shared = analysis;
  const findings: RuledFinding[] = [];
  const failures: DetectorFailure[] = [];
  const input = { text, stage, context };
  const kb = text.length / 1024;

  for (const rule of rules) {
    const { detector, detect } = rule.configured;
    if (!detector.stages.includes(stage)) continue;
    shared ??= analyzeText(text);
    const ctx = new DetectorContext(shared);
    const started = performance.now();
    const budgetMs = rule.budgetMs + (rule.budgetMsPerKb ?? 0) * kb;
    let result: Finding[] | undefined;
    let failure: DetectorFailure | undefined;
    try {
      const out = detect(input, ctx);
      if (out instanceof Promise) {
        const timer = timeout(budgetMs, () => ctx.abort());
        try {
          result = await Promise.race([out, timer.promise]);
        } finally {
          timer.clear();
        }
      } else {
        result = out;
        const elapsed = performance.now() - started;
        if (elapsed > budgetMs) {
          failure = { detector: detector.id, code: 'ERR_DETECTOR_TIMEOUT', message: `took ${elapsed.toFixed(1)} ms, budget ${Number(budgetMs.toFixed(1))} ms`, failMode: rule.failMode };
        }
      }
    } catch (e) {
      const err = toBulwarkError(e, e instanceof BudgetExceeded ? 'ERR_DETECTOR_TIMEOUT' : 'ERR_DETECTOR_FAILED', { detector: detector.id });
      failure = { detector: detector.id, code: err.code, message: err.message, failMode: rule.failMode };
    }
    if (!failure && !Array.isArray(result)) {
      failure = { detector: detector.id, code: 'ERR_DETECTOR_FAILED', message: 'returned no list of findings', failMode: rule.failMode };
    }
    if (failure) failures.push(failure);
    if (Array.isArray(result)) for (const f of result) findings.push({ ...f, action: rule.action });
  }
  return decide(findings, failures, stage);
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
  return blockedBy ? { decision, findings, failures, blockedBy } : { decision, findings, failures };
}
