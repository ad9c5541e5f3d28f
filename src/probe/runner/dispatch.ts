// Sends one request the way a run must: from the cache when allowed, under the adaptive concurrency limit, within
// the hard request budget (retries count), retrying retryable failures after Retry-After or jittered back-off.
import type { Target, TargetRequest, TargetResponse } from '../types.js';
import type { AdaptiveLimit } from './adaptive-limit.js';
import { responseCacheKey, type ResponseCache } from './cache.js';

export interface RetryOptions {
  /** Retries after the first attempt; default 4. */
  maxRetries?: number;
  /** First back-off step without Retry-After; default 500 ms, doubling per attempt. */
  baseDelayMs?: number;
  /** Cap on any wait, Retry-After included; default 30 s. */
  maxDelayMs?: number;
}

/** Why a conversation stopped without an answer to record: it is left for a later (resumed) run. */
export type Abandoned = { abandoned: 'budget_exhausted' | 'aborted' };

export function isAbandoned(r: TargetResponse | Abandoned): r is Abandoned {
  return 'abandoned' in r;
}

export interface DispatchStats {
  requests: number;
  retries: number;
  cacheHits: number;
  budgetExhausted: boolean;
}

export interface Dispatcher {
  readonly stats: DispatchStats;
  send(target: Target, request: TargetRequest, repeat: number, signal: AbortSignal): Promise<TargetResponse | Abandoned>;
}

export interface DispatcherOptions {
  limit: AdaptiveLimit;
  budget?: number;
  retry?: RetryOptions;
  cache?: ResponseCache;
  /**
   * What identifies a target in cache keys; default its id. A persistent cache needs more than the suite's name for
   * a target (the same id pointed at another model must not get the old answers).
   */
  cacheScope?: (target: Target) => string;
  /** Uniform [0, 1) for jitter; default Math.random. */
  random?: () => number;
}

export function createDispatcher(o: DispatcherOptions): Dispatcher {
  const maxRetries = o.retry?.maxRetries ?? 4;
  const baseDelayMs = o.retry?.baseDelayMs ?? 500;
  const maxDelayMs = o.retry?.maxDelayMs ?? 30_000;
  const random = o.random ?? Math.random;
  const stats: DispatchStats = { requests: 0, retries: 0, cacheHits: 0, budgetExhausted: false };

  async function send(target: Target, request: TargetRequest, repeat: number, signal: AbortSignal): Promise<TargetResponse | Abandoned> {
    const key = o.cache ? responseCacheKey(o.cacheScope?.(target) ?? target.id, repeat, request) : undefined;
    if (key !== undefined) {
      const hit = await cacheGet(o.cache as ResponseCache, key);
      if (hit !== undefined) {
        stats.cacheHits++;
        return hit;
      }
    }
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return { abandoned: 'aborted' };
      if (!(await o.limit.acquire(signal))) return { abandoned: 'aborted' };
      const epoch = o.limit.epoch;
      let r: TargetResponse;
      try {
        if (o.budget !== undefined && stats.requests >= o.budget) {
          stats.budgetExhausted = true;
          return { abandoned: 'budget_exhausted' };
        }
        stats.requests++;
        if (attempt > 0) stats.retries++;
        r = await sendSafely(target, request, signal);
      } finally {
        o.limit.release();
      }
      if (r.error && signal.aborted) return { abandoned: 'aborted' };
      if (r.error?.retryable) {
        if (r.error.code === 'rate_limited') o.limit.onThrottle(epoch);
        if (attempt >= maxRetries) return r;
        const wait = r.error.retryAfterMs !== undefined ? Math.min(r.error.retryAfterMs, maxDelayMs) : random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
        await sleep(wait, signal);
        continue;
      }
      if (!r.error) {
        o.limit.onSuccess();
        if (key !== undefined) await cacheSet(o.cache as ResponseCache, key, r);
      }
      return r;
    }
  }

  return { stats, send };
}

/** A target that throws (a bug, not a transport failure) still yields a typed error. */
async function sendSafely(target: Target, request: TargetRequest, signal: AbortSignal): Promise<TargetResponse> {
  try {
    return await target.send(request, signal);
  } catch (e) {
    return { text: '', error: { code: 'target_failed', message: `the target threw: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) }, latencyMs: 0 };
  }
}

/** A failing cache is a slower run, not a failed one. */
async function cacheGet(cache: ResponseCache, key: string): Promise<TargetResponse | undefined> {
  try {
    return await cache.get(key);
  } catch {
    return undefined;
  }
}

async function cacheSet(cache: ResponseCache, key: string, r: TargetResponse): Promise<void> {
  try {
    await cache.set(key, r);
  } catch {
    // See cacheGet.
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
