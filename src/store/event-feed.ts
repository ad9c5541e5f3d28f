// Reads events in seq order without skipping any that are still being committed: the reader behind the outbox
// and `events tail`.
import type { StoredEvent } from '../monitor/types.js';
import type { EventStore } from './events.js';

export interface EventFeedOptions {
  /**
   * How long (ms) a hole in the seqs may be waited for before it is taken as permanent. 0 on SQLite, where writers
   * are serialised and a rowid becomes visible only with every lower one. On PostgreSQL an identity value is taken
   * at INSERT time but becomes visible at COMMIT: with two writers, seq 12 can be read while seq 11 is still in an
   * open transaction. Delivering 12 and moving a cursor past 11 would lose 11 for good. So a reader stops at the
   * first hole and waits for it; a rolled-back insert leaves a hole that never fills, which is why the wait ends
   * after the grace period (an insert of one batch takes milliseconds; the grace is seconds).
   */
  gapGraceMs: number;
  now?: () => number;
}

export interface FeedRead {
  /** Events with seq > after, in order, with no hole that could still fill before the last of them. */
  events: StoredEvent[];
  /** Holes given up on in this read (permanent: rolled back, or purged). */
  skippedGaps: number;
  /** True when the read stopped at a hole that is still within its grace period. */
  waiting: boolean;
}

export const POSTGRES_GAP_GRACE_MS = 10_000;

/** The safe part of what follows a position. One feed per reader: it remembers when it first saw each hole. */
export class EventFeed {
  readonly #store: EventStore;
  readonly #grace: number;
  readonly #now: () => number;
  /** First seq of a hole → when it was first seen. Entries at or below the reader's position are dropped. */
  readonly #holes = new Map<number, number>();

  constructor(store: EventStore, options: EventFeedOptions) {
    if (!Number.isFinite(options.gapGraceMs) || options.gapGraceMs < 0) throw new TypeError('gapGraceMs must be a non-negative number');
    this.#store = store;
    this.#grace = options.gapGraceMs;
    this.#now = options.now ?? Date.now;
  }

  /** Reads up to `limit` events (and about `maxBytes`) after `after`, cut at the first hole still worth waiting for. */
  async read(after: number, limit: number, maxBytes?: number): Promise<FeedRead> {
    const rows = await this.#store.readAfter(after, limit, maxBytes);
    for (const start of this.#holes.keys()) if (start <= after) this.#holes.delete(start);
    const events: StoredEvent[] = [];
    let skippedGaps = 0;
    let expected = after + 1;
    for (const row of rows) {
      if (row.seq > expected && this.#grace > 0) {
        const now = this.#now();
        const since = this.#holes.get(expected) ?? now;
        if (!this.#holes.has(expected)) this.#holes.set(expected, now);
        if (now - since < this.#grace) return { events, skippedGaps, waiting: true };
        this.#holes.delete(expected);
        skippedGaps++;
      }
      events.push(row);
      expected = row.seq + 1;
    }
    return { events, skippedGaps, waiting: false };
  }
}
