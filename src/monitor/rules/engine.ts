// RuleEngine: counts matching security events per rule and group in sliding windows and, past a threshold,
// decides responses (returned at once as events) and carries them out through a Responder in the background.
import type { SecurityEvent } from '../../core/event.js';
import { maxSeverity } from '../../core/severity.js';
import { normalizeAddress } from '../../store/blocks.js';
import type { GroupBy } from './alert-schema.js';
import type { Responder, ResponseReason } from './responder.js';
import { failedResponse, redactSinkRef, responseEvent, type ResponseAttributes, type ResponseEvent } from './response-event.js';
import type { CompiledAction, CompiledAlertRule, RuleSet } from './rule-set.js';
import { SlidingCount } from './sliding-window.js';

export interface RuleEngineOptions {
  /** Carries out suspensions, blocks and notifications; without one the engine only reports (dryRun events). */
  responder?: Responder;
  /** Receives the follow-up events of responses that failed in the background (wire it to the event store). */
  emit?: (event: SecurityEvent) => void;
  /** Clock in ms since the epoch; default Date.now. */
  now?: () => number;
  /** Most groups tracked per rule; the least recently seen is evicted beyond it. Default 10 000. */
  maxGroupsPerRule?: number;
  /** Most window slots (timestamps) held across all rules; divides into per-rule group caps. Default 1 000 000. */
  maxEntries?: number;
  /** Most responder calls in flight; beyond it a response is not carried out (and says so). Default 1 000. */
  maxPending?: number;
}

export interface RuleEngineStats {
  groups: number;
  /** Window slots held, at most maxEntries. */
  entries: number;
  /** Groups dropped to stay within the caps (their counts and cooldowns are lost). */
  evictions: number;
  /** Times a rule fired. */
  fired: number;
  /** Response events returned by observe. */
  responses: number;
  /** Responses that failed or were dropped. */
  actionFailures: number;
  pending: number;
}

export const DEFAULT_MAX_GROUPS_PER_RULE = 10_000;
export const DEFAULT_MAX_ENTRIES = 1_000_000;
export const DEFAULT_MAX_PENDING = 1_000;
/** Longer group values (principal names, key ids) are not tracked: none of ours comes near. */
const MAX_GROUP_VALUE = 512;
const NONE: readonly ResponseEvent[] = Object.freeze([]);

interface GroupState {
  window: SlidingCount;
  cooldownUntil: number;
  escalatedUntil: number;
}

interface RuleState {
  rule: CompiledAlertRule;
  /** Insertion order = least recently seen first (a group is re-inserted when seen). */
  groups: Map<string, GroupState>;
  maxGroups: number;
}

export class RuleEngine {
  readonly #rules: RuleState[];
  readonly #responder: Responder | undefined;
  readonly #emit: ((event: SecurityEvent) => void) | undefined;
  readonly #now: () => number;
  readonly #maxPending: number;
  readonly #pending = new Set<Promise<void>>();
  #entries = 0;
  #stats = { evictions: 0, fired: 0, responses: 0, actionFailures: 0 };

  constructor(rules: RuleSet, options: RuleEngineOptions = {}) {
    const maxGroups = options.maxGroupsPerRule ?? DEFAULT_MAX_GROUPS_PER_RULE;
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    for (const [name, v] of [['maxGroupsPerRule', maxGroups], ['maxEntries', maxEntries], ['maxPending', this.#maxPending]] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`${name} must be a positive integer`);
    }
    const perRule = Math.floor(maxEntries / Math.max(1, rules.rules.length));
    this.#rules = rules.rules.map((rule) => {
      // A group holds at most threshold + 1 slots: the per-rule share of maxEntries caps the groups too.
      const byEntries = Math.floor(perRule / (rule.threshold + 1));
      if (byEntries < 1) throw new TypeError(`maxEntries is too small for rule ${rule.name} (threshold ${rule.threshold})`);
      return { rule, groups: new Map(), maxGroups: Math.min(maxGroups, byEntries) };
    });
    this.#responder = options.responder;
    this.#emit = options.emit;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Counts `event` in every rule it matches and returns the responses decided now (often none). Synchronous,
   * no I/O: suspensions, blocks and notifications run in the background. Call it before the event is stored:
   * a rule with raise_severity raises `event.severity` in place while its group is escalated.
   */
  observe(event: SecurityEvent): readonly ResponseEvent[] {
    if (this.#rules.length === 0 || event === null || typeof event !== 'object') return NONE;
    const now = this.#now();
    let out: ResponseEvent[] | undefined;
    for (const rs of this.#rules) {
      const weight = rs.rule.weigh(event);
      if (!(weight > 0)) continue;
      const group = groupValue(rs.rule.groupBy, event);
      if (group === undefined) continue;
      const state = this.#touch(rs, group);
      const raiseTo = rs.rule.raiseTo;
      if (raiseTo !== undefined && now < state.escalatedUntil) event.severity = maxSeverity(event.severity, raiseTo);
      const before = state.window.slots;
      const count = state.window.add(now, weight);
      this.#entries += state.window.slots - before;
      if (count <= rs.rule.threshold || now < state.cooldownUntil) continue;
      // Fire: once per cooldown, counting afresh from here.
      this.#stats.fired++;
      state.cooldownUntil = now + rs.rule.cooldownMs;
      this.#entries -= state.window.slots;
      state.window.clear();
      if (raiseTo !== undefined) {
        state.escalatedUntil = now + rs.rule.windowMs;
        event.severity = maxSeverity(event.severity, raiseTo);
      }
      out ??= [];
      for (const action of rs.rule.actions) out.push(this.#respond(rs.rule, action, group, count, event, now));
    }
    if (out === undefined) return NONE;
    this.#stats.responses += out.length;
    return out;
  }

  stats(): RuleEngineStats {
    let groups = 0;
    for (const rs of this.#rules) groups += rs.groups.size;
    return { groups, entries: this.#entries, ...this.#stats, pending: this.#pending.size };
  }

  /** Per rule: how many groups it may track (min of maxGroupsPerRule and its share of maxEntries). */
  groupCaps(): ReadonlyMap<string, number> {
    return new Map(this.#rules.map((rs) => [rs.rule.name, rs.maxGroups]));
  }

  /** Waits until every response in flight has been carried out or has failed (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #touch(rs: RuleState, group: string): GroupState {
    let state = rs.groups.get(group);
    if (state !== undefined) {
      rs.groups.delete(group);
      rs.groups.set(group, state);
      return state;
    }
    if (rs.groups.size >= rs.maxGroups) {
      const [oldestKey, oldest] = rs.groups.entries().next().value as [string, GroupState];
      rs.groups.delete(oldestKey);
      this.#entries -= oldest.window.slots;
      this.#stats.evictions++;
    }
    state = { window: new SlidingCount(rs.rule.threshold + 1, rs.rule.windowMs), cooldownUntil: Number.NEGATIVE_INFINITY, escalatedUntil: Number.NEGATIVE_INFINITY };
    rs.groups.set(group, state);
    return state;
  }

  #respond(rule: CompiledAlertRule, action: CompiledAction, group: string, count: number, event: SecurityEvent, now: number): ResponseEvent {
    const base: ResponseAttributes = {
      rule: rule.name,
      action: action.type,
      groupBy: rule.groupBy,
      group,
      count,
      threshold: rule.threshold,
      windowMs: rule.windowMs,
      triggeredBy: event.id,
    };
    const reason: ResponseReason = { rule: rule.name, text: `${count} in ${rule.windowMs / 1000}s (more than ${rule.threshold}) for ${rule.groupBy} ${group}` };
    const time = new Date(now);
    const make = (attributes: Partial<ResponseAttributes>, decision: 'block' | 'flag', severity = rule.severity): ResponseEvent =>
      responseEvent({
        attributes: { ...base, ...attributes, ...(this.#responder === undefined && decision === 'block' ? { dryRun: true } : {}) },
        severity,
        decision,
        source: event.source,
        principal: event.principal,
        requestId: event.requestId,
        time,
      });
    const responder = this.#responder;
    switch (action.type) {
      case 'suspend_key':
      case 'revoke_key': {
        const target = keyTarget(rule.groupBy, group, event);
        const until = action.type === 'suspend_key' ? new Date(now + action.forMs) : undefined;
        const r = make({ target, ...(until ? { until: until.toISOString() } : {}) }, 'block');
        if (target === undefined) return this.#fail(r, 'no_target', 'the event names no key');
        if (responder) this.#run(r, () => (until ? responder.suspendKey(target, until, reason) : responder.revokeKey(target, reason)));
        return r;
      }
      case 'block_principal': {
        const target = rule.groupBy === 'principal' ? group : nonEmpty(event.principal);
        const until = new Date(now + action.forMs);
        const r = make({ target, until: until.toISOString() }, 'block');
        if (target === undefined) return this.#fail(r, 'no_target', 'the event names no principal');
        if (responder) this.#run(r, () => responder.blockPrincipal(target, until, reason));
        return r;
      }
      case 'block_source': {
        const target = rule.groupBy === 'source_ip' ? group : sourceOf(event);
        const until = new Date(now + action.forMs);
        const r = make({ target, until: until.toISOString() }, 'block');
        if (target === undefined) return this.#fail(r, 'no_target', 'the event has no source address');
        if (responder) this.#run(r, () => responder.blockSource(target, until, reason));
        return r;
      }
      case 'notify': {
        const r = make({ target: redactSinkRef(action.sink) }, 'flag');
        if (responder) this.#run(r, () => responder.notify(action.sink, r));
        else r.attributes.dryRun = true;
        return r;
      }
      case 'raise_severity':
        return make({ target: group, until: new Date(now + rule.windowMs).toISOString() }, 'flag', maxSeverity(rule.severity, action.to));
      case 'alert':
        return make({ target: group, ...(action.message === undefined ? {} : { message: action.message }) }, 'flag', action.severity ?? rule.severity);
    }
  }

  /** A response that cannot be carried out at all is returned as its own error event. */
  #fail(r: ResponseEvent, code: string, message: string): ResponseEvent {
    this.#stats.actionFailures++;
    delete r.attributes.dryRun;
    r.decision = 'error';
    r.attributes.error = { code, message };
    return r;
  }

  #run(r: ResponseEvent, task: () => Promise<void>): void {
    if (this.#pending.size >= this.#maxPending) {
      this.#failed(r, Object.assign(new Error('too many responses in flight; this one was dropped'), { code: 'overloaded' }));
      return;
    }
    // Through a promise so that a responder that throws synchronously (or returns no promise) is handled alike.
    const tracked: Promise<void> = Promise.resolve().then(task).then(
      () => undefined,
      (e: unknown) => this.#failed(r, e),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #failed(r: ResponseEvent, e: unknown): void {
    this.#stats.actionFailures++;
    if (this.#emit === undefined) return;
    try {
      this.#emit(failedResponse(r, e, new Date(this.#now())));
    } catch {
      // The sink of failure events failing must not break the engine; the failure is counted.
    }
  }
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_GROUP_VALUE ? v : undefined;
}

function sourceOf(event: SecurityEvent): string | undefined {
  // The gateway records `sourceIp`; `sourceAddress` is accepted for events from elsewhere.
  const a = event.attributes?.['sourceIp'] ?? event.attributes?.['sourceAddress'];
  return typeof a === 'string' ? normalizeAddress(a) : undefined;
}

/** The value a rule groups `event` by; undefined when the event has none (it is not counted). */
export function groupValue(by: GroupBy, event: SecurityEvent): string | undefined {
  if (by === 'principal') return nonEmpty(event.principal);
  if (by === 'source_ip') return sourceOf(event);
  return nonEmpty(event.attributes?.['keyId']);
}

/** Whose key to suspend or revoke: the group when it is a key or principal, else the event's key, else its principal. */
function keyTarget(by: GroupBy, group: string, event: SecurityEvent): string | undefined {
  if (by === 'key' || by === 'principal') return group;
  return nonEmpty(event.attributes?.['keyId']) ?? nonEmpty(event.principal);
}
