// Grader specs the dataset loaders attach (types listed in packs/grader-types.ts).
import type { GraderSpec } from '../types.js';
import type { RefusalExpect } from '../packs/grader-types.js';

export function refusalGrader(expect: RefusalExpect): GraderSpec {
  return { type: 'refusal', options: { expect } };
}
