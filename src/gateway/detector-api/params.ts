// Turns the `detector-id` header and `detector_params` of an FMS detector request into configured detectors.
// `threshold` is the FMS-wide knob (keep results with score >= threshold); every other key is detector options,
// flat for a single detector, or keyed by detector id when the header names several.
import { BulwarkError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { Detector } from '../../detectors/contract.js';
import type { ConfiguredDetector } from '../../detectors/runner.js';
import { configureFrom, parseDetectorIds, requireDetector, type DetectorRegistry } from './registry.js';

/** More ids than any registry holds is a hostile header, not a request. */
export const MAX_DETECTOR_IDS = 64;

export interface RequestDetectors {
  configured: ConfiguredDetector[];
  /** Threshold per detector id, only where the caller set one. */
  thresholds: ReadonlyMap<string, number>;
}

// Building a detector may compile patterns; the no-options configuration is built once per detector object.
const defaultConfigured = new WeakMap<Detector<unknown>, ConfiguredDetector>();
const thresholdSupport = new WeakMap<Detector<unknown>, boolean>();

/** Reads the `detector-id` header (one id or a comma-separated list; repeated headers arrive joined by ", "). */
export function detectorIdsFromHeader(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ids = parseDetectorIds(raw);
  if (ids.length > MAX_DETECTOR_IDS) {
    throw new BulwarkError('ERR_INPUT_INVALID', `header detector-id names more than ${MAX_DETECTOR_IDS} detectors`);
  }
  return ids;
}

export function resolveRequestDetectors(
  registry: DetectorRegistry,
  ids: readonly string[],
  detectorParams: Record<string, unknown> | null | undefined,
): RequestDetectors {
  // Unknown ids first: a 404 is more useful than an options error about a detector that does not exist.
  for (const id of ids) requireDetector(registry, id);
  const { threshold: rawThreshold, ...rest } = detectorParams ?? {};
  const threshold = rawThreshold === undefined ? undefined : checkThreshold(rawThreshold, 'detector_params.threshold');
  const keyed = isKeyedByDetector(rest, ids);
  const restKeys = Object.keys(rest);
  if (!keyed && restKeys.length > 0 && ids.length > 1) {
    throw new BulwarkError(
      'ERR_DETECTOR_OPTIONS',
      'with several detectors, detector_params must hold each detector\'s options under its id, e.g. {"<id>": {...}}',
    );
  }
  const configured: ConfiguredDetector[] = [];
  const thresholds = new Map<string, number>();
  for (const id of ids) {
    const own = keyed ? ((rest[id] as Record<string, unknown> | undefined) ?? {}) : rest;
    const ownThreshold = own.threshold === undefined ? threshold : checkThreshold(own.threshold, `detector_params.${id}.threshold`);
    if (ownThreshold !== undefined) thresholds.set(id, ownThreshold);
    configured.push(configure(registry, id, own, ownThreshold));
  }
  return { configured, thresholds };
}

/** Keeps the findings at or above the caller's threshold for their detector (detectors apply their own default). */
export function applyThresholds(findings: readonly Finding[], thresholds: ReadonlyMap<string, number>): Finding[] {
  if (thresholds.size === 0) return [...findings];
  return findings.filter((f) => f.score >= (thresholds.get(f.detector) ?? 0));
}

function configure(
  registry: DetectorRegistry,
  id: string,
  own: Record<string, unknown>,
  threshold: number | undefined,
): ConfiguredDetector {
  const detector = requireDetector(registry, id);
  const options = { ...own };
  if (threshold !== undefined && acceptsThreshold(detector)) options.threshold = threshold;
  else delete options.threshold; // the threshold is then applied after the run by applyThresholds
  if (Object.keys(options).length === 0 && !detector.requiresOptions) {
    let cached = defaultConfigured.get(detector);
    if (!cached) {
      cached = configureFrom(registry, id, {});
      defaultConfigured.set(detector, cached);
    }
    return cached;
  }
  return configureFrom(registry, id, options);
}

/** Whether the options schema has a `threshold` key (a strict schema reports it as unrecognised otherwise). */
function acceptsThreshold(detector: Detector<unknown>): boolean {
  let known = thresholdSupport.get(detector);
  if (known === undefined) {
    const parsed = detector.options.safeParse({ threshold: 0.5 });
    known =
      parsed.success ||
      !parsed.error.issues.some((i) => i.code === 'unrecognized_keys' && i.keys.includes('threshold'));
    thresholdSupport.set(detector, known);
  }
  return known;
}

function isKeyedByDetector(rest: Record<string, unknown>, ids: readonly string[]): boolean {
  const keys = Object.keys(rest);
  return (
    keys.length > 0 &&
    keys.every((k) => ids.includes(k) && typeof rest[k] === 'object' && rest[k] !== null && !Array.isArray(rest[k]))
  );
}

function checkThreshold(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new BulwarkError('ERR_DETECTOR_OPTIONS', `${where} must be a number between 0 and 1`);
  }
  return value;
}
