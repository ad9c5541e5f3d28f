// A sliding-window counter in fixed sub-windows (buckets): O(buckets) memory whatever the limit, O(1) amortised
// per operation, and never more than the limit within ANY window of windowMs (it over-counts by < one bucket).
//
// Why not a token bucket: a bucket of capacity L refilling L per minute admits a burst of L and then L more within
// the same minute, 2L in 60 s. Why not an exact log of timestamps: memory grows with the limit (100k tpm).

export class SlidingWindow {
  /** Buckets span windowMs plus one: the oldest may be partly outside the window, so all of it is counted. */
  private readonly counts: Float64Array;
  private total = 0;
  /** Absolute index (time / bucketMs) of the newest bucket. */
  private head = -Infinity;

  constructor(
    readonly windowMs: number,
    readonly bucketMs: number,
  ) {
    if (!(bucketMs > 0) || !(windowMs >= bucketMs)) throw new TypeError('need windowMs >= bucketMs > 0');
    this.counts = new Float64Array(Math.ceil(windowMs / bucketMs) + 1);
  }

  private slot(i: number): number {
    const n = this.counts.length;
    return ((i % n) + n) % n;
  }

  /** Start of the newest bucket touched (for idle eviction). */
  get lastBucketStart(): number {
    return this.head * this.bucketMs;
  }

  private advance(now: number): void {
    const b = Math.floor(now / this.bucketMs);
    // A clock that steps back keeps counting into the newest bucket rather than rewriting history.
    if (b <= this.head) return;
    const slots = this.counts.length;
    if (b - this.head >= slots) {
      this.counts.fill(0);
      this.total = 0;
    } else {
      for (let i = this.head + 1; i <= b; i++) {
        const s = this.slot(i);
        this.total -= this.counts[s] as number;
        this.counts[s] = 0;
      }
    }
    this.head = b;
  }

  /** Current total over the window at `now`. */
  used(now: number): number {
    this.advance(now);
    return this.total;
  }

  /** Adds `cost` if total + cost ≤ limit; returns the remaining allowance, or -ms to wait (−Infinity: never). */
  tryAdd(cost: number, limit: number, now: number): number {
    this.advance(now);
    if (this.total + cost <= limit) {
      this.counts[this.slot(this.head)]! += cost;
      this.total += cost;
      return limit - this.total;
    }
    if (cost > limit) return -Infinity;
    return -this.waitMs(this.total + cost - limit, now);
  }

  /** Time until buckets holding at least `need` have expired. */
  private waitMs(need: number, now: number): number {
    const slots = this.counts.length;
    let freed = 0;
    for (let k = this.head - slots + 1; k <= this.head; k++) {
      freed += this.counts[this.slot(k)] as number;
      // Bucket k leaves the counted range when the newest bucket is k + slots.
      if (freed >= need) return Math.max(1, (k + slots) * this.bucketMs - now);
    }
    return this.windowMs;
  }

  /** Adds `delta` to the bucket that holds time `at`; if that bucket is gone, refunds vanish and charges land now. */
  adjust(delta: number, at: number, now: number): void {
    this.advance(now);
    const slots = this.counts.length;
    const b = Math.floor(at / this.bucketMs);
    const inWindow = b <= this.head && b > this.head - slots;
    if (!inWindow) {
      if (delta > 0) {
        this.counts[this.slot(this.head)]! += delta;
        this.total += delta;
      }
      return;
    }
    const s = this.slot(b);
    const before = this.counts[s] as number;
    const after = Math.max(0, before + delta);
    this.counts[s] = after;
    this.total += after - before;
  }
}
