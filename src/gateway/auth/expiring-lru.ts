// A bounded LRU map whose entries also expire at a time of their own (verified tokens must not outlive `exp`).

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ExpiringLru<V> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used one.
  private readonly map = new Map<string, Entry<V>>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.map.size;
  }

  /** The live value for `key` at time `now` (ms), or undefined; an expired entry is dropped. */
  get(key: string, now: number): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    if (now >= e.expiresAt) return undefined;
    this.map.set(key, e);
    return e.value;
  }

  /** Stores `value` until `expiresAt` (ms); entries already expired are not stored. */
  set(key: string, value: V, expiresAt: number, now: number): void {
    if (!(expiresAt > now)) return;
    this.map.delete(key);
    this.map.set(key, { value, expiresAt });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
