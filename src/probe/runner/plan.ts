// A run's plan, made before anything is sent: which conversations, how many requests, every endpoint contacted;
// refused when it needs more requests than the budget allows.
import { BulwarkError } from '../../core/errors.js';
import type { ProbeCase, Target } from '../types.js';
import { exchangeCount } from './exchanges.js';

export interface PlanInput {
  cases: readonly ProbeCase[];
  targets: readonly Target[];
  repeats: number;
  /** Most requests the run may send, retries included. */
  budget?: number;
  /** Result keys already finished (resume): not counted, and skipped by executeRun. */
  done?: ReadonlySet<string>;
  /**
   * Most requests one conversation of `c` may take; undefined: its scripted exchanges. Attacker conversations
   * count the attacker's requests and the target's, at their bound (the budget check must hold in the worst case).
   */
  requestsOf?: (c: ProbeCase) => number | undefined;
  /** Endpoints contacted besides the targets' (an attacker model). */
  endpoints?: readonly string[];
}

export interface RunPlan {
  /** The cases, duplicates (same id) removed. */
  cases: readonly ProbeCase[];
  targets: readonly Target[];
  repeats: number;
  budget?: number;
  done?: ReadonlySet<string>;
  /** Conversations still to run: cases × targets × repeats, less those in `done`. */
  conversations: number;
  /** Requests they take without retries: Σ conversations × their turns (attacker conversations: at most). */
  requests: number;
  /** Every network endpoint contacted, sorted ([] when every target is local). */
  endpoints: string[];
  /** Cases dropped because an earlier case had the same id. */
  duplicates: number;
}

/** The key of one conversation in `done` sets and stores. */
export function resultKey(caseId: string, target: string, repeat: number): string {
  return `${caseId}|${target}|${repeat}`;
}

export function planRun(input: PlanInput): RunPlan {
  const { repeats, budget } = input;
  if (!Number.isSafeInteger(repeats) || repeats < 1) throw new TypeError('repeats must be a positive integer');
  if (budget !== undefined && (!Number.isSafeInteger(budget) || budget < 0)) throw new TypeError('budget must be a non-negative integer');
  const targetIds = new Set<string>();
  for (const t of input.targets) {
    if (targetIds.has(t.id)) throw new BulwarkError('ERR_CONFIG_INVALID', `two targets have the id ${t.id}: results could not be told apart`, { context: { target: t.id } });
    targetIds.add(t.id);
  }
  const seen = new Set<string>();
  const cases: ProbeCase[] = [];
  let conversations = 0;
  let requests = 0;
  let turns = 0;
  for (const c of input.cases) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    cases.push(c);
    const n = input.requestsOf?.(c) ?? exchangeCount(c);
    turns += n;
    for (const t of input.targets) {
      for (let r = 0; r < repeats; r++) {
        if (input.done?.has(resultKey(c.id, t.id, r))) continue;
        conversations++;
        requests += n;
      }
    }
  }
  const endpoints = [...new Set([...input.targets.flatMap((t) => t.endpoints), ...(input.endpoints ?? [])])].sort();
  if (budget !== undefined && requests > budget) {
    throw new BulwarkError(
      'ERR_CONFIG_INVALID',
      `the run needs ${requests} requests (${cases.length} cases with ${turns} turns × ${input.targets.length} targets × ${repeats} repeats${
        input.done && input.done.size > 0 ? `, ${input.done.size} conversations already done` : ''
      }) but the budget is ${budget}`,
      { context: { requests, budget, cases: cases.length, turns, targets: input.targets.length, repeats } },
    );
  }
  return {
    cases,
    targets: input.targets,
    repeats,
    ...(budget === undefined ? {} : { budget }),
    ...(input.done ? { done: input.done } : {}),
    conversations,
    requests,
    endpoints,
    duplicates: input.cases.length - cases.length,
  };
}
