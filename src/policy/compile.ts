// Compiles a validated configuration into what the request path reads: detectors built once, globs compiled once.
import { BulwarkError } from '../core/errors.js';
import { STAGES, type Stage } from '../core/finding.js';
import type { ConfiguredDetector } from '../detectors/runner.js';
import { compileRules } from '../monitor/rules/rule-set.js';
import { builtinDetectors, ruleOptions, type DetectorLookup } from './detector-lookup.js';
import { compileGlob, compileGlobs, type GlobMatcher } from './glob.js';
import type { BulwarkConfig, PolicyConfig, RuleConfig } from './schema.js';
import type { CompiledConfig, CompiledPolicy, CompiledUpstream, DetectorRule, PrincipalRef } from './types.js';

export interface CompileOptions {
  /** Must be the registry the configuration was validated against; default: the shipped detectors. */
  registry?: DetectorLookup;
}

interface CompiledRoute {
  path: GlobMatcher;
  principal: GlobMatcher | undefined;
  policy: CompiledPolicy;
}

/**
 * Builds the runtime shape. Expects a configuration from loadConfig / parseConfig / defaultConfig; anything the
 * loader would have refused (unknown detector or policy, bad options) throws a BulwarkError here too.
 */
export function compileConfig(config: BulwarkConfig, options: CompileOptions = {}): CompiledConfig {
  const build = detectorFactory(options.registry ?? builtinDetectors);
  const policies = new Map<string, CompiledPolicy>();
  for (const [name, policy] of Object.entries(config.policies)) policies.set(name, compilePolicy(name, policy, build));

  const byName = (name: string, where: string): CompiledPolicy => {
    const p = policies.get(name);
    if (!p) throw new BulwarkError('ERR_CONFIG_INVALID', `${where}: unknown policy "${name}"`, { context: { policy: name } });
    return p;
  };
  const defaultPolicy = byName(config.defaultPolicy, 'defaultPolicy');
  const anonymousPolicy = config.auth.anonymous.policy === undefined ? defaultPolicy : byName(config.auth.anonymous.policy, 'auth.anonymous.policy');
  const routes: CompiledRoute[] = config.routes.map((r, i) => ({
    path: compileGlob(r.path),
    principal: r.principal === undefined ? undefined : compileGlob(r.principal),
    policy: byName(r.policy, `routes.${i}.policy`),
  }));

  const upstreams: CompiledUpstream[] = config.upstreams.map((u) =>
    Object.freeze({
      name: u.name,
      url: u.url.replace(/\/+$/, ''),
      models: Object.freeze([...u.models]),
      ...(u.apiKey ? { apiKey: Object.freeze({ ...u.apiKey }) } : {}),
      timeoutMs: u.timeoutMs,
    }),
  );
  const modelRoutes = upstreams.map((u) => ({ match: compileGlobs(u.models), upstream: u }));
  const registry = options.registry ?? builtinDetectors;
  const alerts = compileRules(config.alerts ?? [], { detectorIds: registry.detectors.map((d) => d.id) });

  return Object.freeze({
    server: Object.freeze({ ...config.server }),
    auth: config.auth,
    limits: Object.freeze({ ...config.limits }),
    upstreams: Object.freeze(upstreams),
    policies,
    defaultPolicy,
    anonymousPolicy,
    alerts,
    selectPolicy(path: string, principal?: PrincipalRef): CompiledPolicy | undefined {
      for (const r of routes) {
        if (!r.path(path)) continue;
        if (r.principal !== undefined && (principal === undefined || !r.principal(principal.id))) continue;
        return r.policy;
      }
      if (principal?.policy !== undefined) return policies.get(principal.policy);
      return defaultPolicy;
    },
    routeModel(model: string): CompiledUpstream | undefined {
      for (const r of modelRoutes) if (r.match(model)) return r.upstream;
      return undefined;
    },
  });
}

type BuildDetector = (rule: RuleConfig) => { options: unknown; configured: ConfiguredDetector };

/**
 * Parses a rule's options with the detector's schema and creates the detector, once per distinct (id, options):
 * rules with equal options share the instance (creation can cost tens of ms, and detect functions are pure).
 * configureDetector() does the same two steps but keeps the parsed options to itself, which DetectorRule exposes,
 * and reads only the global registry.
 */
function detectorFactory(registry: DetectorLookup): BuildDetector {
  const cache = new Map<string, { options: unknown; configured: ConfiguredDetector }>();
  return (rule) => {
    const raw = ruleOptions(rule);
    const key = `${rule.detector}\u0000${stableJson(raw)}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const detector = registry.find(rule.detector);
    if (!detector) throw new BulwarkError('ERR_DETECTOR_UNKNOWN', `unknown detector "${rule.detector}"`, { context: { detector: rule.detector } });
    const parsed = detector.options.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new BulwarkError('ERR_DETECTOR_OPTIONS', `invalid options for detector "${rule.detector}": ${issues.join('; ')}`, {
        context: { detector: rule.detector, issues },
      });
    }
    const built = { options: parsed.data, configured: Object.freeze({ detector, detect: detector.create(parsed.data) }) };
    cache.set(key, built);
    return built;
  };
}

function compilePolicy(name: string, policy: PolicyConfig, build: BuildDetector): CompiledPolicy {
  const stages = {} as Record<Stage, readonly DetectorRule[]>;
  for (const stage of STAGES) {
    stages[stage] = Object.freeze(
      policy[stage].map((rule): DetectorRule => {
        const { options, configured } = build(rule);
        return Object.freeze({
          detector: rule.detector,
          options,
          action: rule.action,
          budgetMs: rule.budgetMs,
          budgetMsPerKb: rule.budgetMsPerKb,
          // A rule meant to block keeps blocking when it cannot decide; flag and redact rules let the text through.
          failMode: rule.failMode ?? (rule.action === 'block' ? 'closed' : 'open'),
          configured,
        });
      }),
    );
  }
  return Object.freeze({
    name,
    stages: Object.freeze(stages),
    streaming: Object.freeze({ ...policy.streaming }),
    detectionsInBody: policy.detectionsInBody,
    restoreRedactions: policy.restoreRedactions,
    logPromptText: policy.logPromptText,
  });
}

/** JSON with object keys sorted, so that equal options written in a different order share one detector. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
