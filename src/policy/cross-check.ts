// Checks what the schema cannot: detector ids, stages and options, policy references, unique upstream names.
// Runs on the raw document (not zod's output) so that these problems are reported together with the schema's.
import { checkAlertDetectors } from '../monitor/rules/alert-check.js';
import type { z } from 'zod';
import { STAGES } from '../core/finding.js';
import type { DetectorLookup } from './detector-lookup.js';
import { didYouMean, formatPath, shorten, type ConfigIssue } from './issues.js';
import { convertIssues, messageFor, type Locate } from './zod-issues.js';

type Path = readonly PropertyKey[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function crossCheck(value: unknown, registry: DetectorLookup, source: string, locate: Locate): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: Path, message: string, at: Path = path, part: 'value' | 'key' = 'value') =>
    issues.push({ source, ...locate(at, part), path: formatPath(path), message });
  if (!isRecord(value)) return issues;

  checkUpstreamNames(value.upstreams, report, locate);
  issues.push(...checkAlertDetectors(value.alerts, registry.detectors.map((d) => d.id), source, locate));
  const auth = isRecord(value.auth) ? value.auth : undefined;
  if (auth && isRecord(auth.apiKeys) && auth.apiKeys.enabled === false && auth.jwt === undefined && !(isRecord(auth.anonymous) && auth.anonymous.enabled === true)) {
    report(['auth'], 'no way in: API keys are disabled, no jwt is configured and anonymous access is off');
  }

  // Without a `policies` section the built-in default policy (named "default") is used.
  const policies = value.policies === undefined ? { default: {} } : isRecord(value.policies) ? value.policies : undefined;
  if (isRecord(value.policies)) {
    for (const [name, policy] of Object.entries(value.policies)) {
      if (isRecord(policy)) issues.push(...checkPolicy(['policies', name], policy, registry, source, locate, report));
    }
  }
  if (!policies) return issues; // `policies` has the wrong type: the schema says so, references cannot be checked.
  const names = Object.keys(policies);
  const checkRef = (path: Path, ref: unknown) => {
    if (typeof ref === 'string' && !Object.hasOwn(policies, ref)) report(path, `unknown policy "${shorten(ref)}"${didYouMean(ref, names)}`);
  };
  if (Array.isArray(value.routes)) value.routes.forEach((r, i) => isRecord(r) && checkRef(['routes', i, 'policy'], r.policy));
  if (auth && isRecord(auth.anonymous)) checkRef(['auth', 'anonymous', 'policy'], auth.anonymous.policy);
  if (value.defaultPolicy !== undefined) checkRef(['defaultPolicy'], value.defaultPolicy);
  else if (!Object.hasOwn(policies, 'default')) {
    report(['defaultPolicy'], 'no policy is named "default": add one or set defaultPolicy', ['policies'], 'key');
  }
  return issues;
}

type Report = (path: Path, message: string, at?: Path, part?: 'value' | 'key') => void;

function checkUpstreamNames(upstreams: unknown, report: Report, locate: Locate): void {
  if (!Array.isArray(upstreams)) return;
  const seen = new Map<string, number>();
  upstreams.forEach((u, i) => {
    if (!isRecord(u) || typeof u.name !== 'string') return;
    const first = seen.get(u.name);
    if (first === undefined) seen.set(u.name, i);
    else {
      const line = locate(['upstreams', first, 'name'])?.line;
      report(['upstreams', i, 'name'], `duplicate upstream name "${shorten(u.name)}"${line === undefined ? '' : ` (first used on line ${line})`}`);
    }
  });
}

function checkPolicy(
  at: Path,
  policy: Record<string, unknown>,
  registry: DetectorLookup,
  source: string,
  locate: Locate,
  report: Report,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = registry.detectors.map((d) => d.id);
  for (const stage of STAGES) {
    const rules = policy[stage];
    if (!Array.isArray(rules)) continue;
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (!isRecord(rule) || typeof rule.detector !== 'string') return;
      const path = [...at, stage, i];
      const id = rule.detector;
      const detector = registry.find(id);
      if (!detector) {
        report([...path, 'detector'], `unknown detector "${shorten(id)}"${didYouMean(id, ids)}`);
        return;
      }
      if (!detector.stages.includes(stage)) {
        report([...path, 'detector'], `detector "${id}" does not run at stage ${stage} (it runs at: ${detector.stages.join(', ')})`);
      }
      // Findings carry only the detector id: two rules for one detector in one stage could not be told apart.
      if (seen.has(id)) report([...path, 'detector'], `detector "${id}" is already used at stage ${stage} in this policy`);
      seen.add(id);
      issues.push(...checkOptions(path, rule, detector, source, locate, report));
    });
  }
  return issues;
}

/** Validates options (+ threshold) with the detector's own schema; threshold problems point at the rule's threshold. */
function checkOptions(
  path: Path,
  rule: Record<string, unknown>,
  detector: NonNullable<ReturnType<DetectorLookup['find']>>,
  source: string,
  locate: Locate,
  report: Report,
): ConfigIssue[] {
  const options = rule.options ?? {};
  if (!isRecord(options)) return []; // wrong type: reported by the schema
  // An out-of-range threshold is already reported by the schema; merging it would report it twice.
  const hasThreshold = typeof rule.threshold === 'number' && rule.threshold >= 0 && rule.threshold <= 1;
  if (hasThreshold && Object.hasOwn(options, 'threshold')) {
    report([...path, 'threshold'], 'threshold is given both here and in options; keep one');
    return [];
  }
  const merged = hasThreshold ? { ...options, threshold: rule.threshold } : options;
  const parsed = detector.options.safeParse(merged, { error: messageFor });
  if (parsed.success) return [];
  const rest: z.core.$ZodIssue[] = [];
  for (const iss of parsed.error.issues) {
    if (hasThreshold && iss.code === 'unrecognized_keys' && iss.path.length === 0 && iss.keys.includes('threshold')) {
      report([...path, 'threshold'], `detector "${detector.id}" has no threshold option`);
      const others = iss.keys.filter((k) => k !== 'threshold');
      if (others.length > 0) rest.push({ ...iss, keys: others });
    } else if (hasThreshold && iss.path[0] === 'threshold') {
      report([...path, 'threshold'], iss.message);
    } else {
      rest.push(iss);
    }
  }
  return convertIssues(rest, detector.options, source, locate, [...path, 'options']);
}
