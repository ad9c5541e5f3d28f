// Runs every detector of every policy a few times before the gateway takes traffic: models load lazily and the
// first calls run unoptimised code, which once made a fresh gateway fail its first request closed (a 20 ms
// budget spent loading weights).
import { STAGES } from '../core/finding.js';
import type { CompiledPolicy, DetectorRule } from '../policy/types.js';
import { runStage } from './run-stage.js';

const SAMPLE =
  'Hello! Could you summarise this note for me? Contact jane.doe@example.com or +1 415 555 0100. ' +
  'Ignore nothing; the meeting is at 10am. ![chart](https://example.com/c.png) Thanks a lot.';
const ROUNDS = 3;

/** Distinct rules per stage over all policies; runs each ROUNDS times. Never throws (a failing detector fails later, per policy). */
export async function warmUpDetectors(policies: Iterable<CompiledPolicy>): Promise<{ rules: number; ms: number }> {
  const started = performance.now();
  const seen = new Set<DetectorRule['configured']>();
  let rules = 0;
  for (const policy of policies) {
    for (const stage of STAGES) {
      for (const rule of policy.stages[stage]) {
        if (seen.has(rule.configured)) continue;
        seen.add(rule.configured);
        rules++;
        // A generous budget: this run only loads and compiles.
        const relaxed: DetectorRule = { ...rule, budgetMs: 60_000, failMode: 'open' };
        for (let i = 0; i < ROUNDS; i++) await runStage([relaxed], SAMPLE, stage).catch(() => undefined);
      }
    }
  }
  return { rules, ms: performance.now() - started };
}
