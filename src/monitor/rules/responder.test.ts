// Tests of responses against a real SQLite store in a temp dir: each action through the store responder, and the
// whole path from bulwark.yaml to a suspended key that another process (a gateway) refuses, then unsuspended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, type SecurityEvent } from '../../core/event.js';
import { compileConfig } from '../../policy/compile.js';
import { parseConfig } from '../../policy/load.js';
import { BlockList } from '../../store/blocks.js';
import { openStore, type Store } from '../../store/db.js';
import { RuleEngine } from './engine.js';
import { observeRules } from './observing-sink.js';
import { createStoreResponder, type Notifier } from './responder.js';

const HOUR = 3_600_000;
let dir: string;
let clock: number;
const open: { close(): unknown }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-rules-'));
  clock = Date.parse('2030-01-01T00:00:00.000Z');
});

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  rmSync(dir, { recursive: true, force: true });
});

async function store(refreshIntervalMs = 0): Promise<{ store: Store; blocks: BlockList }> {
  const s = await openStore({ url: join(dir, 'bulwark.db'), keys: { now: () => clock, refreshIntervalMs }, events: { flushIntervalMs: 60_000 } });
  open.push(s);
  const blocks = await BlockList.open(s.db, { now: () => clock, refreshIntervalMs });
  open.push(blocks);
  return { store: s, blocks };
}

const CONFIG = `version: 1
upstreams: [{ name: up, url: "http://127.0.0.1:8000/v1" }]
alerts:
  - name: injection-burst
    match: { kind: detection, detector: prompt-injection, decision: [block, flag], stage: input }
    group_by: principal
    threshold: 5
    window: 10m
    actions:
      - suspend_key: { for: 1h }
      - notify: { sink: "webhook+https://hooks.example/x?secret_env=HOOK" }
  - name: scanner
    match: { kind: auth }
    group_by: source_ip
    threshold: 20
    window: 1m
    actions: [ { block_source: { for: 15m } } ]
  - name: pii-leak-burst
    match: { detector: pii, stage: output }
    threshold: 20
    window: 5m
    actions: [ { raise_severity: high }, { alert: {} } ]
`;

function injection(principal: string, keyId: string): SecurityEvent {
  return createEvent({
    kind: 'detection',
    source: 'guard',
    decision: 'block',
    stage: 'input',
    principal,
    findings: [{ detector: 'prompt-injection', category: 'jailbreak', score: 0.97, severity: 'critical', tags: {} }],
    attributes: { route: '/v1/chat/completions', keyId, sourceAddress: '203.0.113.9' },
  });
}

describe('rules suspend an abusive key', () => {
  it('from bulwark.yaml to a key refused by another process, with the responses stored as events; unsuspend undoes it', async () => {
    const admin = await store();
    const gateway = await store();
    const { key, record } = await admin.store.keys.create({ name: 'team-a', models: ['*'] });
    const innocent = await admin.store.keys.create({ name: 'team-b', models: ['*'] });
    await gateway.store.keys.refresh();
    expect(gateway.store.keys.verify(key).ok).toBe(true);

    const config = compileConfig(parseConfig(CONFIG, 'bulwark.yaml'));
    const notified: [string, SecurityEvent][] = [];
    const notify: Notifier = async (sink, event) => {
      notified.push([sink, event]);
    };
    const events = admin.store.events;
    const engine = new RuleEngine(config.alerts, {
      responder: createStoreResponder({ keys: admin.store.keys, blocks: admin.blocks, notify }),
      emit: (e) => events.append(e),
      now: () => clock,
    });
    const sink = observeRules(engine, events);
    for (let i = 0; i < 5; i++) sink.append(injection('team-a', record.id));
    for (let i = 0; i < 5; i++) sink.append(injection('team-b', innocent.record.id));
    await engine.drain();
    expect(gateway.store.keys.verify(key).ok).toBe(true); // exactly 5: not more than the threshold
    sink.append(injection('team-a', record.id));
    await engine.drain();

    // The gateway process sees the suspension at its next refresh.
    expect(await gateway.store.keys.refresh()).toBe(true);
    expect(gateway.store.keys.verify(key)).toMatchObject({ ok: false, reason: 'suspended', key: { name: 'team-a', suspendedUntil: new Date(clock + HOUR).toISOString() } });
    expect(gateway.store.keys.verify(innocent.key).ok).toBe(true);
    expect(notified).toHaveLength(1);
    expect(notified[0]?.[0]).toBe('webhook+https://hooks.example/x?secret_env=HOOK');

    const responses = await events.query({ kind: 'response' });
    expect(responses.map((e) => [e.attributes['action'], e.attributes['target'], e.decision]).sort()).toEqual([
      ['notify', 'webhook+https://hooks.example/x', 'flag'],
      ['suspend_key', 'team-a', 'block'],
    ]);
    expect(JSON.stringify(responses)).not.toContain('secret_env');
    const list = await admin.store.keys.list();
    expect(list.find((k) => k.name === 'team-a')).toMatchObject({ suspensionReason: expect.stringContaining('alert rule injection-burst: 6 in 600s') });

    // `bulwark keys unsuspend` undoes it.
    await admin.store.keys.unsuspend('team-a');
    await gateway.store.keys.refresh();
    expect(gateway.store.keys.verify(key).ok).toBe(true);
  });

  it('blocks a scanning source address after a burst of auth failures', async () => {
    const admin = await store();
    const gateway = await store();
    const engine = new RuleEngine(compileConfig(parseConfig(CONFIG, 'bulwark.yaml')).alerts, {
      responder: createStoreResponder({ keys: admin.store.keys, blocks: admin.blocks }),
      now: () => clock,
    });
    const authFailure = () => createEvent({ kind: 'auth', source: 'guard', decision: 'block', attributes: { reason: 'unknown', sourceAddress: '::ffff:198.51.100.4' } });
    let fired = 0;
    for (let i = 0; i < 21; i++) fired += engine.observe(authFailure()).length;
    expect(fired).toBe(1);
    await engine.drain();
    await gateway.blocks.refresh();
    expect(gateway.blocks.isBlocked('source', '198.51.100.4')).toBe(true);
    expect((await admin.blocks.list())[0]).toMatchObject({ kind: 'source', value: '198.51.100.4', rule: 'scanner', until: new Date(clock + 15 * 60_000).toISOString() });
  });
});

describe('store responder', () => {
  it('carries out each action on the store', async () => {
    const { store: s, blocks } = await store();
    const a = await s.keys.create({ name: 'team-a', models: ['*'] });
    const b = await s.keys.create({ name: 'team-b', models: ['*'] });
    const sent: string[] = [];
    const r = createStoreResponder({ keys: s.keys, blocks, notify: async (sink) => void sent.push(sink) });
    const why = { rule: 'r1', text: 'test' };
    await r.suspendKey(a.record.id, new Date(clock + HOUR), why);
    expect(s.keys.verify(a.key)).toMatchObject({ reason: 'suspended', key: { suspensionReason: 'alert rule r1: test' } });
    await r.revokeKey('team-b', why);
    expect(s.keys.verify(b.key)).toMatchObject({ reason: 'revoked' });
    await expect(r.revokeKey('team-b', why)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await expect(r.suspendKey('team-b', new Date(clock + HOUR), why)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await expect(r.suspendKey('jwt-subject', new Date(clock + HOUR), why)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await r.blockPrincipal('team-c', new Date(clock + HOUR), why);
    await r.blockSource('192.0.2.1', new Date(clock + HOUR), why);
    expect([blocks.isBlocked('principal', 'team-c'), blocks.isBlocked('source', '192.0.2.1')]).toEqual([true, true]);
    await r.notify('ops', createEvent({ kind: 'response', source: 'guard', decision: 'flag' }));
    expect(sent).toEqual(['ops']);
  });

  it('fails notify without a notifier, and the engine records that as an error event', async () => {
    const { store: s, blocks } = await store();
    const emitted: SecurityEvent[] = [];
    const engine = new RuleEngine(compileConfig(parseConfig(CONFIG, 'bulwark.yaml')).alerts, {
      responder: createStoreResponder({ keys: s.keys, blocks }),
      emit: (e) => emitted.push(e),
      now: () => clock,
    });
    await s.keys.create({ name: 'team-a', models: ['*'] });
    for (let i = 0; i < 6; i++) engine.observe(injection('team-a', 'whatever'));
    await engine.drain();
    expect(emitted.map((e) => [e.attributes['action'], (e.attributes['error'] as { code: string }).code])).toEqual([['notify', 'ERR_SINK_CONFIG']]);
  });
});
