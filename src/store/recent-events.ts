// The events this process wrote last, by seq: the outbox reads them from memory instead of reading back rows it
// has just written and parsing their JSON again (once per sink). Only a contiguous run starting exactly at the
// requested seq is served; anything else (rows of other processes, older events) goes to the database.
import type { SecurityEvent } from '../core/event.js';
import type { StoredEvent } from '../monitor/types.js';

interface Entry {
  seq: number;
  event: SecurityEvent;
  /** Size of the stored row's JSON columns plus a constant, as readAfter counts it. */
  bytes: number;
}

export class RecentEvents {
  readonly #capacity: number;
  #entries: Entry[] = [];

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new TypeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /** Adds written events in seq order (seqs must grow); keeps the last `capacity` (amortised O(1)). */
  add(seq: number, event: SecurityEvent, bytes: number): void {
    const last = this.#entries.at(-1);
    if (last !== undefined && seq <= last.seq) this.#entries = []; // a seq went backwards: trust nothing held
    this.#entries.push({ seq, event, bytes });
    if (this.#entries.length >= 2 * this.#capacity) this.#entries = this.#entries.slice(-this.#capacity);
  }

  /**
   * Events after+1, after+2, ... while they are held and contiguous (at most `limit`, cut by `maxBytes` with the
   * first always included); undefined when after+1 is not held.
   */
  read(after: number, limit: number, maxBytes: number): StoredEvent[] | undefined {
    const entries = this.#entries;
    let lo = 0;
    let hi = entries.length - 1;
    const want = after + 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = entries[mid]!.seq;
      if (s === want) {
        lo = mid;
        hi = -2;
        break;
      }
      if (s < want) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi !== -2) return undefined;
    const out: StoredEvent[] = [];
    let bytes = 0;
    for (let i = lo, expected = want; i < entries.length && out.length < limit; i++, expected++) {
      const e = entries[i]!;
      if (e.seq !== expected) break;
      bytes += e.bytes;
      if (bytes > maxBytes && out.length > 0) break;
      out.push({ seq: e.seq, event: e.event });
    }
    return out;
  }

  clear(): void {
    this.#entries = [];
  }
}
