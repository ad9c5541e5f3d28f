// Tests of the event store: buffering and batching, overflow, failures and retries, draining on close, queries,
// reading by seq and purging; on SQLite and (when BULWARK_TEST_DATABASE_URL is set) PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, type NewEvent, type SecurityEvent } from '../core/event.js';
import type { Finding } from '../core/finding.js';
import { storeBackends, type StoreBackend } from '../../test/fixtures/store-backends.js';
import { openStore, type OpenStoreOptions, type Store } from './db.js';
import { EventStore } from './events.js';

const stores: Store[] = [];
const backends = storeBackends('event store on PostgreSQL');
let backend: StoreBackend = backends[0] as StoreBackend;

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
});

/** A store whose timer never fires unless a test asks for it. */
async function store(events: OpenStoreOptions['events'] = {}): Promise<Store> {
  const s = await backend.open({ keys: { refreshIntervalMs: 0 }, events: { flushIntervalMs: 60_000, ...events } });
  stores.push(s);
  return s;
}

function event(overrides: Partial<NewEvent> = {}): SecurityEvent {
  return createEvent({ kind: 'detection', source: 'guard', decision: 'allow', ...overrides });
}

/** Rows on disk, read around the store (query() would flush first). */
async function stored(s: Store): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from security_events`.execute(s.db);
  return Number(r.rows[0]?.n);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const finding: Finding = {
  detector: 'prompt-injection',
  category: 'injection',
  score: 0.93,
  severity: 'high',
  span: { start: 0, end: 4 },
  evidence: 'igno…',
  tags: { owaspLlm: ['LLM01:2025'] },
};

describe.each(backends)('$name', (b) => {
  beforeEach(() => {
    backend = b;
  });
  if (!b.available) {
    it.skip('needs BULWARK_TEST_DATABASE_URL', () => undefined);
    return;
  }

  describe('append and flush', () => {
    it('only buffers: nothing is written until a flush', async () => {
      const s = await store();
      for (let i = 0; i < 10; i++) expect(s.events.append(event())).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await stored(s)).toBe(0);
      expect(s.events.stats()).toMatchObject({ buffered: 10, written: 0 });
      await s.events.flush();
      expect(await stored(s)).toBe(10);
      expect(s.events.stats()).toMatchObject({ buffered: 0, written: 10 });
    });

    it('flushes on its own after the interval', async () => {
      const s = await store({ flushIntervalMs: 20 });
      s.events.append(event());
      s.events.append(event());
      await eventually(async () => (await stored(s)) === 2, 'the timer flushed');
    });

    it('flushes when a batch is full, after the current turn of the event loop', async () => {
      const s = await store({ batchSize: 5 });
      for (let i = 0; i < 12; i++) s.events.append(event());
      expect(await stored(s)).toBe(0);
      await eventually(async () => (await stored(s)) === 12, 'full batches were written');
      expect(s.events.stats()).toMatchObject({ buffered: 0, written: 12 });
    });

    it('keeps flushing after a timer found the buffer already drained (regression)', async () => {
      const s = await store({ batchSize: 5, flushIntervalMs: 20 });
      // The first append starts the timer, the fifth drains at once; the timer then finds nothing to write.
      for (let i = 0; i < 5; i++) s.events.append(event());
      await new Promise((r) => setTimeout(r, 60));
      expect(await stored(s)).toBe(5);
      s.events.append(event());
      s.events.append(event());
      await eventually(async () => (await stored(s)) === 7, 'the timer flushed again');
      s.events.append(event());
      await s.events.flush();
      expect(await stored(s)).toBe(8);
    });

    it('writes every event exactly once while appends and flushes interleave', async () => {
      const s = await store({ batchSize: 37, flushIntervalMs: 5 });
      const ids = new Set<string>();
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 50; i++) {
          const e = event();
          ids.add(e.id);
          s.events.append(e);
        }
        if (round % 3 === 0) void s.events.flush();
        await new Promise((r) => setImmediate(r));
      }
      await s.events.flush();
      const rows = await sql<{ id: string }>`select id from security_events`.execute(s.db);
      expect(rows.rows).toHaveLength(1000);
      expect(new Set(rows.rows.map((r) => r.id))).toEqual(ids);
    });

    it('counts what overflows a full buffer and keeps the rest', async () => {
      const s = await store({ maxBuffered: 5 });
      const accepted = Array.from({ length: 8 }, () => s.events.append(event()));
      expect(accepted).toEqual([true, true, true, true, true, false, false, false]);
      expect(s.events.stats()).toMatchObject({ buffered: 5, dropped: 3 });
      await s.events.flush();
      expect(await stored(s)).toBe(5);
    });

    it('drains on close and refuses (counts) events after it', async () => {
      const s = await store();
      for (let i = 0; i < 7; i++) s.events.append(event());
      await s.events.close();
      expect(await stored(s)).toBe(7);
      expect(s.events.append(event())).toBe(false);
      expect(s.events.stats()).toMatchObject({ buffered: 0, written: 7, dropped: 1 });
    });

    it('skips and counts an event that cannot be serialised, writing the others', async () => {
      const s = await store();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = { again: { and: { again: cyclic } } };
      s.events.append(event({ attributes: { big: 10n } }));
      s.events.append(event());
      await s.events.flush();
      expect(await stored(s)).toBe(1);
      expect(s.events.stats()).toMatchObject({ invalid: 1, written: 1 });
      // Cycles are cut by the redaction depth limit instead of failing.
      s.events.append(event({ attributes: { cyclic } }));
      await s.events.flush();
      expect(await stored(s)).toBe(2);
    });
  });

  describe('write failures', () => {
    const hide = (s: Store) => sql`alter table security_events rename to hidden_events`.execute(s.db);
    const restore = (s: Store) => sql`alter table hidden_events rename to security_events`.execute(s.db);

    it('keeps a failed batch, reports it, and writes it once the database is back', async () => {
      const errors: string[] = [];
      const s = await store({ onError: (e) => errors.push(e.code) });
      await hide(s);
      s.events.append(event());
      await expect(s.events.flush()).rejects.toMatchObject({ code: 'ERR_STORE' });
      expect(errors).toEqual(['ERR_STORE']);
      expect(s.events.stats()).toMatchObject({ buffered: 1, failedWrites: 1, lastError: expect.stringContaining('security_events') });
      await restore(s);
      await s.events.flush();
      expect(await stored(s)).toBe(1);
      expect(s.events.stats()).toMatchObject({ buffered: 0, written: 1, lost: 0 });
    });

    it('gives a batch up after three failed writes, counting it as lost', async () => {
      const s = await store();
      await hide(s);
      s.events.append(event());
      s.events.append(event());
      for (let i = 0; i < 3; i++) await s.events.flush().catch(() => undefined);
      expect(s.events.stats()).toMatchObject({ buffered: 0, lost: 2, failedWrites: 3 });
      await restore(s);
      s.events.append(event());
      await s.events.flush();
      expect(await stored(s)).toBe(1);
    });

    it('rejects close when events could not be written, saying how many', async () => {
      const s = await store();
      await hide(s);
      for (let i = 0; i < 4; i++) s.events.append(event());
      await expect(s.events.close()).rejects.toMatchObject({ code: 'ERR_STORE', context: { lost: 4 } });
      expect(s.events.stats()).toMatchObject({ buffered: 0, lost: 4 });
      await restore(s);
    });
  });

  describe('portable writer', () => {
    it('writes and reads through kysely alone (the path other dialects take)', async () => {
      const s = await store();
      const portable = new EventStore(s.db, { flushIntervalMs: 60_000, batchSize: 300 });
      for (let i = 0; i < 700; i++) portable.append(event({ requestId: `p${i}` }));
      await portable.close();
      expect(await stored(s)).toBe(700);
      expect((await portable.query({ requestId: 'p699' })).map((e) => e.requestId)).toEqual(['p699']);
    });
  });

  describe('query', () => {
    it('returns events as they were appended, newest first', async () => {
      const s = await store();
      const older = event({ time: new Date('2030-01-01T00:00:00Z'), findings: [finding], stage: 'input', principal: 'team-a', requestId: 'r1', attributes: { model: 'gpt-4o', usage: { prompt_tokens: 12 } } });
      const newer = event({ time: new Date('2030-01-01T00:00:01Z'), kind: 'auth', decision: 'block', failures: [{ detector: 'x', code: 'ERR_DETECTOR_TIMEOUT', message: 'slow', failMode: 'open' }] });
      s.events.append(older);
      s.events.append(newer);
      expect(await s.events.query()).toEqual([newer, older]);
    });

    it('filters by time, kind, decision, principal and request id, and limits', async () => {
      const s = await store();
      const at = (sec: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, sec));
      const all = [
        event({ time: at(0), kind: 'detection', decision: 'allow', principal: 'a', requestId: 'r0' }),
        event({ time: at(1), kind: 'detection', decision: 'block', principal: 'b', requestId: 'r1' }),
        event({ time: at(2), kind: 'auth', decision: 'block', principal: 'a', requestId: 'r2' }),
        event({ time: at(3), kind: 'limit', decision: 'block', requestId: 'r3' }),
        event({ time: at(4), kind: 'detection', decision: 'redact', principal: 'a', requestId: 'r4' }),
      ];
      for (const e of all) s.events.append(e);
      const ids = async (q: Parameters<Store['events']['query']>[0]) => (await s.events.query(q)).map((e) => e.requestId);
      expect(await ids({ since: at(2) })).toEqual(['r4', 'r3', 'r2']);
      expect(await ids({ since: at(1).toISOString(), until: at(3) })).toEqual(['r2', 'r1']);
      expect(await ids({ kind: 'detection' })).toEqual(['r4', 'r1', 'r0']);
      expect(await ids({ kind: ['auth', 'limit'] })).toEqual(['r3', 'r2']);
      expect(await ids({ decision: 'block' })).toEqual(['r3', 'r2', 'r1']);
      expect(await ids({ decision: ['allow', 'redact'], principal: 'a' })).toEqual(['r4', 'r0']);
      expect(await ids({ principal: 'a', kind: 'detection', decision: 'block' })).toEqual([]);
      expect(await ids({ requestId: 'r3' })).toEqual(['r3']);
      expect(await ids({ limit: 2 })).toEqual(['r4', 'r3']);
      expect(await ids({ limit: 0 })).toEqual(['r4']);
    });

    it('refuses an invalid time', async () => {
      const s = await store();
      await expect(s.events.query({ since: 'yesterday-ish' })).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    });
  });

  describe('secrets', () => {
    it('never writes credential attributes or credential values', async () => {
      const s = await store();
      const apiKey = `bwk_${'A'.repeat(16)}_${'s'.repeat(43)}`;
      s.events.append(
        event({
          attributes: {
            model: 'gpt-4o',
            authorization: 'Bearer sk-live-123',
            headers: { 'x-api-key': apiKey, cookie: 'sid=1', 'content-type': 'application/json' },
            note: `client sent ${apiKey}`,
            usage: { prompt_tokens: 3, max_tokens: 10 },
          },
        }),
      );
      await s.events.flush();
      const raw = JSON.stringify((await sql`select * from security_events`.execute(s.db)).rows);
      expect(raw).not.toContain('sk-live-123');
      expect(raw).not.toContain('s'.repeat(43));
      expect(raw).not.toContain('sid=1');
      const [e] = await s.events.query();
      expect(e?.attributes).toEqual({
        model: 'gpt-4o',
        headers: { 'content-type': 'application/json' },
        note: '[redacted]',
        usage: { prompt_tokens: 3, max_tokens: 10 },
      });
    });
  });

  describe('detector and category filters', () => {
    const f = (detector: string, category: string): Finding => ({ ...finding, detector, category });

    it('filters on the findings JSON exactly, wildcards and case included, and still fills the limit', async () => {
      const s = await store();
      const at = (sec: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, sec));
      s.events.append(event({ time: at(0), requestId: 'a', findings: [f('prompt-injection', 'jailbreak')] }));
      s.events.append(event({ time: at(1), requestId: 'b', findings: [f('pii', 'email'), f('secrets', 'aws_access_key')] }));
      s.events.append(event({ time: at(2), requestId: 'c', findings: [f('PII', 'Email')] }));
      s.events.append(event({ time: at(3), requestId: 'd', findings: [f('p%i', 'e_ail')] }));
      // Matches the LIKE prefilter (the same text sits in metadata) but not the filter: must not use up the limit.
      for (let i = 0; i < 5; i++) {
        s.events.append(event({ time: at(10 + i), requestId: `decoy${i}`, findings: [{ ...f('other', 'x'), metadata: { detector: 'pii' } }] }));
      }
      const ids = async (q: Parameters<Store['events']['query']>[0]) => (await s.events.query(q)).map((e) => e.requestId);
      expect(await ids({ detector: 'pii' })).toEqual(['b']);
      expect(await ids({ detector: 'pii', limit: 1 })).toEqual(['b']);
      expect(await ids({ detector: ['PII', 'prompt-injection'] })).toEqual(['c', 'a']);
      expect(await ids({ category: 'email' })).toEqual(['b']);
      expect(await ids({ detector: 'p%i' })).toEqual(['d']);
      expect(await ids({ category: 'e_ail' })).toEqual(['d']);
      expect(await ids({ detector: 'p_i' })).toEqual([]);
      expect(await ids({ detector: 'secrets', category: 'aws_access_key' })).toEqual(['b']);
      expect(await ids({ detector: 'pii', category: 'jailbreak' })).toEqual([]);
    });
  });

  describe('reading by seq', () => {
    it('reads committed events after a seq, in order, bounded by count and bytes, and reports the head', async () => {
      const s = await store();
      expect(await s.events.headSeq()).toBe(0);
      expect(await s.events.readAfter(0, 10)).toEqual([]);
      const all = Array.from({ length: 7 }, (_, i) => event({ requestId: `r${i}`, attributes: { pad: 'x'.repeat(1000) } }));
      for (const e of all) s.events.append(e);
      await s.events.flush();
      const head = await s.events.headSeq();
      const first = await s.events.readAfter(0, 3);
      expect(first.map((x) => x.event)).toEqual(all.slice(0, 3));
      const seqs = first.map((x) => x.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const rest = await s.events.readAfter(seqs[2] as number, 100);
      expect(rest.map((x) => x.event.requestId)).toEqual(['r3', 'r4', 'r5', 'r6']);
      expect(rest.at(-1)?.seq).toBe(head);
      // About 1.3 kB a row: a 3 kB budget takes two rows; a tiny budget still takes one.
      expect(await s.events.readAfter(0, 100, 3_000)).toHaveLength(2);
      expect(await s.events.readAfter(0, 100, 1)).toHaveLength(1);
      expect(await s.events.readAfter(head, 10)).toEqual([]);
    });

    it('tells listeners about each successful write, not about failed ones', async () => {
      const s = await store();
      const seen: number[] = [];
      const stop = s.events.onWritten(({ count }) => seen.push(count));
      s.events.onWritten(() => {
        throw new Error('a broken listener');
      });
      s.events.append(event());
      s.events.append(event());
      await s.events.flush();
      await sql`alter table security_events rename to hidden_events`.execute(s.db);
      s.events.append(event());
      await expect(s.events.flush()).rejects.toMatchObject({ code: 'ERR_STORE' });
      await sql`alter table hidden_events rename to security_events`.execute(s.db);
      await s.events.flush();
      stop();
      s.events.append(event());
      await s.events.flush();
      expect(seen).toEqual([2, 1]);
    });
  });

  describe('purge', () => {
    const day = 86_400_000;
    const now = Date.parse('2030-03-01T00:00:00Z');

    it('deletes old events in batches, keeps the newest, and counts what sinks had not delivered', async () => {
      const s = await store();
      for (let i = 0; i < 25; i++) s.events.append(event({ time: new Date(now - (40 - i) * day), requestId: `old${i}` }));
      for (let i = 0; i < 3; i++) s.events.append(event({ time: new Date(now - i * day), requestId: `new${i}` }));
      await s.events.flush();
      const seqs = (await s.events.readAfter(0, 100)).map((x) => x.seq);
      // A sink that delivered the first 20 events, one that delivered all.
      await s.db.insertInto('sink_cursors').values([
        { sink_id: 'a', seq: seqs[19] as number, updated_at: new Date(now).toISOString() },
        { sink_id: 'b', seq: seqs.at(-1) as number, updated_at: new Date(now).toISOString() },
      ]).execute();
      await s.db.insertInto('dead_letters').values([
        { sink_id: 'a', seq: seqs[0] as number, event_id: 'x', error: 'refused', failed_at: new Date(now - 40 * day).toISOString() },
        { sink_id: 'a', seq: seqs[26] as number, event_id: 'y', error: 'refused', failed_at: new Date(now - day).toISOString() },
      ]).execute();
      const result = await s.events.purge({ olderThan: new Date(now - 30 * day), batchSize: 4 });
      expect(result).toEqual({ deleted: 10, undelivered: 0, deadLetters: 1 });
      const left = await s.events.purge({ olderThan: new Date(now - 12 * day), batchSize: 4 });
      // old10..old19 (delivered to both sinks) and old20..old24 (not delivered to sink a).
      expect(left).toEqual({ deleted: 15, undelivered: 5, deadLetters: 0 });
      expect((await s.events.query({ limit: 100 })).map((e) => e.requestId)).toEqual(['new0', 'new1', 'new2']);
      // Everything is older than the cutoff: the last written event stays, so seqs are never handed out twice.
      const all = await s.events.purge({ olderThan: new Date(now + day) });
      expect(all.deleted).toBe(2);
      expect((await s.events.query()).map((e) => e.requestId)).toEqual(['new2']);
      s.events.append(event());
      await s.events.flush();
      expect((await s.events.readAfter(seqs.at(-1) as number, 10)).length).toBe(1);
    });

    it('refuses an invalid cutoff', async () => {
      const s = await store();
      await expect(s.events.purge({ olderThan: new Date('nope') })).rejects.toThrow(TypeError);
    });
  });
});

describe('sqlite only', () => {
  beforeEach(() => {
    backend = backends[0] as StoreBackend;
  });

  it('waits out another process holding the write lock without losing events or blocking long', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-events-'));
    try {
      const path = join(dir, 'locked.db');
      const s = await openStore({ url: path, keys: { refreshIntervalMs: 0 }, events: { flushIntervalMs: 60_000 } });
      stores.push(s);
      const other = new BetterSqlite3(path);
      other.exec('begin immediate');
      s.events.append(event());
      s.events.append(event());
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await expect(s.events.flush()).rejects.toMatchObject({ code: 'ERR_STORE' });
        // better-sqlite3 waits synchronously: the event writer's short busy timeout bounds the stall.
        expect(performance.now() - t).toBeLessThan(2_000);
      }
      expect(s.events.stats()).toMatchObject({ buffered: 2, lost: 0, failedWrites: 5 });
      other.exec('commit');
      other.close();
      await s.events.flush();
      expect(await stored(s)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});
