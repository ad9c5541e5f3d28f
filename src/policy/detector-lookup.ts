// Which detectors a configuration may name: the shipped registry by default, an explicit list in tests.
import type { Detector } from '../detectors/contract.js';
import { DETECTORS, findDetector } from '../detectors/index.js';
import type { RuleConfig } from './schema.js';

/** The same shape as the gateway's DetectorRegistry, so either can be passed. */
export interface DetectorLookup {
  readonly detectors: readonly Detector<unknown>[];
  find(id: string): Detector<unknown> | undefined;
}

export const builtinDetectors: DetectorLookup = { detectors: DETECTORS, find: findDetector };

/** The options a rule hands to its detector: `options`, with the rule's `threshold` merged in when given. */
export function ruleOptions(rule: Pick<RuleConfig, 'threshold' | 'options'>): Record<string, unknown> {
  return rule.threshold === undefined ? { ...rule.options } : { ...rule.options, threshold: rule.threshold };
}
