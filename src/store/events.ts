// Security events: append() only buffers (the request path never waits on disk); batches are written in one
// transaction each, every flushIntervalMs or when batchSize events are waiting. The buffer is bounded and what
// it cannot hold is counted. Readers: query (newest first, filtered), readAfter (by seq, for the outbox and tail).
import { RecentEvents } from './recent-events.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import { BulwarkError } from '../core/errors.js';
import type { Decision, EventKind, SecurityEvent } from '../core/event.js';
import type { StoredEvent } from '../monitor/types.js';
import { findingsPatterns, matchesFilter, needsFindings, type EventFilter } from './event-filter.js';
import { purgeEvents, type PurgeOptions, type PurgeResult } from './purge.js';
import { redactEvent } from './redact-event.js';
import type { Database, SecurityEventsTable } from './schema.js';

/** Writes rows in one transaction (the dialect's fast path); the default builds the INSERT with kysely. */
export type EventRowWriter = (rows: readonly EventRow[]) => Promise<void | readonly number[]>;

/** A row as written: everything but the database-assigned seq. */
export type EventRow = Omit<Selectable<SecurityEventsTable>, 'seq'>;

export interface EventStoreOptions {
  /** Longest time an event waits in memory (ms); default 50. */
  flushIntervalMs?: number;
  /** Events per transaction, and the count that triggers a flush at once; default 250. */
  batchSize?: number;
  /** Events held in memory at most; further events are dropped and counted; default 10,000. */
  maxBuffered?: number;
  /** Told about every failed write (the events stay buffered and are retried). */
  onError?: (error: BulwarkError) => void;
}

export interface EventQuery extends EventFilter {
  /** Events at or after this time. */
  since?: Date | string;
  /** Events before this time. */
  until?: Date | string;
  /** Most events returned, newest first; default 100, at most 10,000. */
  limit?: number;
}

/** Told after each successful write, so that readers (the outbox) can wake up at once. */
export type WriteListener = (written: { count: number }) => void;

export interface EventStoreStats {
  buffered: number;
  written: number;
  /** Events refused because the buffer was full or the store closed. */
  dropped: number;
  /** Events that could not be serialised (e.g. a BigInt or a cycle in the attributes). */
  invalid: number;
  /** Events given up after repeated write failures. */
  lost: number;
  failedWrites: number;
  lastError?: string;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 50;
/** About 2.5 ms of CPU per transaction on SQLite: a flush never stalls the event loop for long. */
export const DEFAULT_BATCH_SIZE = 250;
export const DEFAULT_MAX_BUFFERED = 10_000;
export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 10_000;
/** A batch that failed this many times in a row is given up (counted in `lost`), so one bad batch cannot wedge the buffer. */
const MAX_ATTEMPTS = 3;
/** Events of our own writes kept in memory for the outbox's readers (about 1-2 KB each). */
const RECENT_EVENTS = 2_048;
/** Rows per INSERT statement: 13 columns × 250 rows stays far below SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 250;

export class EventStore {
  readonly #db: Kysely<Database>;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxBuffered: number;
  readonly #onError: ((error: BulwarkError) => void) | undefined;
  readonly #writeRows: EventRowWriter;
  #buffer: SecurityEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #flushing: Promise<BulwarkError | undefined> | undefined;
  #attempts = 0;
  #closed = false;
  readonly #listeners = new Set<WriteListener>();
  /**
   * What this process wrote last, when the writer tells the seqs it got (SQLite). Made at the first readAfter:
   * a store nobody reads back (no sinks) holds no extra events in memory.
   */
  #recent: RecentEvents | undefined;
  readonly #stats = { written: 0, dropped: 0, invalid: 0, lost: 0, failedWrites: 0, lastError: undefined as string | undefined };

  constructor(db: Kysely<Database>, options: EventStoreOptions = {}, writer?: EventRowWriter) {
    this.#db = db;
    this.#writeRows = writer ?? kyselyWriter(db);
    this.#interval = positive(options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, 'flushIntervalMs');
    this.#batchSize = positive(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize');
    this.#maxBuffered = positive(options.maxBuffered ?? DEFAULT_MAX_BUFFERED, 'maxBuffered');
    this.#onError = options.onError;
  }

  /**
   * Buffers an event; false when it was dropped (buffer full, store closed). Never blocks, never throws. The
   * event is serialised at flush time: do not change it after appending.
   */
  append(event: SecurityEvent): boolean {
    if (this.#closed || this.#buffer.length >= this.#maxBuffered) {
      this.#stats.dropped++;
      return false;
    }
    this.#buffer.push(event);
    if (this.#buffer.length >= this.#batchSize) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        this.#background();
      });
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#background();
      }, this.#interval);
      // The buffer must not keep a finished process alive; close() drains it.
      this.#timer.unref();
    }
    return true;
  }

  /** Writes everything buffered now; rejects with ERR_STORE if a write failed (the events stay buffered). */
  async flush(): Promise<void> {
    if (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const failure = await this.#drain();
    if (failure) throw failure;
  }

  /** Refuses new events and writes the buffered ones; rejects if some could not be written. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelTimers();
    const lostBefore = this.#stats.lost;
    for (let i = 0; i <= MAX_ATTEMPTS && (this.#buffer.length > 0 || this.#flushing); i++) {
      await this.flush().catch(() => undefined);
    }
    const lost = this.#stats.lost - lostBefore + this.#buffer.length;
    this.#stats.lost += this.#buffer.length;
    this.#buffer = [];
    if (lost > 0) {
      throw new BulwarkError('ERR_STORE', `${lost} security events could not be written: ${this.#stats.lastError ?? 'unknown error'}`, {
        context: { lost },
      });
    }
  }

  /** Stored events, newest first (buffered events are flushed first). */
  async query(q: EventQuery = {}): Promise<SecurityEvent[]> {
    return (await this.queryStored(q)).map((s) => s.event);
  }

  /**
   * query() with each event's seq. Detector and category filters narrow the rows in SQL (LIKE on the findings
   * JSON) and are decided exactly here, reading further pages when some rows were false matches.
   */
  async queryStored(q: EventQuery = {}): Promise<StoredEvent[]> {
    await this.flush().catch(() => undefined);
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_QUERY_LIMIT), 1), MAX_QUERY_LIMIT);
    let query = this.#db.selectFrom('security_events').selectAll();
    if (q.since !== undefined) query = query.where('time', '>=', isoTime(q.since, 'since'));
    if (q.until !== undefined) query = query.where('time', '<', isoTime(q.until, 'until'));
    if (q.kind !== undefined) query = query.where('kind', 'in', typeof q.kind === 'string' ? [q.kind] : [...q.kind]);
    if (q.decision !== undefined) query = query.where('decision', 'in', typeof q.decision === 'string' ? [q.decision] : [...q.decision]);
    if (q.principal !== undefined) query = query.where('principal', '=', q.principal);
    if (q.requestId !== undefined) query = query.where('request_id', '=', q.requestId);
    for (const field of ['detector', 'category'] as const) {
      const values = q[field];
      if (values === undefined) continue;
      const patterns = findingsPatterns(field, values);
      query = query.where((eb) => eb.or(patterns.map((p) => eb(sql`findings`, 'like', sql<string>`${p} escape '\\'`))));
    }
    if (!needsFindings(q)) {
      const rows = await query.orderBy('time', 'desc').orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(toStored);
    }
    const out: StoredEvent[] = [];
    let last: { time: string; seq: number } | undefined;
    for (;;) {
      const after = last;
      const page = after === undefined ? query : query.where((eb) => eb.or([eb('time', '<', after.time), eb.and([eb('time', '=', after.time), eb('seq', '<', after.seq)])]));
      const rows = await page.orderBy('time', 'desc').orderBy('seq', 'desc').limit(limit).execute();
      for (const row of rows) {
        const stored = toStored(row);
        if (matchesFilter(stored.event, q)) out.push(stored);
        if (out.length >= limit) return out;
      }
      const end = rows.at(-1);
      if (rows.length < limit || end === undefined) return out;
      last = { time: end.time, seq: Number(end.seq) };
    }
  }

  /**
   * Up to `limit` committed events with seq > `after`, in seq order (buffered events are not flushed: this is
   * the reader of other processes' writes as much as ours). On PostgreSQL a lower seq may still commit after a
   * higher one was read: see EventFeed.
   */
  async readAfter(after: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    this.#recent ??= new RecentEvents(RECENT_EVENTS);
    const recent = this.#recent.read(after, positive(limit, 'limit'), maxBytes);
    if (recent !== undefined) return recent;
    const rows = await this.#db
      .selectFrom('security_events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq', 'asc')
      .limit(positive(limit, 'limit'))
      .execute();
    // Cut by the stored JSON's size (the first event always goes), so a batch of huge events stays bounded.
    let bytes = 0;
    let end = 0;
    while (end < rows.length) {
      const r = rows[end] as Selectable<SecurityEventsTable>;
      bytes += rowBytes(r);
      if (bytes > maxBytes && end > 0) break;
      end++;
    }
    return rows.slice(0, end).map(toStored);
  }

  /** The highest committed seq, 0 when there is no event. */
  async headSeq(): Promise<number> {
    const row = await this.#db.selectFrom('security_events').select((eb) => eb.fn.max('seq').as('head')).executeTakeFirst();
    return Number(row?.head ?? 0);
  }

  /** Calls `listener` after every successful write; returns the function that stops it. */
  onWritten(listener: WriteListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Deletes events older than `olderThan` in short transactions: see purgeEvents. */
  purge(options: PurgeOptions): Promise<PurgeResult> {
    return purgeEvents(this.#db, options);
  }

  stats(): EventStoreStats {
    const { lastError, ...counts } = this.#stats;
    return { buffered: this.#buffer.length, ...counts, ...(lastError === undefined ? {} : { lastError }) };
  }

  #background(): void {
    this.#drain().catch(() => undefined);
  }

  #cancelTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  /** One drain at a time; batch after batch, yielding to the event loop between transactions. */
  #drain(): Promise<BulwarkError | undefined> {
    if (this.#flushing === undefined) {
      // Cleared in .finally (always a later microtask), never inside the loop: a drain that finds the buffer
      // empty completes synchronously, and clearing there would run before this assignment.
      const run = this.#drainLoop().finally(() => {
        this.#flushing = undefined;
        this.#retryLater();
      });
      this.#flushing = run;
    }
    return this.#flushing;
  }

  async #drainLoop(): Promise<BulwarkError | undefined> {
    while (this.#buffer.length > 0) {
      const batch = this.#take();
      const failure = await this.#write(batch);
      if (failure) {
        this.#giveBack(batch);
        return failure;
      }
      if (this.#buffer.length > 0) await new Promise((r) => setImmediate(r));
    }
    return undefined;
  }

  /** Events left after a failed write (or that arrived meanwhile) wait for the next tick, not a hot retry loop. */
  #retryLater(): void {
    if (this.#buffer.length > 0 && !this.#closed && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#background();
      }, this.#interval);
      this.#timer.unref();
    }
  }

  #take(): SecurityEvent[] {
    if (this.#buffer.length <= this.#batchSize) {
      const all = this.#buffer;
      this.#buffer = [];
      return all;
    }
    return this.#buffer.splice(0, this.#batchSize);
  }

  /** Puts a failed batch back in front, unless it failed too often or no longer fits. */
  #giveBack(batch: SecurityEvent[]): void {
    if (this.#attempts >= MAX_ATTEMPTS) {
      this.#stats.lost += batch.length;
      this.#attempts = 0;
      return;
    }
    const room = Math.max(this.#maxBuffered - this.#buffer.length, 0);
    const kept = batch.length <= room ? batch : batch.slice(batch.length - room);
    this.#stats.lost += batch.length - kept.length;
    this.#buffer = kept.concat(this.#buffer);
  }

  /** Writes a batch in one transaction; the error when it failed. */
  async #write(batch: SecurityEvent[]): Promise<BulwarkError | undefined> {
    const rows: EventRow[] = [];
    const stored: SecurityEvent[] = [];
    for (const event of batch) {
      const r = toRow(event);
      if (r === undefined) this.#stats.invalid++;
      else {
        rows.push(r.row);
        stored.push(r.event);
      }
    }
    try {
      const seqs = rows.length > 0 ? await this.#writeRows(rows) : undefined;
      const recent = this.#recent;
      if (recent && seqs && seqs.length === rows.length) {
        for (let i = 0; i < rows.length; i++) recent.add(seqs[i]!, stored[i]!, rowBytes(rows[i]!));
      } else if (recent && rows.length > 0) recent.clear();
      this.#stats.written += rows.length;
      this.#attempts = 0;
      if (rows.length > 0) this.#notify(rows.length);
      return undefined;
    } catch (e) {
      // Another process holding the write lock is no reason to give a batch up.
      if (!isBusy(e)) this.#attempts++;
      this.#stats.failedWrites++;
      const message = e instanceof Error ? e.message : String(e);
      this.#stats.lastError = message;
      const error = new BulwarkError('ERR_STORE', `writing security events failed: ${message}`, { cause: e, context: { events: rows.length } });
      this.#onError?.(error);
      return error;
    }
  }

  #notify(count: number): void {
    for (const listener of this.#listeners) {
      try {
        listener({ count });
      } catch {
        // A listener's failure is its own; the write succeeded.
      }
    }
  }
}

/** The portable writer: multi-row INSERTs built by kysely, in one transaction. */
function kyselyWriter(db: Kysely<Database>): EventRowWriter {
  return (rows) =>
    db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        await trx
          .insertInto('security_events')
          .values(rows.slice(i, i + ROWS_PER_STATEMENT))
          .execute();
      }
    });
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The row for an event (secrets stripped), or undefined when it cannot be serialised. */
function toRow(raw: SecurityEvent): { row: EventRow; event: SecurityEvent } | undefined {
  try {
    const e = redactEvent(raw);
    const row: EventRow = {
      id: e.id,
      time: e.time,
      kind: e.kind,
      source: e.source,
      decision: e.decision,
      severity: e.severity,
      stage: e.stage ?? null,
      principal: e.principal ?? null,
      request_id: e.requestId ?? null,
      findings: jsonArray(e.findings),
      failures: jsonArray(e.failures),
      tags: isEmptyObject(e.tags) ? '{}' : JSON.stringify(e.tags),
      attributes: JSON.stringify(e.attributes),
    };
    return { row, event: e };
  } catch {
    return undefined;
  }
}

// Most events have no findings, failures or tags: their columns need no serialiser call.
function jsonArray(items: readonly unknown[]): string {
  return items.length === 0 ? '[]' : JSON.stringify(items);
}

function isEmptyObject(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return Object.getPrototypeOf(value) === Object.prototype && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** A row's size as the outbox's byte cut counts it: its JSON columns plus a constant for the rest. */
function rowBytes(r: { findings: string; failures: string; tags: string; attributes: string }): number {
  return 200 + r.findings.length + r.failures.length + r.tags.length + r.attributes.length;
}

function toStored(row: Selectable<SecurityEventsTable>): StoredEvent {
  return { seq: Number(row.seq), event: fromRow(row) };
}

function fromRow(row: Selectable<SecurityEventsTable>): SecurityEvent {
  const event: SecurityEvent = {
    id: row.id,
    time: row.time,
    kind: row.kind as EventKind,
    source: row.source as SecurityEvent['source'],
    decision: row.decision as Decision,
    severity: row.severity as SecurityEvent['severity'],
    findings: parseJson(row.findings, []),
    failures: parseJson(row.failures, []),
    tags: parseJson(row.tags, {}),
    attributes: parseJson(row.attributes, {}),
  };
  if (row.stage !== null) event.stage = row.stage as SecurityEvent['stage'];
  if (row.principal !== null) event.principal = row.principal;
  if (row.request_id !== null) event.requestId = row.request_id;
  return event;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function isoTime(value: Date | string, field: string): string {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new BulwarkError('ERR_INPUT_INVALID', `${field} is not a valid time`, { context: { field } });
  return new Date(ms).toISOString();
}

function positive(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new TypeError(`${name} must be a positive integer`);
  return n;
}
