import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { ConcurrencyLimiter, type ConcurrencyDecision } from './concurrency.js';
import { MemoryLimitStore } from './memory-store.js';
import type { LimitStore } from './store.js';

const A = { id: 'a', limits: { concurrency: 2 } };
const B = { id: 'b', limits: { concurrency: 2 } };

function acquire(cl: ConcurrencyLimiter, p: Pick<Principal, 'id' | 'limits'> = A, signal?: AbortSignal): ConcurrencyDecision {
  return cl.acquire(p, signal) as ConcurrencyDecision;
}

function lease(d: ConcurrencyDecision) {
  if (!d.ok) throw new Error(`expected a lease, got ${d.limit}`);
  return d.lease;
}

describe('ConcurrencyLimiter', () => {
  it('limits requests in flight per principal', () => {
    const cl = new ConcurrencyLimiter();
    const l1 = lease(acquire(cl));
    lease(acquire(cl));
    expect(acquire(cl)).toMatchObject({ ok: false, limit: 'concurrency', status: 429, retryAfterSeconds: 1, max: 2 });
    expect(acquire(cl, B).ok).toBe(true);
    l1.release();
    expect(acquire(cl).ok).toBe(true);
  });

  it('limits requests in flight globally and gives back the global slot on a principal refusal', () => {
    const cl = new ConcurrencyLimiter({ globalMax: 3 });
    lease(acquire(cl));
    lease(acquire(cl));
    expect(acquire(cl).ok).toBe(false); // principal full: the global slot it took is returned
    expect(cl.inFlight()).toBe(2);
    lease(acquire(cl, B));
    expect(acquire(cl, B)).toMatchObject({ ok: false, limit: 'global_concurrency' });
  });

  it('releases exactly once', () => {
    const cl = new ConcurrencyLimiter();
    const l = lease(acquire(cl));
    lease(acquire(cl));
    l.release();
    l.release();
    expect(cl.inFlight(A)).toBe(1);
    expect(cl.inFlight()).toBe(1);
  });

  it('releases when the request is aborted, and at once when already aborted', () => {
    const cl = new ConcurrencyLimiter();
    const ac = new AbortController();
    const l = lease(acquire(cl, A, ac.signal));
    expect(cl.inFlight(A)).toBe(1);
    ac.abort();
    expect(l.released).toBe(true);
    expect(cl.inFlight(A)).toBe(0);
    const late = lease(acquire(cl, A, AbortSignal.abort()));
    expect(late.released).toBe(true);
    expect(cl.inFlight(A)).toBe(0);
  });

  it('releases when the response closes, and drops its listeners', () => {
    const cl = new ConcurrencyLimiter();
    const res = new EventEmitter();
    const ac = new AbortController();
    lease(acquire(cl, A, ac.signal)).releaseOn(res);
    expect(res.listenerCount('close')).toBe(1);
    res.emit('close');
    expect(cl.inFlight(A)).toBe(0);
    expect(res.listenerCount('close')).toBe(0);
    ac.abort(); // a late abort does not release twice
    expect(cl.inFlight()).toBe(0);
  });

  it('does not leak a slot when the handler throws', async () => {
    const cl = new ConcurrencyLimiter({ globalMax: 100 });
    const H = { id: 'h', limits: { concurrency: 100 } };
    let peak = 0;
    async function handle(fail: boolean): Promise<void> {
      const res = new EventEmitter();
      lease(acquire(cl, H)).releaseOn(res);
      try {
        await Promise.resolve();
        peak = Math.max(peak, cl.inFlight(H) as number);
        if (fail) throw new Error('upstream exploded');
      } finally {
        // node:http emits 'close' on every response, errored or not.
        res.emit('close');
      }
    }
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => handle(i % 3 === 0)));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(17);
    expect(peak).toBe(50);
    expect(cl.inFlight(H)).toBe(0);
    expect(cl.inFlight()).toBe(0);
  });

  it('ends at zero in flight for any interleaving of acquire, release and abort (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom('release', 'abort', 'close', 'keep')), { maxLength: 60 }), (ops) => {
        const cl = new ConcurrencyLimiter({ globalMax: 5, defaultMax: 3 });
        const endings: (() => void)[] = [];
        for (const [id, how] of ops) {
          const ac = new AbortController();
          const res = new EventEmitter();
          const d = acquire(cl, { id, limits: {} }, ac.signal);
          if (!d.ok) continue;
          d.lease.releaseOn(res);
          const end = how === 'release' ? () => d.lease.release() : how === 'abort' ? () => ac.abort() : () => res.emit('close');
          if (how === 'keep') endings.push(end);
          else end();
          expect(cl.inFlight()).toBeLessThanOrEqual(5);
        }
        for (const end of endings) end();
        expect(cl.inFlight()).toBe(0);
        expect(cl.inFlight({ id: 'a' })).toBe(0);
        expect(cl.inFlight({ id: 'b' })).toBe(0);
      }),
    );
  });

  it('works over an asynchronous store', async () => {
    const inner = new MemoryLimitStore();
    const store: LimitStore = {
      consume: async (...a) => inner.consume(...a),
      adjust: async (...a) => inner.adjust(...a),
      acquire: async (...a) => inner.acquire(...a),
      release: async (...a) => inner.release(...a),
      inFlight: async (...a) => inner.inFlight(...a),
    };
    const cl = new ConcurrencyLimiter({ store, globalMax: 10 });
    const l = lease(await cl.acquire(A));
    lease(await cl.acquire(A));
    expect((await cl.acquire(A)).ok).toBe(false);
    expect(await cl.inFlight()).toBe(2);
    l.release();
    await Promise.resolve();
    expect(await cl.inFlight(A)).toBe(1);
  });
});
