// Wires a GraderFactory into executeRun's `graders(c)`: graders built once per distinct spec and shared across cases
// (a judge's client or a compiled regex is made once, not 5,000 times).
import { canonicalJson } from '../case-id.js';
import type { Grader, GraderFactory, ProbeCase } from '../types.js';

/** At most this many distinct specs are kept; beyond it graders are built per case (a pathological suite). */
const MAX_CACHED = 10_000;

export function gradersFrom(factory: GraderFactory): (c: ProbeCase) => Grader[] {
  const built = new Map<string, Grader>();
  return (c) =>
    c.graders.map((spec) => {
      const key = canonicalJson(spec);
      let g = built.get(key);
      if (g === undefined) {
        g = factory(spec);
        if (built.size < MAX_CACHED) built.set(key, g);
      }
      return g;
    });
}
