// The registry: every detector Bulwark ships, in one explicit list.
import type { Detector } from './contract.js';

export const DETECTORS: readonly Detector<unknown>[] = [];

const BY_ID = new Map(DETECTORS.map((d) => [d.id, d]));

export function findDetector(id: string): Detector<unknown> | undefined {
  return BY_ID.get(id);
}
