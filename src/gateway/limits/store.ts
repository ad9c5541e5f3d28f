// LimitStore: the counters behind the limiters. In memory for one process (memory-store.ts); a Redis store with
// the same contract lets gateway replicas share limits. Results may be promises so that a networked store fits.

export type Awaitable<T> = T | Promise<T>;

/** A sliding window of `windowMs` counted in sub-windows of `bucketMs` (the window is rounded up to whole buckets). */
export interface WindowRule {
  readonly limit: number;
  readonly windowMs: number;
  readonly bucketMs: number;
}

export type ConsumeResult =
  | { readonly ok: true; readonly remaining: number }
  /** retryAfterMs is Infinity when `cost` exceeds the limit itself. */
  | { readonly ok: false; readonly retryAfterMs: number };

export interface LimitStore {
  /**
   * Adds `cost` to the window of `key` at time `now` if the total over the last windowMs stays within the limit;
   * otherwise changes nothing and says when enough of the window will have expired. Must be atomic per key.
   */
  consume(key: string, cost: number, rule: WindowRule, now: number): Awaitable<ConsumeResult>;
  /**
   * Corrects an earlier charge made at `chargedAt` by `delta` (negative: refund). Refunds of charges already out of
   * the window are dropped; extra charges for them land at `now`.
   */
  adjust(key: string, delta: number, chargedAt: number, rule: WindowRule, now: number): Awaitable<void>;
  /** Takes one of `max` slots for `key`; false (and no change) when all are taken. */
  acquire(key: string, max: number): Awaitable<boolean>;
  /** Gives a slot back. Never drops below zero. */
  release(key: string): Awaitable<void>;
  /** Slots in use for `key` (metrics and tests). */
  inFlight(key: string): Awaitable<number>;
}

/**
 * Applies `f` to a value or a promise of one, staying synchronous for synchronous stores. (Not named `then`: a
 * module exporting `then` is a thenable, and `await import()` of it never yields the module.)
 */
export function mapAwaitable<T, U>(value: Awaitable<T>, f: (v: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
