// The event outbox: delivers stored security events to every sink at least once, each sink from its own cursor in
// the store, so that a restart, a crash or a receiver that is down for hours loses nothing.
import { BulwarkError } from '../core/errors.js';
import type { Store } from '../store/db.js';
import { EventFeed, POSTGRES_GAP_GRACE_MS } from '../store/event-feed.js';
import { backoffDelay, isUnreachable } from './outbox-retry.js';
import { deadLetter, loadCursor, saveCursor } from './outbox-state.js';
import type { Sink, StoredEvent } from './types.js';

export interface OutboxOptions {
  sinks: readonly Sink[];
  /** Events per send, and the most events held in memory per sink; default 100, at most 1,000. */
  batchSize?: number;
  /** A batch is also cut when its stored JSON passes about this many bytes (one event always goes); default 1 MiB. */
  maxBatchBytes?: number;
  /** How often (ms) to look for events written by other processes; default 1,000. Our own writes wake it at once. */
  pollIntervalMs?: number;
  /**
   * Refusals of one batch before it is dead-lettered and skipped; default 10; Infinity never gives up. Failures
   * where the receiver is unreachable (connection refused or reset, timeouts, `context.retryable: true`) do not
   * count: an outage is waited out with capped backoff and loses nothing.
   */
  maxAttempts?: number;
  /** Backoff before retrying a batch: full jitter over base · 2^(n−1), capped at max; defaults 500 ms and 60 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A send taking longer is aborted (its signal fires) and retried as unreachable; default 30 s. */
  sendTimeoutMs?: number;
  /** Where a sink seen for the first time starts: events written from now on (default), or every stored event. */
  startFrom?: 'latest' | 'oldest';
  /** How long a hole in the seqs is waited for (see EventFeed); default 0 on SQLite, 10 s on PostgreSQL. */
  gapGraceMs?: number;
  /** How long stop() lets a send in flight finish before aborting it; default 5 s. */
  stopTimeoutMs?: number;
  /** Told about every failed send, store read or cursor write (after it was counted in the stats). */
  onError?: (sinkId: string, error: BulwarkError) => void;
  /** For tests: the jitter source; default Math.random. */
  random?: () => number;
}

export interface SinkStats {
  sinkId: string;
  /** Every event with seq <= cursor was delivered or dead-lettered. */
  cursor: number;
  /** Highest seq known in the store minus the cursor. */
  lag: number;
  delivered: number;
  /** Failed sends (each retried or dead-lettered). */
  retries: number;
  deadLettered: number;
  /** Holes in the seqs given up on after the grace period (rolled-back or purged inserts). */
  skippedGaps: number;
  /** Events held in memory now, and the most ever held: never more than batchSize. */
  inFlight: number;
  maxInFlight: number;
  /** Consecutive failures of the current batch. */
  failing: number;
  lastError?: string;
  lastDeliveryAt?: string;
}

export interface OutboxStats {
  running: boolean;
  head: number;
  sinks: SinkStats[];
}

/** What the outbox needs of a store. */
export type OutboxStore = Pick<Store, 'db' | 'events' | 'location'>;

interface Worker {
  sink: Sink;
  feed: EventFeed;
  stats: SinkStats;
  /** Resolves the worker's idle wait early (new events, stop). */
  wake: (() => void) | undefined;
  /** Set by a wake-up that found the worker busy, so that its next idle wait ends at once (no lost wake-up). */
  kicked: boolean;
  /** Aborts the send in flight. */
  abort: AbortController | undefined;
  done: Promise<void> | undefined;
}

const MAX_BATCH = 1_000;

export class Outbox {
  readonly #store: OutboxStore;
  readonly #workers: Worker[];
  readonly #batchSize: number;
  readonly #maxBatchBytes: number;
  readonly #poll: number;
  readonly #maxAttempts: number;
  readonly #backoff: { baseMs: number; maxMs: number; random: () => number };
  readonly #sendTimeout: number;
  readonly #startFrom: 'latest' | 'oldest';
  readonly #stopTimeout: number;
  readonly #onError: OutboxOptions['onError'];
  #head = 0;
  #running = false;
  #stopping: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(store: OutboxStore, options: OutboxOptions) {
    this.#store = store;
    this.#batchSize = int(options.batchSize ?? 100, 'batchSize', 1, MAX_BATCH);
    this.#maxBatchBytes = int(options.maxBatchBytes ?? 1 << 20, 'maxBatchBytes', 1, 2 ** 31);
    this.#poll = int(options.pollIntervalMs ?? 1_000, 'pollIntervalMs', 1, 3_600_000);
    const maxAttempts = options.maxAttempts ?? 10;
    if (maxAttempts !== Infinity) int(maxAttempts, 'maxAttempts', 1, 1_000_000);
    this.#maxAttempts = maxAttempts;
    this.#backoff = {
      baseMs: int(options.backoffBaseMs ?? 500, 'backoffBaseMs', 1, 3_600_000),
      maxMs: int(options.backoffMaxMs ?? 60_000, 'backoffMaxMs', 1, 3_600_000),
      random: options.random ?? Math.random,
    };
    this.#sendTimeout = int(options.sendTimeoutMs ?? 30_000, 'sendTimeoutMs', 1, 3_600_000);
    this.#stopTimeout = int(options.stopTimeoutMs ?? 5_000, 'stopTimeoutMs', 0, 3_600_000);
    this.#startFrom = options.startFrom ?? 'latest';
    this.#onError = options.onError;
    const gapGraceMs = options.gapGraceMs ?? (store.location.dialect === 'postgres' ? POSTGRES_GAP_GRACE_MS : 0);
    const ids = new Set<string>();
    this.#workers = options.sinks.map((sink) => {
      if (ids.has(sink.id)) throw new TypeError(`two sinks have the id "${sink.id}": each needs its own cursor`);
      ids.add(sink.id);
      return {
        sink,
        feed: new EventFeed(store.events, { gapGraceMs }),
        stats: { sinkId: sink.id, cursor: 0, lag: 0, delivered: 0, retries: 0, deadLettered: 0, skippedGaps: 0, inFlight: 0, maxInFlight: 0, failing: 0 },
        wake: undefined,
        kicked: false,
        abort: undefined,
        done: undefined,
      };
    });
  }

  /** Loads (or creates) every sink's cursor and starts delivering; rejects with ERR_STORE if the store cannot be read. */
  async start(): Promise<void> {
    if (this.#running || this.#stopping) throw new TypeError('an outbox starts once');
    try {
      this.#head = await this.#store.events.headSeq();
      for (const w of this.#workers) {
        w.stats.cursor = await loadCursor(this.#store.db, w.sink.id, () => this.#initialCursor());
      }
    } catch (e) {
      throw storeError(e, 'loading the outbox cursors');
    }
    this.#running = true;
    this.#unsubscribe = this.#store.events.onWritten(() => this.#wakeAll());
    this.#timer = setInterval(() => void this.#tick(), this.#poll);
    for (const w of this.#workers) w.done = this.#run(w);
  }

  /**
   * Stops: lets each send in flight finish (up to stopTimeoutMs, then aborts it), waits for the workers, and
   * closes the sinks. Undelivered events stay in the store for the next start. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#running = false;
      if (this.#timer) clearInterval(this.#timer);
      this.#unsubscribe?.();
      this.#wakeAll();
      const workers = Promise.all(this.#workers.map((w) => w.done));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          for (const w of this.#workers) w.abort?.abort(new BulwarkError('ERR_SINK', 'the outbox is stopping'));
          resolve();
        }, this.#stopTimeout);
      });
      await Promise.race([workers, late]);
      await workers;
      clearTimeout(timer);
      await Promise.all(this.#workers.map((w) => w.sink.close().catch(() => undefined)));
    })();
    return this.#stopping;
  }

  stats(): OutboxStats {
    return {
      running: this.#running,
      head: this.#head,
      sinks: this.#workers.map((w) => ({ ...w.stats, lag: Math.max(this.#head - w.stats.cursor, 0) })),
    };
  }

  /** Resolves when every sink's cursor has reached the head known now (tests, graceful shutdown); false if stopped. */
  async drained(): Promise<boolean> {
    const target = await this.#store.events.headSeq();
    this.#head = Math.max(this.#head, target);
    this.#wakeAll();
    while (this.#running) {
      if (this.#workers.every((w) => w.stats.cursor >= target)) return true;
      await sleep(Math.min(this.#poll, 20));
    }
    return false;
  }

  async #initialCursor(): Promise<number> {
    if (this.#startFrom === 'latest') return this.#store.events.headSeq();
    const [first] = await this.#store.events.readAfter(0, 1);
    return first === undefined ? 0 : first.seq - 1;
  }

  async #tick(): Promise<void> {
    try {
      this.#head = Math.max(this.#head, await this.#store.events.headSeq());
    } catch {
      // The workers report store failures; the head is only for the lag figure.
    }
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const w of this.#workers) {
      w.kicked = true;
      w.wake?.();
    }
  }

  /** One sink's loop: read a batch after the cursor, deliver it (retrying), move the cursor, again. */
  async #run(w: Worker): Promise<void> {
    while (this.#running) {
      let batch: StoredEvent[];
      try {
        w.kicked = false;
        const read = await w.feed.read(w.stats.cursor, this.#batchSize, this.#maxBatchBytes);
        w.stats.skippedGaps += read.skippedGaps;
        batch = read.events;
      } catch (e) {
        this.#fail(w, storeError(e, 'reading events for the outbox'));
        await this.#idle(w, this.#poll);
        continue;
      }
      const last = batch.at(-1);
      if (last === undefined) {
        await this.#idle(w, this.#poll);
        continue;
      }
      this.#head = Math.max(this.#head, last.seq);
      w.stats.inFlight = batch.length;
      w.stats.maxInFlight = Math.max(w.stats.maxInFlight, batch.length);
      try {
        await this.#deliver(w, batch);
      } finally {
        w.stats.inFlight = 0;
      }
    }
  }

  /** Sends until delivered, dead-lettered or stopped; the cursor moves only after the sink accepted the batch. */
  async #deliver(w: Worker, batch: StoredEvent[]): Promise<void> {
    const last = (batch.at(-1) as StoredEvent).seq;
    let refusals = 0;
    for (let tries = 1; this.#running; tries++) {
      let failure: unknown;
      try {
        await this.#send(w, batch);
      } catch (e) {
        failure = e;
      }
      if (failure === undefined) {
        w.stats.delivered += batch.length;
        w.stats.failing = 0;
        w.stats.lastDeliveryAt = new Date().toISOString();
        await this.#advance(w, last);
        return;
      }
      if (!this.#running) return;
      const error = failure instanceof BulwarkError ? failure : new BulwarkError('ERR_SINK', messageOf(failure), { cause: failure });
      w.stats.retries++;
      w.stats.failing++;
      this.#fail(w, error);
      if (!isUnreachable(failure)) refusals++;
      if (refusals >= this.#maxAttempts) {
        try {
          await deadLetter(this.#store.db, w.sink.id, batch, error.message);
          w.stats.deadLettered += batch.length;
          w.stats.failing = 0;
          w.stats.cursor = Math.max(w.stats.cursor, last);
          return;
        } catch (e) {
          // Without the dead letters recorded, the batch must not be skipped: try it again later.
          this.#fail(w, storeError(e, 'recording dead letters'));
        }
      }
      await this.#idle(w, backoffDelay(tries, this.#backoff), false);
    }
  }

  async #send(w: Worker, batch: StoredEvent[]): Promise<void> {
    const abort = new AbortController();
    w.abort = abort;
    const timer = setTimeout(
      () => abort.abort(new BulwarkError('ERR_SINK', `sending to ${w.sink.id} took longer than ${this.#sendTimeout} ms`, { context: { retryable: true } })),
      this.#sendTimeout,
    );
    try {
      await Promise.race([
        w.sink.send(batch, abort.signal),
        // A sink that ignores its signal must not hold the outbox forever.
        new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true })),
      ]);
    } finally {
      clearTimeout(timer);
      w.abort = undefined;
    }
  }

  /** The in-memory cursor moves at once; a failed write of it only means redelivery after a restart (allowed). */
  async #advance(w: Worker, seq: number): Promise<void> {
    w.stats.cursor = Math.max(w.stats.cursor, seq);
    try {
      await saveCursor(this.#store.db, w.sink.id, w.stats.cursor);
    } catch (e) {
      this.#fail(w, storeError(e, 'saving the outbox cursor'));
    }
  }

  #fail(w: Worker, error: BulwarkError): void {
    w.stats.lastError = error.message;
    try {
      this.#onError?.(w.sink.id, error);
    } catch {
      // The listener's failure is not the outbox's.
    }
  }

  /** Waits `ms`, or less when woken (new events, stop); a backoff wait (`wakeable` false) ends early only on stop. */
  #idle(w: Worker, ms: number, wakeable = true): Promise<void> {
    if (!this.#running || (wakeable && w.kicked)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        w.wake = undefined;
        resolve();
      }
      w.wake = wakeable ? done : () => (this.#running ? undefined : done());
    });
  }
}

function storeError(e: unknown, what: string): BulwarkError {
  if (e instanceof BulwarkError) return e;
  return new BulwarkError('ERR_STORE', `${what} failed: ${messageOf(e)}`, { cause: e });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function int(n: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new TypeError(`${name} must be an integer ${min}..${max}`);
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
