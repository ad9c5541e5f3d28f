// Requests in flight, per principal and for the whole gateway. A lease is released exactly once: explicitly, when
// the request's AbortSignal fires, or when the response emits 'close' (which node:http emits on success, error
// and client disconnect alike), so a request that throws cannot leak a slot.
import type { Principal } from '../auth/principal.js';
import type { LimitDenied } from './decision.js';
import { MemoryLimitStore } from './memory-store.js';
import { mapAwaitable, type Awaitable, type LimitStore } from './store.js';

export interface ConcurrencyLimiterOptions {
  store?: LimitStore;
  /** Used when the principal has no concurrency of its own; undefined = no per-principal limit. */
  defaultMax?: number;
  /** Requests in flight across all principals; undefined = no global limit. */
  globalMax?: number;
  /** Retry-After for a refused request (the limiter cannot know when a slot frees up); default 1. */
  retryAfterSeconds?: number;
}

/** Anything that emits 'close' once, like http.ServerResponse or a stream. */
export interface Closable {
  once(event: 'close', listener: () => void): unknown;
  off?(event: 'close', listener: () => void): unknown;
}

export interface ConcurrencyLease {
  readonly released: boolean;
  /** Gives the slots back; idempotent. */
  release(): void;
  /** Releases when `target` emits 'close' (bind the response right after acquiring). */
  releaseOn(target: Closable): this;
}

export type ConcurrencyDecision = { readonly ok: true; readonly lease: ConcurrencyLease } | LimitDenied;

const GLOBAL_KEY = 'conc:*';

class Lease implements ConcurrencyLease {
  released = false;
  private signal: AbortSignal | undefined;
  private closeTargets: Closable[] = [];
  private readonly onEvent = (): void => this.release();

  constructor(
    private readonly store: LimitStore,
    private readonly keys: readonly string[],
    signal: AbortSignal | undefined,
  ) {
    if (signal !== undefined) {
      this.signal = signal;
      if (signal.aborted) this.release();
      else signal.addEventListener('abort', this.onEvent, { once: true });
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const key of this.keys) {
      const r = this.store.release(key);
      // A networked store failing to release must not crash the request path; its counters expire on their own.
      if (r instanceof Promise) r.catch(() => undefined);
    }
    // Drop listeners so that a long-lived signal or socket does not accumulate them.
    this.signal?.removeEventListener('abort', this.onEvent);
    this.signal = undefined;
    for (const t of this.closeTargets) t.off?.('close', this.onEvent);
    this.closeTargets = [];
  }

  releaseOn(target: Closable): this {
    if (this.released) return this;
    this.closeTargets.push(target);
    target.once('close', this.onEvent);
    return this;
  }
}

export class ConcurrencyLimiter {
  private readonly store: LimitStore;
  private readonly defaultMax: number | undefined;
  private readonly globalMax: number | undefined;
  private readonly retryAfter: number;

  constructor(options: ConcurrencyLimiterOptions = {}) {
    this.store = options.store ?? new MemoryLimitStore();
    this.defaultMax = options.defaultMax;
    this.globalMax = options.globalMax;
    this.retryAfter = options.retryAfterSeconds ?? 1;
  }

  /** Takes a global slot and a slot of the principal; both or neither. */
  acquire(principal: Pick<Principal, 'id' | 'limits'>, signal?: AbortSignal): Awaitable<ConcurrencyDecision> {
    const max = principal.limits.concurrency ?? this.defaultMax;
    const key = `conc:${principal.id}`;
    // The global slot is taken even without a global limit: inFlight() then counts the whole gateway.
    const globalMax = this.globalMax ?? Infinity;
    return mapAwaitable(this.store.acquire(GLOBAL_KEY, globalMax), (gotGlobal): Awaitable<ConcurrencyDecision> => {
      if (!gotGlobal) return this.denied('global_concurrency', globalMax);
      if (max === undefined) return { ok: true, lease: new Lease(this.store, [GLOBAL_KEY], signal) };
      return mapAwaitable(this.store.acquire(key, max), (got): Awaitable<ConcurrencyDecision> => {
        if (got) return { ok: true, lease: new Lease(this.store, [GLOBAL_KEY, key], signal) };
        return mapAwaitable(this.store.release(GLOBAL_KEY), () => this.denied('concurrency', max));
      });
    });
  }

  /** Requests in flight for a principal, or for the whole gateway without an argument. */
  inFlight(principal?: Pick<Principal, 'id'>): Awaitable<number> {
    return this.store.inFlight(principal === undefined ? GLOBAL_KEY : `conc:${principal.id}`);
  }

  private denied(limit: 'concurrency' | 'global_concurrency', max: number): LimitDenied {
    return {
      ok: false,
      limit,
      status: 429,
      retryAfterSeconds: this.retryAfter,
      max,
      message:
        limit === 'concurrency'
          ? `Too many requests in flight: at most ${max} at once for this credential.`
          : 'The gateway is at its limit of requests in flight; retry shortly.',
    };
  }
}
