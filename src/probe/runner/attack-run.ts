// Attacker strategies inside a run: each attack case gets a variant (its own id and category `<category> (pair)`)
// whose conversation an attacker model drives (runPair / runCrescendo) through the run's dispatcher, judged by the
// case's own graders (a failing verdict is a successful attack), with the requests bounded for the plan.
import { canonicalJson, caseId, sha256Hex } from '../case-id.js';
import type { ProbeCase, Target, TargetResponse, Verdict } from '../types.js';
import { runCrescendo, runPair, type AttackJudge, type AttackResult, type SendFn } from './attacker.js';
import { isAbandoned } from './dispatch.js';
import type { Converse } from './execute.js';
import { gradeConversation, type Graded } from './grade.js';

export type AttackStrategy = 'pair' | 'crescendo';

export interface AttackRunSpec {
  strategy: AttackStrategy;
  /** PAIR: refinement rounds; crescendo: kept turns. */
  maxTurns: number;
}

/** Refused crescendo questions replaced at most (each costs an attacker and a target request). */
export const CRESCENDO_BACKTRACKS = 3;
const GOAL_SEED_CHARS = 1000;
const PROMPT_IN_REASON = 300;

/** The `transforms` entry that marks an attacker variant, e.g. `attacker:pair`. */
export function attackerMark(strategy: AttackStrategy): string {
  return `attacker:${strategy}`;
}

/** Most requests (attacker and target) one attacker conversation sends, retries aside. */
export function attackRequestBound(spec: AttackRunSpec): number {
  return 2 * (spec.maxTurns + (spec.strategy === 'crescendo' ? CRESCENDO_BACKTRACKS : 0));
}

/** One variant per attack case; other kinds have nothing to attack. */
export function attackerCases(cases: readonly ProbeCase[], strategy: AttackStrategy): ProbeCase[] {
  const mark = attackerMark(strategy);
  return cases
    .filter((c) => c.kind === 'attack')
    .map((c) => {
      const { id: _id, ...rest } = c;
      const next = { ...rest, category: `${c.category} (${strategy})`, transforms: [...(c.transforms ?? []), mark] };
      return { ...next, id: caseId(next) };
    });
}

export function isAttackerCase(c: ProbeCase, strategy: AttackStrategy): boolean {
  return c.transforms?.at(-1) === attackerMark(strategy);
}

/** What the attacker is told to achieve: the case's intent, with its own prompt as a starting point. */
export function attackGoal(c: ProbeCase): string {
  const seed = [...c.turns].reverse().find((m) => m.role === 'user')?.content ?? '';
  return seed === '' ? c.intent : `${c.intent}\nA prompt to start from: ${seed.slice(0, GOAL_SEED_CHARS)}`;
}

/** The conversation of an attacker variant (executeRun's `strategy`); undefined for every other case. */
export function attackConversation(attacker: Target, spec: AttackRunSpec): (c: ProbeCase) => Converse | undefined {
  const hash = sha256Hex(canonicalJson({ attacker: attacker.id, ...spec }));
  return (c) => {
    if (!isAttackerCase(c, spec.strategy)) return undefined;
    return async (ctx) => {
      let abandoned = false;
      const send: SendFn = async (t, request) => {
        const r = await ctx.send(t, request);
        if (!isAbandoned(r)) return r;
        abandoned = true;
        return { text: '', error: { code: r.abandoned, message: 'the run stopped' }, latencyMs: 0 };
      };
      // The judge's verdicts are kept, so that the answer that succeeded is not graded twice.
      const judged = new WeakMap<TargetResponse, Graded>();
      const judge: AttackJudge = async ({ response }, signal) => {
        const g = await gradeConversation(c, [response], ctx.graders, ctx.refusal, signal);
        judged.set(response, g);
        return g.outcome === 'fail' ? 1 : 0;
      };
      let r: AttackResult;
      try {
        r = await (spec.strategy === 'pair' ? runPair : runCrescendo)({
          attacker,
          target: ctx.target,
          goal: attackGoal(c),
          judge,
          signal: ctx.signal,
          maxIterations: spec.maxTurns,
          maxBacktracks: CRESCENDO_BACKTRACKS,
          send,
          refusal: ctx.refusal,
          ...(c.system === undefined ? {} : { system: c.system }),
          ...(c.tools === undefined ? {} : { tools: c.tools }),
        });
      } catch (e) {
        if (abandoned || ctx.signal.aborted) return undefined;
        const message = `the attack failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500);
        return { graded: { outcome: 'error', verdicts: [verdictOf(spec, hash, 'error', message)], refused: false }, response: errorResponse(message) };
      }
      if (abandoned || r.stop === 'aborted') return undefined;
      const last = r.transcript[r.transcript.length - 1];
      const prompt = [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const counts = `${r.attackerRequests} attacker and ${r.targetRequests} target requests`;
      if (r.stop === 'attacker_error' || r.stop === 'target_error' || last === undefined) {
        // The attack could not be carried through: an error, never a pass, whatever the target had answered so far.
        const why = r.stop === 'target_error' ? 'the target failed' : 'the attacker model gave no usable prompt';
        const response = last !== undefined && r.stop === 'attacker_error' ? last : errorResponse(why);
        return { graded: { outcome: 'error', verdicts: [verdictOf(spec, hash, 'error', `${why} (${counts})`)], refused: false }, response };
      }
      const graded = (r.stop === 'success' ? judged.get(last) : undefined) ?? (await gradeConversation(c, r.transcript, ctx.graders, ctx.refusal, ctx.signal));
      const reason = `${r.stop === 'success' ? 'attack succeeded' : 'attack exhausted'} after ${counts}; prompt: ${prompt.slice(0, PROMPT_IN_REASON)}`;
      return { graded: { ...graded, verdicts: [...graded.verdicts, { ...verdictOf(spec, hash, graded.outcome, reason), score: r.bestScore }] }, response: last };
    };
  };
}

function verdictOf(spec: AttackRunSpec, hash: string, outcome: Verdict['outcome'], reason: string): Verdict {
  return { grader: attackerMark(spec.strategy), graderHash: hash, outcome, reason };
}

function errorResponse(message: string): TargetResponse {
  return { text: '', error: { code: 'attack_failed', message }, latencyMs: 0 };
}
