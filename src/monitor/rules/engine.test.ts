// Tests of the rule engine with an injected clock and a recording responder: thresholds, windows, cooldown,
// grouping, caps, every action's event, failures; and (fast-check) that memory stays within the caps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent, type SecurityEvent } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { alertsSchema, type AlertRuleConfigInput } from './alert-schema.js';
import { RuleEngine, type RuleEngineOptions } from './engine.js';
import type { Responder } from './responder.js';
import type { ResponseEvent } from './response-event.js';
import { compileRules } from './rule-set.js';

const MIN = 60_000;
const T0 = Date.parse('2030-01-01T00:00:00.000Z');

function rules(...configs: AlertRuleConfigInput[]) {
  return compileRules(alertsSchema.parse(configs));
}

const INJECTION: AlertRuleConfigInput = {
  name: 'injection-burst',
  match: { kind: 'detection', detector: 'prompt-injection', decision: ['block', 'flag'], stage: 'input' },
  group_by: 'principal',
  threshold: 5,
  window: '10m',
  actions: [{ suspend_key: { for: '1h' } }, { notify: { sink: 'webhook+https://hooks.example/x?secret_env=HOOK' } }],
};

function finding(detector: string, category = 'x', severity: Finding['severity'] = 'high'): Finding {
  return { detector, category, score: 0.9, severity, tags: {} };
}

function injection(principal = 'team-a', extra: Record<string, unknown> = {}): SecurityEvent {
  return createEvent({
    kind: 'detection',
    source: 'guard',
    decision: 'block',
    stage: 'input',
    principal,
    findings: [finding('prompt-injection', 'jailbreak')],
    attributes: { keyId: `id-${principal}`, sourceAddress: '::ffff:10.0.0.7', ...extra },
  });
}

type Call = [string, ...unknown[]];

function recorder(fail?: string): { responder: Responder; calls: Call[] } {
  const calls: Call[] = [];
  const record = (name: string) => async (...args: unknown[]) => {
    calls.push([name, ...args]);
    if (name === fail) throw Object.assign(new Error(`${name} failed`), { code: 'ERR_STORE' });
  };
  return {
    calls,
    responder: {
      suspendKey: record('suspendKey'),
      revokeKey: record('revokeKey'),
      blockPrincipal: record('blockPrincipal'),
      blockSource: record('blockSource'),
      notify: record('notify'),
    },
  };
}

function engine(ruleSet = rules(INJECTION), options: RuleEngineOptions = {}) {
  const clock = { now: T0 };
  const { responder, calls } = recorder();
  const emitted: SecurityEvent[] = [];
  const e = new RuleEngine(ruleSet, { responder, now: () => clock.now, emit: (ev) => emitted.push(ev), ...options });
  return { e, clock, calls, emitted };
}

function feed(e: RuleEngine, n: number, make: () => SecurityEvent = () => injection()): ResponseEvent[] {
  const out: ResponseEvent[] = [];
  for (let i = 0; i < n; i++) out.push(...e.observe(make()));
  return out;
}

describe('thresholds and windows', () => {
  it('does not fire at exactly the threshold, fires at threshold + 1 ("more than")', async () => {
    const { e, calls } = engine();
    expect(feed(e, 5)).toEqual([]);
    const fired = e.observe(injection());
    expect(fired.map((r) => r.attributes.action)).toEqual(['suspend_key', 'notify']);
    const [suspend, notify] = fired as [ResponseEvent, ResponseEvent];
    expect(suspend).toMatchObject({
      kind: 'response',
      decision: 'block',
      severity: 'medium',
      principal: 'team-a',
      attributes: { rule: 'injection-burst', action: 'suspend_key', target: 'team-a', until: new Date(T0 + 60 * MIN).toISOString(), count: 6, threshold: 5, groupBy: 'principal', group: 'team-a' },
    });
    // The sink's secret reference and query never reach the event.
    expect(notify.attributes.target).toBe('webhook+https://hooks.example/x');
    await e.drain();
    expect(calls.map((c) => c[0])).toEqual(['suspendKey', 'notify']);
    expect(calls[0]).toEqual(['suspendKey', 'team-a', new Date(T0 + 60 * MIN), expect.objectContaining({ rule: 'injection-burst' })]);
    expect(calls[1]?.[1]).toBe('webhook+https://hooks.example/x?secret_env=HOOK');
    expect(calls[1]?.[2]).toBe(notify);
  });

  it('forgets events older than the window (injected clock)', () => {
    const { e, clock } = engine();
    feed(e, 5);
    clock.now += 10 * MIN; // the first five are exactly one window old: out
    expect(feed(e, 5)).toEqual([]);
    clock.now += 10 * MIN - 1;
    expect(e.observe(injection())).toHaveLength(2);
  });

  it('counts each group on its own', () => {
    const { e } = engine();
    feed(e, 5, () => injection('team-a'));
    feed(e, 5, () => injection('team-b'));
    expect(e.observe(injection('team-b'))[0]?.attributes.target).toBe('team-b');
  });

  it('ignores events that do not match, and events without a group value', () => {
    const { e } = engine();
    const other = () => createEvent({ kind: 'detection', source: 'guard', decision: 'block', stage: 'output', principal: 'team-a', findings: [finding('prompt-injection')] });
    const allowed = () => createEvent({ kind: 'detection', source: 'guard', decision: 'allow', stage: 'input', principal: 'team-a', findings: [finding('prompt-injection')] });
    const pii = () => createEvent({ kind: 'detection', source: 'guard', decision: 'block', stage: 'input', principal: 'team-a', findings: [finding('pii')] });
    const anonymous = () => createEvent({ kind: 'detection', source: 'guard', decision: 'block', stage: 'input', findings: [finding('prompt-injection')] });
    expect([...feed(e, 20, other), ...feed(e, 20, allowed), ...feed(e, 20, pii), ...feed(e, 20, anonymous)]).toEqual([]);
    expect(e.stats()).toMatchObject({ groups: 0, entries: 0 });
  });

  it('threshold 0 fires on the first matching event', () => {
    const { e } = engine(rules({ ...INJECTION, threshold: 0, actions: [{ alert: {} }] }));
    expect(e.observe(injection())).toHaveLength(1);
  });

  it('count: findings weighs an event by its matching findings', () => {
    const pii = (n: number) => createEvent({ kind: 'detection', source: 'guard', decision: 'redact', stage: 'output', principal: 'p', findings: Array.from({ length: n }, () => finding('pii', 'email')) });
    const { e } = engine(rules({ name: 'pii', match: { detector: 'pii', stage: 'output' }, count: 'findings', threshold: 20, window: '5m', actions: [{ alert: {} }] }));
    expect(e.observe(pii(20))).toEqual([]);
    expect(e.observe(pii(1))[0]?.attributes).toMatchObject({ action: 'alert', count: 21 });
  });

  it('min_severity filters findings', () => {
    const ev = (severity: Finding['severity']) => createEvent({ kind: 'detection', source: 'guard', decision: 'flag', principal: 'p', findings: [finding('toxicity', 't', severity)] });
    const { e } = engine(rules({ name: 'tox', match: { detector: 'toxicity', min_severity: 'high' }, threshold: 1, window: '1m', actions: [{ alert: {} }] }));
    expect(feed(e, 10, () => ev('medium'))).toEqual([]);
    e.observe(ev('high'));
    expect(e.observe(ev('critical'))).toHaveLength(1);
  });
});

describe('cooldown', () => {
  it('fires once per window for a sustained burst, then again after the cooldown', () => {
    const { e, clock } = engine(rules({ ...INJECTION, actions: [{ alert: {} }] }));
    const fired: ResponseEvent[] = [];
    for (let i = 0; i < 100; i++) {
      fired.push(...e.observe(injection()));
      clock.now += 1_000; // 100 events over 100 s: far above 5 per 10 min
    }
    expect(fired).toHaveLength(1);
    // It fired at the 6th event (T0 + 5 s); the cooldown (= the window) ends 10 minutes later.
    clock.now = T0 + 5_000 + 10 * MIN - 1;
    expect(e.observe(injection())).toEqual([]);
    clock.now += 1;
    expect(e.observe(injection())).toHaveLength(1);
  });

  it('honours an explicit cooldown', () => {
    const { e, clock } = engine(rules({ ...INJECTION, threshold: 0, cooldown: '1h', actions: [{ alert: {} }] }));
    expect(e.observe(injection())).toHaveLength(1);
    clock.now += 59 * MIN;
    expect(e.observe(injection())).toEqual([]);
    clock.now += MIN;
    expect(e.observe(injection())).toHaveLength(1);
    expect(e.stats().fired).toBe(2);
  });
});

describe('caps', () => {
  it('tracks at most maxGroupsPerRule groups, evicting the least recently seen and counting evictions', () => {
    const { e } = engine(rules({ ...INJECTION, threshold: 2, actions: [{ alert: {} }] }), { maxGroupsPerRule: 3 });
    for (const p of ['a', 'b', 'c']) e.observe(injection(p));
    e.observe(injection('a')); // a is now the most recent
    e.observe(injection('d')); // evicts b
    expect(e.stats()).toMatchObject({ groups: 3, evictions: 1 });
    // a kept its count (2 events: one more fires); b starts afresh (1 event).
    expect(e.observe(injection('a'))).toHaveLength(1);
    expect(e.observe(injection('b'))).toEqual([]);
    expect(e.stats().evictions).toBe(2);
  });

  it('shares maxEntries among rules and caps groups of high-threshold rules accordingly', () => {
    const set = rules({ ...INJECTION, name: 'a', threshold: 99 }, { ...INJECTION, name: 'b', threshold: 1 });
    const { e } = engine(set, { maxEntries: 1_000, maxGroupsPerRule: 10_000 });
    expect(Object.fromEntries(e.groupCaps())).toEqual({ a: 5, b: 250 });
    expect(() => new RuleEngine(set, { maxEntries: 100 })).toThrow(TypeError);
  });

  it('drops responses beyond maxPending, saying so', async () => {
    const never: Responder = { ...recorder().responder, suspendKey: () => new Promise<void>(() => undefined) };
    const emitted: SecurityEvent[] = [];
    const e = new RuleEngine(rules({ ...INJECTION, threshold: 0, actions: [{ suspend_key: { for: '1h' } }] }), { responder: never, maxPending: 2, emit: (ev) => emitted.push(ev) });
    for (const p of ['a', 'b', 'c']) e.observe(injection(p));
    expect(e.stats()).toMatchObject({ pending: 2, actionFailures: 1 });
    expect(emitted[0]).toMatchObject({ kind: 'response', decision: 'error', attributes: { target: 'c', error: { code: 'overloaded' } } });
  });

  it('never holds more groups or entries than the caps, whatever the stream (fast-check)', () => {
    const set = rules(
      { name: 'by-principal', match: { kind: 'detection' }, threshold: 3, window: '1m', actions: [{ alert: {} }] },
      { name: 'by-source', match: {}, group_by: 'source_ip', count: 'findings', threshold: 7, window: '10s', actions: [{ raise_severity: 'high' }] },
      { name: 'by-key', match: { detector: 'pii' }, group_by: 'key', threshold: 0, window: '1h', actions: [{ alert: {} }] },
    );
    const event = fc.record({
      principal: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { nil: undefined }),
      ip: fc.integer({ min: 0, max: 40 }),
      key: fc.integer({ min: 0, max: 40 }),
      kind: fc.constantFrom('detection' as const, 'auth' as const, 'response' as const),
      findings: fc.array(fc.constantFrom('pii', 'prompt-injection'), { maxLength: 4 }),
      dt: fc.integer({ min: 0, max: 20_000 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), fc.integer({ min: 2, max: 6 }), (stream, maxGroupsPerRule) => {
        let now = T0;
        const maxEntries = 60;
        const e = new RuleEngine(set, { now: () => now, maxGroupsPerRule, maxEntries });
        const caps = [...e.groupCaps().values()];
        for (const s of stream) {
          now += s.dt;
          e.observe(
            createEvent({
              kind: s.kind,
              source: 'guard',
              decision: 'flag',
              principal: s.principal,
              findings: s.findings.map((d) => finding(d)),
              attributes: { sourceAddress: `10.0.0.${s.ip}`, keyId: `k${s.key}` },
            }),
          );
          const st = e.stats();
          expect(st.groups).toBeLessThanOrEqual(caps.reduce((a, b) => a + b, 0));
          expect(st.entries).toBeLessThanOrEqual(maxEntries);
          expect(st.entries).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('actions', () => {
  it('suspend_key grouped by source targets the key of the triggering event', async () => {
    const { e, calls } = engine(rules({ ...INJECTION, group_by: 'source_ip', actions: [{ suspend_key: { for: '30m' } }, { block_source: { for: '2h' } }] }));
    const fired = feed(e, 6, () => injection('team-z'));
    expect(fired.map((r) => [r.attributes.action, r.attributes.target, r.attributes.group])).toEqual([
      ['suspend_key', 'id-team-z', '10.0.0.7'],
      ['block_source', '10.0.0.7', '10.0.0.7'],
    ]);
    await e.drain();
    expect(calls).toEqual([
      ['suspendKey', 'id-team-z', new Date(T0 + 30 * MIN), expect.anything()],
      ['blockSource', '10.0.0.7', new Date(T0 + 120 * MIN), expect.anything()],
    ]);
  });

  it('revoke_key and block_principal by key group', async () => {
    const { e, calls } = engine(rules({ ...INJECTION, group_by: 'key', threshold: 0, actions: [{ revoke_key: {} }, { block_principal: { for: '1d' } }] }));
    const fired = e.observe(injection('team-q'));
    expect(fired.map((r) => [r.attributes.action, r.attributes.target, r.decision])).toEqual([
      ['revoke_key', 'id-team-q', 'block'],
      ['block_principal', 'team-q', 'block'],
    ]);
    await e.drain();
    expect(calls.map((c) => c.slice(0, 2))).toEqual([
      ['revokeKey', 'id-team-q'],
      ['blockPrincipal', 'team-q'],
    ]);
  });

  it('raise_severity escalates the group: the triggering and later matching events, and the alert', () => {
    const pii = () => createEvent({ kind: 'detection', source: 'guard', decision: 'redact', stage: 'output', principal: 'p', findings: [finding('pii', 'email', 'low')] });
    const { e, clock } = engine(rules({ name: 'pii-leak-burst', match: { detector: 'pii', stage: 'output' }, threshold: 2, window: '5m', actions: [{ raise_severity: 'high' }, { alert: { message: 'PII burst' } }] }));
    const first = [pii(), pii()];
    for (const ev of first) e.observe(ev);
    const trigger = pii();
    const fired = e.observe(trigger);
    expect(first.map((ev) => ev.severity)).toEqual(['low', 'low']);
    expect(trigger.severity).toBe('high');
    expect(fired.map((r) => [r.attributes.action, r.severity, r.decision])).toEqual([
      ['raise_severity', 'high', 'flag'],
      ['alert', 'high', 'flag'],
    ]);
    expect(fired[1]?.attributes.message).toBe('PII burst');
    const later = pii();
    clock.now += 5 * MIN - 1;
    e.observe(later);
    expect(later.severity).toBe('high');
    const after = pii();
    clock.now += 1;
    e.observe(after);
    expect(after.severity).toBe('low');
  });

  it('a response without a target is an error event, not a crash', () => {
    const { e } = engine(rules({ ...INJECTION, threshold: 0, actions: [{ block_source: { for: '1h' } }] }));
    const [r] = e.observe(injection('p', { sourceAddress: 'not-an-ip' }));
    expect(r).toMatchObject({ decision: 'error', attributes: { action: 'block_source', error: { code: 'no_target' } } });
  });

  it('reports a failed response as a follow-up error event', async () => {
    const { responder } = recorder('suspendKey');
    const emitted: SecurityEvent[] = [];
    const e = new RuleEngine(rules({ ...INJECTION, threshold: 0 }), { responder, emit: (ev) => emitted.push(ev), now: () => T0 });
    const [suspend] = e.observe(injection());
    await e.drain();
    expect(emitted).toEqual([
      expect.objectContaining({
        kind: 'response',
        decision: 'error',
        attributes: expect.objectContaining({ action: 'suspend_key', target: 'team-a', triggeredBy: suspend?.id, error: { code: 'ERR_STORE', message: 'suspendKey failed' } }),
      }),
    ]);
    expect(e.stats().actionFailures).toBe(1);
  });

  it('without a responder, only reports (dryRun)', () => {
    const e = new RuleEngine(rules({ ...INJECTION, threshold: 0 }));
    const fired = e.observe(injection());
    expect(fired.map((r) => r.attributes.dryRun)).toEqual([true, true]);
  });

  it('does not count response events unless a rule asks for kind: response', () => {
    const set = rules(
      { name: 'any-block', match: { decision: 'block' }, threshold: 0, window: '1m', actions: [{ suspend_key: { for: '1h' } }] },
      { name: 'repeat-offender', match: { kind: 'response', decision: 'block' }, threshold: 1, window: '1d', actions: [{ revoke_key: {} }] },
    );
    const { e, clock } = engine(set);
    const first = e.observe(injection());
    expect(first.map((r) => r.attributes.rule)).toEqual(['any-block']);
    // Fed back: only the repeat-offender rule counts it.
    expect(e.observe(first[0] as ResponseEvent)).toEqual([]);
    clock.now += 2 * MIN;
    const second = e.observe(injection());
    expect(e.observe(second[0] as ResponseEvent).map((r) => r.attributes.action)).toEqual(['revoke_key']);
  });

  it('survives hostile events', () => {
    const { e } = engine(rules({ name: 'all', match: {}, count: 'findings', threshold: 1, window: '1m', actions: [{ alert: {} }] }));
    const weird = { ...injection(), findings: 'nope', attributes: null } as unknown as SecurityEvent;
    expect(() => e.observe(weird)).not.toThrow();
    expect(() => e.observe(null as unknown as SecurityEvent)).not.toThrow();
    expect(() => e.observe({ ...injection(), principal: 'x'.repeat(10_000) })).not.toThrow();
  });
});
