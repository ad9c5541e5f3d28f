// The in-process LimitStore: sliding windows and slot counters in Maps, answered synchronously. Idle windows are
// swept at most once per sweep interval so that principals that stopped calling do not pin memory.
import { SlidingWindow } from './sliding-window.js';
import type { ConsumeResult, LimitStore, WindowRule } from './store.js';

export interface MemoryLimitStoreOptions {
  /** How often (ms of the callers' clock) idle windows are looked for; default 60 s. */
  sweepIntervalMs?: number;
}

export class MemoryLimitStore implements LimitStore {
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly slots = new Map<string, number>();
  private readonly sweepIntervalMs: number;
  private lastSweep = -Infinity;

  constructor(options: MemoryLimitStoreOptions = {}) {
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  }

  /** Number of live windows (tests, metrics). */
  get windowCount(): number {
    return this.windows.size;
  }

  private window(key: string, rule: WindowRule, now: number): SlidingWindow {
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);
    let w = this.windows.get(key);
    // A changed window shape (configuration reload) starts afresh rather than misreading old buckets.
    if (w === undefined || w.windowMs !== rule.windowMs || w.bucketMs !== rule.bucketMs) {
      w = new SlidingWindow(rule.windowMs, rule.bucketMs);
      this.windows.set(key, w);
    }
    return w;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, w] of this.windows) {
      if (now - w.lastBucketStart > w.windowMs + w.bucketMs) this.windows.delete(key);
    }
  }

  consume(key: string, cost: number, rule: WindowRule, now: number): ConsumeResult {
    const r = this.window(key, rule, now).tryAdd(cost, rule.limit, now);
    return r >= 0 ? { ok: true, remaining: r } : { ok: false, retryAfterMs: -r };
  }

  adjust(key: string, delta: number, chargedAt: number, rule: WindowRule, now: number): void {
    if (delta === 0) return;
    this.window(key, rule, now).adjust(delta, chargedAt, now);
  }

  acquire(key: string, max: number): boolean {
    const n = this.slots.get(key) ?? 0;
    if (n >= max) return false;
    this.slots.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.slots.get(key) ?? 0;
    if (n <= 1) this.slots.delete(key);
    else this.slots.set(key, n - 1);
  }

  inFlight(key: string): number {
    return this.slots.get(key) ?? 0;
  }
}
