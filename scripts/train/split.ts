// Deterministic train / validation / test assignment by group, shared by training and the benchmark.
import { hash32 } from './data/util.js';

export type Split = 'train' | 'val' | 'test';

/** 70 % train, 10 % validation (thresholds), 20 % test (reported figures, never trained or tuned on). */
export function splitOf(group: string): Split {
  const bucket = hash32(`bulwark-split-v1:${group}`) % 100;
  if (bucket < 70) return 'train';
  if (bucket < 80) return 'val';
  return 'test';
}
