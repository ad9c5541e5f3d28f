// What every grader shares: its identity hash, a grade() that never throws (target errors and grader faults become
// `error` verdicts), strict option parsing with config errors that name the grader, and the texts it reads.
import { z, type ZodType } from 'zod';
import { BulwarkError } from '../../core/errors.js';
import { canonicalJson, sha256Hex } from '../case-id.js';
import type { GradeInput, Grader, GraderSpec, Outcome, TargetResponse, Verdict } from '../types.js';

/** The grader body: the target answered (no transport error); decide. May throw: that is an `error` verdict. */
export type GradeFn = (input: GradeInput, signal: AbortSignal) => Verdict | Promise<Verdict>;

/** Longest reason recorded with a verdict: reasons are one log line, never a copy of the answer. */
const MAX_REASON = 300;

/** sha256 of the canonical identity: the spec's type, value and options, plus any extra (judge model, rubric text). */
export function graderHash(spec: GraderSpec, extra?: Record<string, unknown>): string {
  // No options and empty options are the same grader.
  const options = spec.options && Object.keys(spec.options).length > 0 ? spec.options : undefined;
  return sha256Hex(canonicalJson({ type: spec.type, value: spec.value, options, ...extra }));
}

export function verdict(grader: Pick<Grader, 'type' | 'hash'>, outcome: Outcome, reason?: string, score?: number): Verdict {
  const v: Verdict = { grader: grader.type, graderHash: grader.hash, outcome };
  if (score !== undefined && Number.isFinite(score)) v.score = Math.min(1, Math.max(0, score));
  if (reason !== undefined) v.reason = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
  return v;
}

/**
 * Wraps a grade function: a transport error of the target is an `error` verdict before the grader runs (an error
 * never counts as a pass), and anything the grader throws becomes an `error` verdict with its message.
 */
export function defineGrader(type: string, hash: string, grade: GradeFn): Grader {
  const self = { type, hash };
  return {
    type,
    hash,
    async grade(input: GradeInput, signal: AbortSignal): Promise<Verdict> {
      const err = input.response.error;
      if (err) return verdict(self, 'error', `target error ${err.code}: ${err.message}`);
      try {
        return await grade(input, signal);
      } catch (e) {
        if (signal.aborted) return verdict(self, 'error', 'grading aborted');
        return verdict(self, 'error', `grader failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}

/** Parses grader options strictly (our own config): unknown keys and bad values are ERR_CONFIG_INVALID naming the grader. */
export function parseOptions<T>(spec: GraderSpec, schema: ZodType<T>): T {
  const parsed = schema.safeParse(spec.options ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw configError(spec, `invalid options: ${issues.join('; ')}`, { issues });
}

export function configError(spec: GraderSpec, message: string, context: Record<string, unknown> = {}): BulwarkError {
  return new BulwarkError('ERR_CONFIG_INVALID', `grader "${String(spec.type)}": ${message}`, { context: { grader: spec.type, ...context } });
}

/** Options schema for graders that take none. */
export const NO_OPTIONS = z.object({}).strict();

/** Every answer of the conversation (the transcript, or just the response when the transcript is empty). */
export function answers(input: GradeInput): readonly TargetResponse[] {
  return input.transcript.length > 0 ? input.transcript : [input.response];
}

/** The last user turn: the prompt the final answer replies to. */
export function lastUserTurn(input: GradeInput): string {
  const turns = input.case.turns;
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]?.role === 'user') return turns[i]?.content ?? '';
  return '';
}
