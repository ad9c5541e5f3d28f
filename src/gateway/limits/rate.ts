// Requests per minute per principal: a sliding window that never admits more than the limit in any 60 s.
import type { Principal } from '../auth/principal.js';
import { retryAfterSeconds, type LimitDenied } from './decision.js';
import { MemoryLimitStore } from './memory-store.js';
import { mapAwaitable, type Awaitable, type LimitStore, type WindowRule } from './store.js';

export interface RateLimiterOptions {
  store?: LimitStore;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
  /** Used when the principal has no rpm of its own; undefined = no limit. */
  defaultRpm?: number;
  windowMs?: number;
  /** Granularity of the window: Retry-After may be up to one bucket longer than strictly needed. */
  bucketMs?: number;
}

export type RateDecision = { readonly ok: true; readonly limit: number; readonly remaining: number } | LimitDenied;

const UNLIMITED: RateDecision = Object.freeze({ ok: true, limit: Infinity, remaining: Infinity });

export class RateLimiter {
  private readonly store: LimitStore;
  private readonly now: () => number;
  private readonly defaultRpm: number | undefined;
  private readonly windowMs: number;
  private readonly bucketMs: number;

  constructor(options: RateLimiterOptions = {}) {
    this.store = options.store ?? new MemoryLimitStore();
    this.now = options.now ?? Date.now;
    this.defaultRpm = options.defaultRpm;
    this.windowMs = options.windowMs ?? 60_000;
    this.bucketMs = options.bucketMs ?? 1_000;
  }

  /** Counts one request for the principal if its limit allows; synchronous with the in-memory store. */
  check(principal: Pick<Principal, 'id' | 'limits'>): Awaitable<RateDecision> {
    const limit = principal.limits.rpm ?? this.defaultRpm;
    if (limit === undefined) return UNLIMITED;
    const rule: WindowRule = { limit, windowMs: this.windowMs, bucketMs: this.bucketMs };
    return mapAwaitable(this.store.consume(`rpm:${principal.id}`, 1, rule, this.now()), (r): RateDecision => {
      if (r.ok) return { ok: true, limit, remaining: r.remaining };
      return {
        ok: false,
        limit: 'rpm',
        status: 429,
        retryAfterSeconds: retryAfterSeconds(r.retryAfterMs),
        max: limit,
        message: `Rate limit reached: ${limit} requests per ${this.windowMs / 1000} s. Retry after the time in Retry-After.`,
      };
    });
  }
}
