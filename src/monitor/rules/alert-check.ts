// Checks the schema cannot make of the `alerts:` section: detector ids in matches must be registered (with lines).
import { didYouMean, shorten, type ConfigIssue } from '../../policy/issues.js';
import type { Locate } from '../../policy/zod-issues.js';

/**
 * Issues for every `alerts.<i>.match.detector` that names no registered detector (such a rule could never
 * fire). Runs on the raw document like the loader's other cross-checks; anything malformed is left to the schema.
 */
export function checkAlertDetectors(alerts: unknown, detectorIds: readonly string[], source: string, locate: Locate): ConfigIssue[] {
  if (!Array.isArray(alerts)) return [];
  const known = new Set(detectorIds);
  const issues: ConfigIssue[] = [];
  alerts.forEach((rule: unknown, i) => {
    const match = (rule as { match?: { detector?: unknown } } | null)?.match;
    const d = match?.detector;
    const list = typeof d === 'string' ? [d] : Array.isArray(d) ? d : [];
    list.forEach((id: unknown, j) => {
      if (typeof id !== 'string' || known.has(id)) return;
      const path = typeof d === 'string' ? ['alerts', i, 'match', 'detector'] : ['alerts', i, 'match', 'detector', j];
      issues.push({ source, ...locate(path), path: path.join('.'), message: `unknown detector "${shorten(id)}"${didYouMean(id, known)}` });
    });
  });
  return issues;
}
