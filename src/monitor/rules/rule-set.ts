// Compiles the validated `alerts:` section into a RuleSet: durations parsed, matchers built once, actions typed.
import { BulwarkError } from '../../core/errors.js';
import type { SecurityEvent } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { maxSeverity, severityRank, type Severity } from '../../core/severity.js';
import { parseDuration } from '../../store/duration.js';
import type { AlertActionConfig, AlertRuleConfig, GroupBy } from './alert-schema.js';

export type CompiledAction =
  | { readonly type: 'suspend_key'; readonly forMs: number }
  | { readonly type: 'revoke_key' }
  | { readonly type: 'block_principal'; readonly forMs: number }
  | { readonly type: 'block_source'; readonly forMs: number }
  | { readonly type: 'notify'; readonly sink: string }
  | { readonly type: 'raise_severity'; readonly to: Severity }
  | { readonly type: 'alert'; readonly severity?: Severity; readonly message?: string };

export interface CompiledAlertRule {
  readonly name: string;
  readonly description?: string;
  readonly groupBy: GroupBy;
  /** Fires when the count within the window is greater than this. */
  readonly threshold: number;
  readonly windowMs: number;
  /** Quiet time per group after firing. */
  readonly cooldownMs: number;
  /** Severity of the response events: the rule's, raised by a raise_severity action. */
  readonly severity: Severity;
  /** Set when the rule has a raise_severity action. */
  readonly raiseTo?: Severity;
  readonly actions: readonly CompiledAction[];
  /** How much `event` adds to the count: 0 when it does not match (1, or its matching findings with count: findings). */
  weigh(event: SecurityEvent): number;
}

export interface RuleSet {
  readonly rules: readonly CompiledAlertRule[];
}

export const EMPTY_RULE_SET: RuleSet = Object.freeze({ rules: Object.freeze([]) });

export interface CompileRulesOptions {
  /** Detector ids that exist; a match naming another one is refused (it could never fire). */
  detectorIds?: readonly string[];
}

/** Builds the runtime rules from a validated configuration section; disabled rules are left out. */
export function compileRules(configs: readonly AlertRuleConfig[], options: CompileRulesOptions = {}): RuleSet {
  const known = options.detectorIds === undefined ? undefined : new Set(options.detectorIds);
  const rules: CompiledAlertRule[] = [];
  configs.forEach((c, i) => {
    if (!c.enabled) return;
    for (const d of list(c.match.detector) ?? []) {
      if (known !== undefined && !known.has(d)) {
        throw new BulwarkError('ERR_CONFIG_INVALID', `alerts.${i}.match.detector: unknown detector "${d.slice(0, 64)}"`, { context: { rule: c.name, detector: d } });
      }
    }
    rules.push(compileRule(c));
  });
  return Object.freeze({ rules: Object.freeze(rules) });
}

function compileRule(c: AlertRuleConfig): CompiledAlertRule {
  const windowMs = duration(c.window);
  const actions = c.actions.map(compileAction);
  let severity = c.severity;
  let raiseTo: Severity | undefined;
  for (const a of actions) {
    if (a.type === 'raise_severity') {
      raiseTo = raiseTo === undefined ? a.to : maxSeverity(raiseTo, a.to);
      severity = maxSeverity(severity, a.to);
    }
  }
  return Object.freeze({
    name: c.name,
    ...(c.description === undefined ? {} : { description: c.description }),
    groupBy: c.group_by,
    threshold: c.threshold,
    windowMs,
    cooldownMs: c.cooldown === undefined ? windowMs : duration(c.cooldown),
    severity,
    ...(raiseTo === undefined ? {} : { raiseTo }),
    actions: Object.freeze(actions),
    weigh: matcher(c),
  });
}

function compileAction(a: AlertActionConfig): CompiledAction {
  if (a.suspend_key) return Object.freeze({ type: 'suspend_key', forMs: duration(a.suspend_key.for) });
  if (a.revoke_key !== undefined) return Object.freeze({ type: 'revoke_key' });
  if (a.block_principal) return Object.freeze({ type: 'block_principal', forMs: duration(a.block_principal.for) });
  if (a.block_source) return Object.freeze({ type: 'block_source', forMs: duration(a.block_source.for) });
  if (a.notify) return Object.freeze({ type: 'notify', sink: a.notify.sink });
  if (a.raise_severity !== undefined) {
    return Object.freeze({ type: 'raise_severity', to: typeof a.raise_severity === 'string' ? a.raise_severity : a.raise_severity.to });
  }
  if (a.alert !== undefined) {
    const { severity, message } = a.alert ?? {};
    return Object.freeze({ type: 'alert', ...(severity === undefined ? {} : { severity }), ...(message === undefined ? {} : { message }) });
  }
  throw new TypeError('an alert action without a known key (the configuration did not go through the schema)');
}

/**
 * Event-level fields (kind, decision, stage) must all match; finding-level fields (detector, category,
 * min_severity) must all match one finding (min_severity applies to the event when no finding is looked at). Sets are built once here; weighing an event allocates nothing.
 */
function matcher(c: AlertRuleConfig): (event: SecurityEvent) => number {
  const m = c.match;
  const kinds = set(m.kind);
  const decisions = set(m.decision);
  const stages = set(m.stage);
  const detectors = set(m.detector);
  const categories = set(m.category);
  const minRank = m.min_severity === undefined ? -1 : severityRank(m.min_severity);
  // Findings are looked at when the match names finding fields or the rule counts findings.
  const usesFindings = detectors !== undefined || categories !== undefined || c.count === 'findings';
  const byFindings = c.count === 'findings';
  const findingMatches = (f: Finding): boolean =>
    (detectors === undefined || detectors.has(f.detector)) &&
    (categories === undefined || categories.has(f.category)) &&
    (minRank < 0 || severityRank(f.severity) >= minRank);
  return (event) => {
    if (kinds === undefined ? event.kind === 'response' : !kinds.has(event.kind)) return 0;
    if (decisions !== undefined && !decisions.has(event.decision)) return 0;
    if (stages !== undefined && (event.stage === undefined || !stages.has(event.stage))) return 0;
    if (!usesFindings) return minRank < 0 || severityRank(event.severity) >= minRank ? 1 : 0;
    const findings = Array.isArray(event.findings) ? event.findings : [];
    let n = 0;
    for (const f of findings) {
      if (!findingMatches(f)) continue;
      if (!byFindings) return 1;
      n++;
    }
    return n;
  };
}

function set<T extends string>(v: T | readonly T[] | undefined): ReadonlySet<string> | undefined {
  return v === undefined ? undefined : new Set<string>(typeof v === 'string' ? [v] : v);
}

function list(v: string | readonly string[] | undefined): readonly string[] | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? [v] : v;
}

function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new BulwarkError('ERR_CONFIG_INVALID', `invalid duration "${text.slice(0, 32)}"`);
  return ms;
}
