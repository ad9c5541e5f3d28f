import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLimitStore } from './memory-store.js';
import { RateLimiter, type RateDecision } from './rate.js';
import type { LimitStore } from './store.js';

const T0 = 1_750_000_000_000;

function fakeClock(start = T0) {
  let t = start;
  return { now: () => t, set: (v: number) => void (t = v), advance: (ms: number) => void (t += ms) };
}

function principal(id: string, rpm?: number) {
  return { id, limits: rpm === undefined ? {} : { rpm } };
}

/** The same store behind promises, as a networked store would answer. */
function asyncStore(inner: LimitStore): LimitStore {
  return {
    consume: async (...a) => inner.consume(...a),
    adjust: async (...a) => inner.adjust(...a),
    acquire: async (...a) => inner.acquire(...a),
    release: async (...a) => inner.release(...a),
    inFlight: async (...a) => inner.inFlight(...a),
  };
}

describe('RateLimiter', () => {
  it('allows up to the limit, then refuses with Retry-After', () => {
    const c = fakeClock();
    const rl = new RateLimiter({ now: c.now });
    const p = principal('a', 3);
    const results = [1, 2, 3, 4].map(() => rl.check(p) as RateDecision);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[2]).toMatchObject({ ok: true, remaining: 0, limit: 3 });
    expect(results[3]).toMatchObject({ ok: false, limit: 'rpm', status: 429, max: 3, retryAfterSeconds: 61 });
  });

  it('allows again once the first requests leave the window', () => {
    const c = fakeClock();
    const rl = new RateLimiter({ now: c.now });
    const p = principal('a', 2);
    rl.check(p);
    c.advance(30_000);
    rl.check(p);
    const denied = rl.check(p) as RateDecision;
    expect(denied.ok).toBe(false);
    // The first request was at T0 (bucket start): it leaves the counted range 61 s later.
    if (!denied.ok) expect(denied.retryAfterSeconds).toBe(31);
    c.advance(31_000);
    expect((rl.check(p) as RateDecision).ok).toBe(true);
    expect((rl.check(p) as RateDecision).ok).toBe(false);
  });

  it('keeps principals apart', () => {
    const rl = new RateLimiter({ now: fakeClock().now });
    expect((rl.check(principal('a', 1)) as RateDecision).ok).toBe(true);
    expect((rl.check(principal('a', 1)) as RateDecision).ok).toBe(false);
    expect((rl.check(principal('b', 1)) as RateDecision).ok).toBe(true);
  });

  it('uses the default rpm, and no limit without one', () => {
    const rl = new RateLimiter({ now: fakeClock().now, defaultRpm: 1 });
    rl.check(principal('a'));
    expect((rl.check(principal('a')) as RateDecision).ok).toBe(false);
    const open = new RateLimiter({ now: fakeClock().now });
    for (let i = 0; i < 1000; i++) expect((open.check(principal('a')) as RateDecision).ok).toBe(true);
  });

  it('works over an asynchronous store', async () => {
    const rl = new RateLimiter({ now: fakeClock().now, store: asyncStore(new MemoryLimitStore()) });
    const p = principal('a', 1);
    expect((await rl.check(p)).ok).toBe(true);
    expect(await rl.check(p)).toMatchObject({ ok: false, limit: 'rpm' });
  });

  it('never allows more than the limit within any 60 s window (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 70_000 })), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.integer({ min: 0, max: 999 }),
        (limit, gaps, offset) => {
          const c = fakeClock(T0 + offset);
          const rl = new RateLimiter({ now: c.now });
          const p = principal('p', limit);
          const allowed: number[] = [];
          for (const g of gaps) {
            c.advance(g);
            if ((rl.check(p) as RateDecision).ok) allowed.push(c.now());
          }
          // Any window [t, t + 60 s) that holds k allowed requests holds one starting at an allowed request.
          let j = 0;
          for (let i = 0; i < allowed.length; i++) {
            while (j < allowed.length && (allowed[j] as number) < (allowed[i] as number) + 60_000) j++;
            expect(j - i).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('regression: a window one bucket short admitted two requests within 60 s at limit 1', () => {
    // Found by the property above when the window held windowMs/bucketMs buckets instead of one more.
    const c = fakeClock(T0 + 59);
    const rl = new RateLimiter({ now: c.now });
    const allowed: number[] = [];
    for (const g of [179, 24, 2000, 57333, 405, 0]) {
      c.advance(g);
      if ((rl.check(principal('p', 1)) as RateDecision).ok) allowed.push(c.now());
    }
    expect(allowed).toHaveLength(1);
  });

  it('admits a request made after the advertised Retry-After (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 100 }), (limit, gaps) => {
        const c = fakeClock();
        const rl = new RateLimiter({ now: c.now });
        const p = principal('p', limit);
        for (const g of gaps) {
          c.advance(g);
          const d = rl.check(p) as RateDecision;
          if (!d.ok) {
            expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
            expect(d.retryAfterSeconds).toBeLessThanOrEqual(61);
            c.advance((d.retryAfterSeconds as number) * 1000);
            expect((rl.check(p) as RateDecision).ok).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
