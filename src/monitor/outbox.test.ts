// Tests of the outbox: per-sink cursors that survive restarts, retries, dead letters, independence of sinks,
// bounded memory, and the PostgreSQL seq holes; on SQLite and (BULWARK_TEST_DATABASE_URL) PostgreSQL.
import fc from 'fast-check';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../core/errors.js';
import { createEvent, type SecurityEvent } from '../core/event.js';
import type { Store } from '../store/db.js';
import { storeBackends, type StoreBackend } from '../../test/fixtures/store-backends.js';
import { Outbox, type OutboxOptions } from './outbox.js';
import { backoffDelay, isUnreachable } from './outbox-retry.js';
import { listDeadLetters } from './outbox-state.js';
import type { Sink, StoredEvent } from './types.js';

const backends = storeBackends('outbox on PostgreSQL');
let backend: StoreBackend = backends[0] as StoreBackend;
const stores: Store[] = [];
const outboxes: Outbox[] = [];

afterEach(async () => {
  await Promise.all(outboxes.splice(0).map((o) => o.stop()));
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
});

/** A sink that records what it got; `fail` decides per call whether to throw; `gate` holds sends until opened. */
class RecordingSink implements Sink {
  readonly received: StoredEvent[] = [];
  readonly batches: number[] = [];
  calls = 0;
  closed = 0;
  fail: ((call: number) => Error | undefined) | undefined;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  constructor(readonly id: string) {}

  hold(): void {
    this.#gate = new Promise((r) => (this.#open = r));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  async send(batch: readonly StoredEvent[]): Promise<void> {
    this.calls++;
    const error = this.fail?.(this.calls);
    if (error) throw error;
    if (this.#gate) await this.#gate;
    this.batches.push(batch.length);
    this.received.push(...batch);
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }

  ids(): string[] {
    return this.received.map((s) => s.event.id);
  }
}

function event(i = 0): SecurityEvent {
  return createEvent({ kind: 'detection', source: 'guard', decision: 'block', requestId: `r${i}` });
}

async function store(): Promise<Store> {
  const s = await backend.open({ keys: { refreshIntervalMs: 0 }, events: { flushIntervalMs: 60_000 } });
  stores.push(s);
  return s;
}

async function write(s: Store, n: number, from = 0): Promise<SecurityEvent[]> {
  const all = Array.from({ length: n }, (_, i) => event(from + i));
  for (const e of all) s.events.append(e);
  await s.events.flush();
  return all;
}

async function outbox(s: Store, sinks: Sink[], options: Partial<OutboxOptions> = {}): Promise<Outbox> {
  const o = new Outbox(s, { sinks, pollIntervalMs: 20, random: () => 0, backoffBaseMs: 1, ...options });
  outboxes.push(o);
  await o.start();
  return o;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const refused = () => new BulwarkError('ERR_SINK', 'receiver answered 400: bad batch');
const unreachable = () => new BulwarkError('ERR_SINK', 'connect failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });

describe.each(backends)('$name', (b) => {
  beforeEach(() => {
    backend = b;
  });
  if (!b.available) {
    it.skip('needs BULWARK_TEST_DATABASE_URL', () => undefined);
    return;
  }

  it('delivers stored and new events to every sink in order, and resumes from the stored cursor', async () => {
    const s = await store();
    const before = await write(s, 5);
    const a = new RecordingSink('tcp://a');
    const c = new RecordingSink('tcp://c');
    const first = await outbox(s, [a, c], { startFrom: 'oldest', batchSize: 3 });
    const more = await write(s, 4, 5);
    await eventually(() => a.received.length === 9 && c.received.length === 9, 'both sinks got everything');
    expect(a.ids()).toEqual([...before, ...more].map((e) => e.id));
    expect(Math.max(...a.batches)).toBeLessThanOrEqual(3);
    await first.stop();
    expect(a.closed).toBe(1);
    expect(first.stats().sinks.map((x) => x.lag)).toEqual([0, 0]);

    // Written while no outbox ran: delivered after the restart, and nothing delivered before is sent again.
    const later = await write(s, 3, 9);
    const a2 = new RecordingSink('tcp://a');
    const second = await outbox(s, [a2]);
    expect(await second.drained()).toBe(true);
    expect(a2.ids()).toEqual(later.map((e) => e.id));
    expect(second.stats().sinks[0]).toMatchObject({ sinkId: 'tcp://a', delivered: 3, lag: 0, retries: 0, deadLettered: 0 });
  });

  it('starts a new sink at the latest event unless told to start from the oldest', async () => {
    const s = await store();
    await write(s, 4);
    const latest = new RecordingSink('latest');
    const oldest = new RecordingSink('oldest');
    await outbox(s, [latest]);
    const o2 = await outbox(s, [oldest], { startFrom: 'oldest' });
    const fresh = await write(s, 2, 4);
    await eventually(() => latest.received.length === 2 && oldest.received.length === 6, 'deliveries');
    expect(latest.ids()).toEqual(fresh.map((e) => e.id));
    expect(o2.stats().sinks[0]?.cursor).toBe(await s.events.headSeq());
  });

  it('dead-letters a batch refused maxAttempts times and moves on, while another sink is unaffected', async () => {
    const s = await store();
    const bad = new RecordingSink('http://bad');
    const good = new RecordingSink('http://good');
    const errors: string[] = [];
    // Refuses the first batch three times, then accepts everything.
    bad.fail = (call) => (call <= 3 ? refused() : undefined);
    const o = await outbox(s, [bad, good], { batchSize: 2, maxAttempts: 3, onError: (id, e) => errors.push(`${id} ${e.code}`) });
    const all = await write(s, 4);
    await eventually(() => bad.received.length === 2 && good.received.length === 4, 'deliveries');
    const st = o.stats().sinks;
    expect(st[0]).toMatchObject({ deadLettered: 2, retries: 3, delivered: 2, failing: 0, lastError: 'receiver answered 400: bad batch' });
    expect(st[1]).toMatchObject({ deadLettered: 0, retries: 0, delivered: 4 });
    expect(errors).toEqual(['http://bad ERR_SINK', 'http://bad ERR_SINK', 'http://bad ERR_SINK']);
    const letters = await listDeadLetters(s.db, { sinkId: 'http://bad' });
    expect(letters.map((l) => l.eventId).sort()).toEqual(all.slice(0, 2).map((e) => e.id).sort());
    expect(letters[0]).toMatchObject({ error: 'receiver answered 400: bad batch' });
    expect(bad.ids()).toEqual(all.slice(2).map((e) => e.id));
  });

  it('waits out an unreachable receiver however long it takes: nothing is dead-lettered', async () => {
    const s = await store();
    const down = new RecordingSink('syslog+tcp://siem:514');
    let up = false;
    down.fail = () => (up ? undefined : unreachable());
    const o = await outbox(s, [down], { maxAttempts: 2 });
    const all = await write(s, 5);
    await eventually(() => o.stats().sinks[0]!.retries >= 10, 'ten failed tries');
    up = true;
    await eventually(() => down.received.length === 5, 'delivery after the receiver came back');
    expect(down.ids()).toEqual(all.map((e) => e.id));
    expect(o.stats().sinks[0]).toMatchObject({ deadLettered: 0, delivered: 5, failing: 0 });
    expect(await listDeadLetters(s.db)).toEqual([]);
  });

  it('holds at most one batch per sink whatever the backlog, and a stuck sink never holds up the others', async () => {
    const s = await store();
    const slow = new RecordingSink('slow');
    const fast = new RecordingSink('fast');
    slow.hold();
    const o = await outbox(s, [slow, fast], { batchSize: 10 });
    await write(s, 300);
    await eventually(() => fast.received.length === 300, 'the fast sink got everything');
    const stuck = o.stats().sinks[0]!;
    expect(stuck).toMatchObject({ inFlight: 10, delivered: 0 });
    expect(stuck.lag).toBe(300);
    slow.release();
    await eventually(() => slow.received.length === 300, 'the slow sink caught up');
    expect(o.stats().sinks.map((x) => x.maxInFlight)).toEqual([10, 10]);
    expect(new Set(slow.ids()).size).toBe(300);
  });

  it('aborts a send that takes too long and retries it', async () => {
    const s = await store();
    let calls = 0;
    const received: StoredEvent[] = [];
    const hanging: Sink = {
      id: 'hangs-once',
      // The first call ignores its signal and never settles: the outbox must not wait for it.
      send: (batch) => (++calls === 1 ? new Promise<void>(() => undefined) : Promise.resolve(void received.push(...batch))),
      close: () => Promise.resolve(),
    };
    const o = await outbox(s, [hanging], { sendTimeoutMs: 50, maxAttempts: 1 });
    await write(s, 3);
    await eventually(() => received.length === 3, 'the retry delivered');
    expect(o.stats().sinks[0]).toMatchObject({ retries: 1, deadLettered: 0, lastError: expect.stringContaining('longer than 50 ms') });
  });

  it('refuses two sinks with one id, and starting twice', async () => {
    const s = await store();
    expect(() => new Outbox(s, { sinks: [new RecordingSink('x'), new RecordingSink('x')] })).toThrow(TypeError);
    expect(() => new Outbox(s, { sinks: [], batchSize: 0 })).toThrow(TypeError);
    const o = await outbox(s, []);
    await expect(o.start()).rejects.toThrow(TypeError);
  });
});

describe.skipIf(backends[1]?.available !== true)('postgres seq holes', () => {
  beforeEach(() => {
    backend = backends[1] as StoreBackend;
  });

  /** A second connection that inserts one event in a transaction it keeps open: its seq is taken, not visible. */
  async function openInsert(s: Store): Promise<{ commit(): Promise<void>; rollback(): Promise<void>; id: string }> {
    const url = (s.location as { url: string }).url;
    // The location masks passwords; the test server URL has none.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const id = `held-${Math.random()}`;
    await client.query('begin');
    await client.query(
      `insert into security_events (id, time, kind, source, decision, severity, findings, failures, tags, attributes)
       values ($1, $2, 'detection', 'guard', 'block', 'info', '[]', '[]', '{}', '{}')`,
      [id, new Date().toISOString()],
    );
    const end = async (what: string) => {
      await client.query(what);
      await client.end();
    };
    return { id, commit: () => end('commit'), rollback: () => end('rollback') };
  }

  it('never moves past a seq that is still being committed, and delivers it once committed', async () => {
    const s = await store();
    const sink = new RecordingSink('siem');
    const o = await outbox(s, [sink], { gapGraceMs: 60_000 });
    const first = await write(s, 2);
    await eventually(() => sink.received.length === 2, 'the first events');
    const held = await openInsert(s);
    const after = await write(s, 3, 2);
    // The later events are committed, but they sit behind the open insert: nothing after the hole goes out.
    await eventually(async () => (await s.events.headSeq()) >= sink.received.at(-1)!.seq + 4, 'the later events are visible');
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.received).toHaveLength(2);
    expect(o.stats().sinks[0]?.inFlight).toBe(0);
    await held.commit();
    await eventually(() => sink.received.length === 6, 'everything after the commit');
    expect(sink.ids()).toEqual([...first.map((e) => e.id), held.id, ...after.map((e) => e.id)]);
  });

  it('gives a hole up after the grace period when its insert was rolled back', async () => {
    const s = await store();
    const sink = new RecordingSink('siem');
    const o = await outbox(s, [sink], { gapGraceMs: 200 });
    const held = await openInsert(s);
    const after = await write(s, 2);
    await held.rollback();
    await eventually(() => sink.received.length === 2, 'the events after the hole');
    expect(sink.ids()).toEqual(after.map((e) => e.id));
    expect(o.stats().sinks[0]?.skippedGaps).toBe(1);
  });
});

describe('retry policy', () => {
  it('backs off with full jitter below an exponential ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, { baseMs: 100, maxMs: 10_000, random: () => r });
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(10_000, 100 * 2 ** (attempt - 1)));
      }),
    );
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, random: () => 0.999999 })).toBe(399);
  });

  it('tells an unreachable receiver from a refused batch', () => {
    expect(isUnreachable(unreachable())).toBe(true);
    expect(isUnreachable(refused())).toBe(false);
    expect(isUnreachable(new BulwarkError('ERR_SINK', '503', { context: { retryable: true } }))).toBe(true);
    expect(isUnreachable(new BulwarkError('ERR_SINK', '400', { context: { retryable: false }, cause: unreachable() }))).toBe(false);
    expect(isUnreachable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isUnreachable(null)).toBe(false);
    const cycle: { cause?: unknown } = {};
    cycle.cause = cycle;
    expect(isUnreachable(cycle)).toBe(false);
  });
});
