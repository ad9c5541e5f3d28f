// An injectable view of the detector registry, and building detectors from it (unknown id / bad options → BulwarkError).
// runner.ts's configureDetector reads the global registry; the CLI and the detector API take a registry as a
// parameter instead so their tests can run small fake detectors.
import { BulwarkError } from '../../core/errors.js';
import type { Stage } from '../../core/finding.js';
import type { Detector } from '../../detectors/contract.js';
import { DETECTORS } from '../../detectors/index.js';
import type { ConfiguredDetector } from '../../detectors/runner.js';

export interface DetectorRegistry {
  readonly detectors: readonly Detector<unknown>[];
  find(id: string): Detector<unknown> | undefined;
}

/** A registry over an explicit list (first detector wins on a duplicate id). */
export function createRegistry(detectors: readonly Detector<unknown>[]): DetectorRegistry {
  const byId = new Map<string, Detector<unknown>>();
  for (const d of detectors) if (!byId.has(d.id)) byId.set(d.id, d);
  return { detectors, find: (id) => byId.get(id) };
}

/** The detectors Bulwark ships (src/detectors/index.ts). */
export function defaultRegistry(): DetectorRegistry {
  return createRegistry(DETECTORS);
}

/** Parses detector options against the detector's schema; throws ERR_DETECTOR_OPTIONS naming the detector and keys. */
export function parseDetectorOptions(detector: Detector<unknown>, rawOptions: unknown): unknown {
  const parsed = detector.options.safeParse(rawOptions ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new BulwarkError('ERR_DETECTOR_OPTIONS', `invalid options for detector "${detector.id}": ${issues.join('; ')}`, {
    context: { detector: detector.id, issues },
  });
}

/** Looks up `id`; throws ERR_DETECTOR_UNKNOWN (with the id shortened) when it is not registered. */
export function requireDetector(registry: DetectorRegistry, id: string): Detector<unknown> {
  const detector = registry.find(id);
  if (detector) return detector;
  throw new BulwarkError('ERR_DETECTOR_UNKNOWN', `unknown detector "${shortId(id)}"`, { context: { detector: shortId(id) } });
}

/** Looks up `id` and builds it with `rawOptions`; throws ERR_DETECTOR_UNKNOWN or ERR_DETECTOR_OPTIONS. */
export function configureFrom(registry: DetectorRegistry, id: string, rawOptions: unknown = {}): ConfiguredDetector {
  const detector = requireDetector(registry, id);
  return { detector, detect: detector.create(parseDetectorOptions(detector, rawOptions)) };
}

/** Ids run when the caller names none: every detector that supports `stage` and works without options. */
export function defaultDetectorIds(registry: DetectorRegistry, stage: Stage): string[] {
  return registry.detectors.filter((d) => d.stages.includes(stage) && !d.requiresOptions).map((d) => d.id);
}

/** Splits "a, b,a" into ["a", "b"]: trimmed, de-duplicated, empty items dropped. */
export function parseDetectorIds(spec: string): string[] {
  const ids = new Set<string>();
  for (const part of spec.split(',')) {
    const id = part.trim();
    if (id) ids.add(id);
  }
  return [...ids];
}

/** The stage a detector runs at when the caller prefers `preferred`: that one if supported, else its first. */
export function stageFor(detector: Detector<unknown>, preferred: Stage): Stage {
  if (detector.stages.includes(preferred)) return preferred;
  return detector.stages.includes('input') ? 'input' : (detector.stages[0] ?? preferred);
}

/** Ids echoed in error messages are cut short: they come from headers and flags an attacker may fill. */
export function shortId(id: string): string {
  const clean = id.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
