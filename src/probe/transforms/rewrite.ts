// The shared mechanics of a transform: rewrite the user turns' text, record the transform, recompute the id.
import { caseId } from '../case-id.js';
import type { ProbeCase, Rng, Transform } from '../types.js';

export type TextRewrite = (text: string, rng: Rng) => string;

/**
 * The case with every user turn rewritten by `rewrite` (tool results and the system prompt stay as they are), the
 * transform appended to `transforms`, and a new id: the same base case under other transforms is another test.
 */
export function rewriteUserTurns(c: ProbeCase, transformId: string, rewrite: TextRewrite, rng: Rng): ProbeCase {
  const { id: _id, ...rest } = c;
  const next: Omit<ProbeCase, 'id'> = {
    ...rest,
    turns: c.turns.map((t) => (t.role === 'user' ? { ...t, content: rewrite(t.content, rng) } : { ...t })),
    intent: `${c.intent} (disguised: ${transformId})`,
    transforms: [...(c.transforms ?? []), transformId],
  };
  return { id: caseId(next), ...next };
}

/** A Transform whose apply() rewrites user-turn text with `rewrite`. */
export function textTransform(id: string, rewrite: TextRewrite): Transform {
  return { id, apply: (c, rng) => rewriteUserTurns(c, id, rewrite, rng) };
}

/** One of `options`, chosen by the rng. */
export function pick<T>(options: readonly T[], rng: Rng): T {
  return options[rng.int(options.length)]!;
}
