import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent } from '../core/event.js';
import { RecentEvents } from './recent-events.js';

const ev = () => createEvent({ kind: 'system', source: 'guard', decision: 'allow' });

describe('RecentEvents', () => {
  it('serves a contiguous run from the requested seq, stops at a gap, and knows nothing it does not hold', () => {
    const r = new RecentEvents(10);
    for (const seq of [5, 6, 7, 10, 11]) r.add(seq, ev(), 100);
    expect(r.read(4, 100, Infinity)?.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(r.read(5, 1, Infinity)?.map((e) => e.seq)).toEqual([6]);
    expect(r.read(7, 100, Infinity)).toBeUndefined(); // 8 was written by another process: read the database
    expect(r.read(9, 100, Infinity)?.map((e) => e.seq)).toEqual([10, 11]);
    expect(r.read(11, 100, Infinity)).toBeUndefined();
  });

  it('cuts by bytes but always returns the first event', () => {
    const r = new RecentEvents(10);
    for (let seq = 1; seq <= 5; seq++) r.add(seq, ev(), 400);
    expect(r.read(0, 100, 1000)?.map((e) => e.seq)).toEqual([1, 2]);
    expect(r.read(0, 100, 10)?.map((e) => e.seq)).toEqual([1]);
  });

  it('keeps only the newest entries, and forgets everything when seqs go backwards', () => {
    const r = new RecentEvents(3);
    for (let seq = 1; seq <= 20; seq++) r.add(seq, ev(), 1);
    expect(r.read(0, 100, Infinity)).toBeUndefined();
    expect(r.read(17, 100, Infinity)?.map((e) => e.seq)).toEqual([18, 19, 20]);
    r.add(3, ev(), 1);
    expect(r.read(17, 100, Infinity)).toBeUndefined();
    expect(r.read(2, 100, Infinity)?.map((e) => e.seq)).toEqual([3]);
  });

  it('agrees with a plain scan for any growing seqs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 60 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 10 }), (steps, after, limit) => {
        const r = new RecentEvents(1000);
        const seqs: number[] = [];
        let seq = 0;
        for (const s of steps) {
          seq += s;
          seqs.push(seq);
          r.add(seq, ev(), 1);
        }
        const got = r.read(after, limit, Infinity)?.map((e) => e.seq);
        if (!seqs.includes(after + 1)) expect(got).toBeUndefined();
        else {
          const expected: number[] = [];
          for (let s = after + 1; seqs.includes(s) && expected.length < limit; s++) expected.push(s);
          expect(got).toEqual(expected);
        }
      }),
    );
  });
});
