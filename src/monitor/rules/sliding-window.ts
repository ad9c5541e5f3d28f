// An exact weighted count over a sliding time window, in O(1) amortised time and at most `capacity` entries.
//
// Why `capacity` = threshold + 1 suffices: every entry weighs at least 1, so threshold + 1 entries inside the
// window already exceed the threshold. When the ring is full the oldest entry is dropped; if it was still inside
// the window, the newer threshold + 1 entries are too (they are more recent), so the answer "count > threshold"
// is the same as with every entry kept.

export class SlidingCount {
  readonly capacity: number;
  readonly windowMs: number;
  // Parallel rings, grown on demand up to capacity: a group that sees one event costs one slot, not capacity.
  #times: number[] = [];
  #weights: number[] = [];
  #head = 0;
  #size = 0;
  #sum = 0;

  constructor(capacity: number, windowMs: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new TypeError('capacity must be a positive integer');
    if (!(windowMs > 0)) throw new TypeError('windowMs must be positive');
    this.capacity = capacity;
    this.windowMs = windowMs;
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Slots allocated (at most capacity): what memory accounting counts. */
  get slots(): number {
    return this.#times.length;
  }

  /**
   * Records `weight` at `now` and returns the count within the window (entries at time t count while
   * now - t < windowMs). A clock that goes back is tolerated: entries from the "future" simply stay.
   */
  add(now: number, weight: number): number {
    this.#expire(now);
    if (this.#size === this.capacity) this.#dropOldest();
    if (this.#size === this.#times.length) this.#grow();
    const tail = (this.#head + this.#size) % this.#times.length;
    this.#times[tail] = now;
    this.#weights[tail] = weight;
    this.#size++;
    this.#sum += weight;
    return this.#sum;
  }

  /** The count within the window at `now` (drops what has expired). */
  count(now: number): number {
    this.#expire(now);
    return this.#sum;
  }

  clear(): void {
    this.#times = [];
    this.#weights = [];
    this.#head = 0;
    this.#size = 0;
    this.#sum = 0;
  }

  #expire(now: number): void {
    const edge = now - this.windowMs;
    while (this.#size > 0 && (this.#times[this.#head] as number) <= edge) this.#dropOldest();
  }

  /** Doubles the rings (up to capacity), oldest entry first: amortised O(1) per add. */
  #grow(): void {
    const length = Math.min(this.capacity, Math.max(4, this.#times.length * 2));
    const times = new Array<number>(length);
    const weights = new Array<number>(length);
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) % this.#times.length;
      times[i] = this.#times[at] as number;
      weights[i] = this.#weights[at] as number;
    }
    this.#times = times;
    this.#weights = weights;
    this.#head = 0;
  }

  #dropOldest(): void {
    this.#sum -= this.#weights[this.#head] as number;
    this.#head = (this.#head + 1) % this.#times.length;
    this.#size--;
    if (this.#size === 0) {
      this.#head = 0;
      this.#sum = 0;
    }
  }
}
