import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { MemoryLimitStore } from './memory-store.js';
import type { LimitStore } from './store.js';
import { TokenLimiter, type TokenDecision } from './tokens.js';

const T0 = 1_750_000_000_000;

function fakeClock(start = T0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const P = { id: 'p', limits: { tpm: 1_000 } };

function reserve(tl: TokenLimiter, promptTokens: number, maxTokens?: number, principal: Pick<Principal, 'id' | 'limits'> = P): TokenDecision {
  return tl.reserve(principal, { promptTokens, maxTokens }) as TokenDecision;
}

describe('TokenLimiter', () => {
  it('reserves prompt + max_tokens and refuses what does not fit', () => {
    const tl = new TokenLimiter({ now: fakeClock().now });
    expect(reserve(tl, 300, 300)).toMatchObject({ ok: true, remaining: 400, reservation: { reserved: 600 } });
    const d = reserve(tl, 300, 200);
    expect(d).toMatchObject({ ok: false, limit: 'tpm', status: 429, max: 1_000 });
    if (!d.ok) expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('assumes a completion budget when max_tokens is absent', () => {
    const tl = new TokenLimiter({ now: fakeClock().now, assumedCompletionTokens: 100 });
    expect(reserve(tl, 50)).toMatchObject({ ok: true, reservation: { reserved: 150 } });
  });

  it('says a request larger than the limit can never pass (no Retry-After)', () => {
    const tl = new TokenLimiter({ now: fakeClock().now });
    const d = reserve(tl, 900, 200);
    expect(d).toMatchObject({ ok: false, limit: 'tpm' });
    if (!d.ok) {
      expect(d.retryAfterSeconds).toBeUndefined();
      expect(d.message).toMatch(/too large/);
    }
  });

  it('commit refunds unused reservation and charges overuse', () => {
    const c = fakeClock();
    const tl = new TokenLimiter({ now: c.now });
    const a = reserve(tl, 100, 800);
    if (!a.ok) throw new Error('expected ok');
    c.advance(2_000);
    a.reservation.commit(150);
    expect(reserve(tl, 400, 400).ok).toBe(true); // 150 + 800 ≤ 1000
    const b = reserve(tl, 10, 10);
    expect(b.ok).toBe(true);
    if (b.ok) b.reservation.commit(500); // 970 reserved → 1460 actual: over the limit until it expires
    expect(reserve(tl, 1, 0).ok).toBe(false);
  });

  it('cancel refunds everything and later settlements are ignored', () => {
    const tl = new TokenLimiter({ now: fakeClock().now });
    const a = reserve(tl, 500, 500);
    if (!a.ok) throw new Error('expected ok');
    a.reservation.cancel();
    expect(a.reservation.settled).toBe(true);
    a.reservation.commit(10_000);
    expect(reserve(tl, 500, 500).ok).toBe(true);
  });

  it('books overuse of a reservation that already left the window at the time of commit', () => {
    const c = fakeClock();
    const tl = new TokenLimiter({ now: c.now });
    const a = reserve(tl, 100, 100);
    if (!a.ok) throw new Error('expected ok');
    c.advance(120_000);
    a.reservation.commit(900); // a two-minute stream: 700 extra land now
    expect(reserve(tl, 200, 200).ok).toBe(false);
    expect(reserve(tl, 100, 200).ok).toBe(true);
  });

  it('treats nonsense token numbers as zero', () => {
    const tl = new TokenLimiter({ now: fakeClock().now });
    expect(reserve(tl, Number.NaN, -5)).toMatchObject({ ok: true, reservation: { reserved: 0 } });
    const a = reserve(tl, 10, 10);
    if (a.ok) a.reservation.commit(Number.POSITIVE_INFINITY);
    expect(reserve(tl, 1_000, 0).ok).toBe(true);
  });

  it('does not limit a principal without tpm and without a default', async () => {
    const tl = new TokenLimiter({ now: fakeClock().now });
    const d = reserve(tl, 1e9, 1e9, { id: 'x', limits: {} });
    expect(d.ok).toBe(true);
    if (d.ok) {
      expect(d.reservation.reserved).toBe(0);
      await d.reservation.commit(5);
    }
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
    const tl = new TokenLimiter({ now: fakeClock().now, store });
    const a = await tl.reserve(P, { promptTokens: 500, maxTokens: 500 });
    expect(a.ok).toBe(true);
    expect((await tl.reserve(P, { promptTokens: 1, maxTokens: 0 })).ok).toBe(false);
    if (a.ok) await a.reservation.cancel();
    expect((await tl.reserve(P, { promptTokens: 1, maxTokens: 0 })).ok).toBe(true);
  });
});
