// Principal: who is calling (API key, JWT subject or anonymous) and what it may do: policy, models, limits.

import { globMatch, MAX_MODEL_NAME } from '../../store/model-glob.js';

export type PrincipalKind = 'api-key' | 'jwt' | 'anonymous';

export interface PrincipalLimits {
  /** Requests per minute. */
  readonly rpm?: number;
  /** Tokens per minute (prompt estimate + completion reservation, reconciled with actual usage). */
  readonly tpm?: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
}

export interface Principal {
  /** Stable key for limits and events: `key:<id>`, `jwt:<issuer>|<subject>` or `anonymous`. Never a credential. */
  readonly id: string;
  readonly kind: PrincipalKind;
  /** Human-readable name for events and the dashboard (key name, JWT subject). */
  readonly name: string;
  /** Policy name; undefined = the route's default policy. */
  readonly policy?: string;
  /** Glob patterns over model names: `*` any run of characters, `?` one character; `['*']` = any model. */
  readonly models: readonly string[];
  readonly limits: PrincipalLimits;
  /** OAuth scopes the credential grants (JWT `scope` or `scp`); undefined when it names none. */
  readonly scopes?: readonly string[];
}

export const ANY_MODEL: readonly string[] = Object.freeze(['*']);

// The model-name bound and the glob matcher are the store's (API keys are validated against the same bound).
export { globMatch, MAX_MODEL_NAME };

/** A compiled model allowlist. */
export interface ModelMatcher {
  matches(model: string): boolean;
}

const MATCH_ANY: ModelMatcher = Object.freeze({ matches: () => true });

class CompiledModels implements ModelMatcher {
  private readonly exact: ReadonlySet<string>;
  private readonly globs: readonly string[];

  constructor(patterns: readonly string[]) {
    const exact = new Set<string>();
    const globs: string[] = [];
    for (const p of patterns) {
      if (p.includes('*') || p.includes('?')) globs.push(p);
      else exact.add(p);
    }
    this.exact = exact;
    this.globs = globs;
  }

  matches(model: string): boolean {
    if (this.exact.has(model)) return true;
    if (this.globs.length === 0 || model.length === 0 || model.length > MAX_MODEL_NAME) return false;
    for (const g of this.globs) if (globMatch(g, model)) return true;
    return false;
  }
}


// Principals from the JWT cache and the key snapshot are long-lived objects: the WeakMap makes the compile a
// one-off per principal. Principals rebuilt per request still share compiled lists through the pattern cache.
const byPrincipal = new WeakMap<Principal, ModelMatcher>();
const byPatterns = new Map<string, ModelMatcher>();
const PATTERN_CACHE_MAX = 1024;

/** The compiled matcher for a pattern list (cached by content). */
export function compileModelPatterns(patterns: readonly string[]): ModelMatcher {
  if (patterns.includes('*')) return MATCH_ANY;
  const key = patterns.join('\u0000');
  let m = byPatterns.get(key);
  if (m === undefined) {
    m = new CompiledModels(patterns);
    // Clearing on overflow keeps the bound without LRU bookkeeping; the lists are few in practice.
    if (byPatterns.size >= PATTERN_CACHE_MAX) byPatterns.clear();
    byPatterns.set(key, m);
  }
  return m;
}

/** True when the principal may use `model`. */
export function modelAllowed(principal: Principal, model: string): boolean {
  let m = byPrincipal.get(principal);
  if (m === undefined) {
    m = compileModelPatterns(principal.models);
    byPrincipal.set(principal, m);
  }
  return m.matches(model);
}

export interface AnonymousOptions {
  policy?: string;
  models?: readonly string[];
  limits?: PrincipalLimits;
}

/** The principal of unauthenticated requests (auth disabled on loopback, or `--insecure`). */
export function anonymousPrincipal(options: AnonymousOptions = {}): Principal {
  return Object.freeze({
    id: 'anonymous',
    kind: 'anonymous',
    name: 'anonymous',
    policy: options.policy,
    models: Object.freeze([...(options.models ?? ANY_MODEL)]),
    limits: Object.freeze({ ...options.limits }),
  });
}

/** The fields of a verified API key record (src/store/api-keys.ts) that make a principal. */
export interface ApiKeyPrincipalSource {
  readonly id: string;
  readonly name: string;
  readonly policy?: string;
  readonly models: readonly string[];
  readonly rpm?: number;
  readonly tpm?: number;
  readonly concurrency?: number;
}

const fromKeyRecord = new WeakMap<ApiKeyPrincipalSource, Principal>();

/** The principal of an API key; the same record object gives the same principal (so compiled globs are reused). */
export function principalFromApiKey(record: ApiKeyPrincipalSource): Principal {
  let p = fromKeyRecord.get(record);
  if (p === undefined) {
    const limits: { rpm?: number; tpm?: number; concurrency?: number } = {};
    if (record.rpm !== undefined) limits.rpm = record.rpm;
    if (record.tpm !== undefined) limits.tpm = record.tpm;
    if (record.concurrency !== undefined) limits.concurrency = record.concurrency;
    p = Object.freeze({
      id: `key:${record.id}`,
      kind: 'api-key',
      name: record.name,
      policy: record.policy,
      models: Object.freeze([...record.models]),
      limits: Object.freeze(limits),
    });
    fromKeyRecord.set(record, p);
  }
  return p;
}
