// The compiled policy: what the guard pipeline and the gateway read at run time (the YAML schema lives in schema.ts).
import type { Stage } from '../core/finding.js';
import type { ConfiguredDetector } from '../detectors/runner.js';
import type { RuleSet } from '../monitor/rules/rule-set.js';
import type { AuthConfig, LimitsConfig, SecretRef, ServerConfig } from './schema.js';

export type Action = 'block' | 'redact' | 'flag';
export type FailMode = 'open' | 'closed';
export type StreamingMode = 'buffer' | 'holdback' | 'observe';

/** One detector at one stage. */
export interface DetectorRule {
  /** Registered detector id. */
  detector: string;
  /** Detector options, already validated against the detector's schema (the rule's threshold merged in). */
  options: unknown;
  action: Action;
  /** Time budget per call; a detector that exceeds it is treated per `failMode`. */
  budgetMs: number;
  /** Added to budgetMs per KB of scanned text. */
  budgetMsPerKb?: number;
  /** open: a failed or timed-out detector lets the text pass (recorded); closed: it blocks. */
  failMode: FailMode;
  /** Built once when the configuration is compiled (shared by rules with equal options); call `configured.detect`. */
  configured: ConfiguredDetector;
}

export interface StreamingPolicy {
  mode: StreamingMode;
  /** holdback: characters held back and re-checked before release. */
  windowChars: number;
}

export interface CompiledPolicy {
  name: string;
  stages: Record<Stage, readonly DetectorRule[]>;
  streaming: StreamingPolicy;
  /** Add the findings to the response body (`bulwark` field). */
  detectionsInBody: boolean;
  /** Restore redacted input values (placeholders) in the model's answer. */
  restoreRedactions: boolean;
  /** Store raw prompt text in events (off by default). */
  logPromptText: boolean;
}

export interface CompiledUpstream {
  name: string;
  /** Base URL without a trailing slash, e.g. "http://127.0.0.1:8000/v1". */
  url: string;
  /** Model globs, as written. */
  models: readonly string[];
  /** Where the credential comes from; resolve it once at start-up with resolveSecret (policy/secrets.ts). */
  apiKey?: SecretRef;
  timeoutMs: number;
}

/** What policy selection needs to know about the caller (the gateway's principal satisfies it as is). */
export interface PrincipalRef {
  id: string;
  /** Policy named by the API key or the JWT policy claim. */
  policy?: string;
}

/** The whole configuration, ready for the request path: detectors built, globs compiled, nothing parsed per request. */
export interface CompiledConfig {
  server: ServerConfig;
  auth: AuthConfig;
  limits: LimitsConfig;
  upstreams: readonly CompiledUpstream[];
  policies: ReadonlyMap<string, CompiledPolicy>;
  defaultPolicy: CompiledPolicy;
  /** auth.anonymous.policy, or the default policy. */
  anonymousPolicy: CompiledPolicy;
  /** The `alerts:` rules, ready for a RuleEngine (src/monitor/rules/engine.ts). */
  alerts: RuleSet;
  /**
   * The policy for a request: the first route whose path glob (and principal glob, if any) matches; else the
   * principal's own policy; else the default. Undefined only when the principal names a policy that does not
   * exist: the caller must refuse the request (fail closed), not fall back.
   * `path` is the URL path without the query string.
   */
  selectPolicy(path: string, principal?: PrincipalRef): CompiledPolicy | undefined;
  /** The first upstream (in file order) with a model glob matching `model`; undefined when none does. */
  routeModel(model: string): CompiledUpstream | undefined;
}
