import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window.js';

describe('SlidingWindow', () => {
  it('counts costs and refuses what would exceed the limit', () => {
    const w = new SlidingWindow(60_000, 1_000);
    expect(w.tryAdd(60, 100, 0)).toBe(40);
    expect(w.tryAdd(40, 100, 500)).toBe(0);
    expect(w.tryAdd(1, 100, 999)).toBeLessThan(0);
    expect(w.used(999)).toBe(100);
  });

  it('says never (−Infinity) for a cost above the limit itself', () => {
    expect(new SlidingWindow(60_000, 1_000).tryAdd(101, 100, 0)).toBe(-Infinity);
  });

  it('forgets everything after a long idle gap', () => {
    const w = new SlidingWindow(60_000, 1_000);
    w.tryAdd(100, 100, 0);
    expect(w.used(10 * 60_000)).toBe(0);
  });

  it('waits only for the buckets it needs to free', () => {
    const w = new SlidingWindow(60_000, 1_000);
    w.tryAdd(10, 100, 0);
    w.tryAdd(90, 100, 20_500);
    // 10 more fit once the bucket of t=0 leaves (at 61 s); 95 more need the second one gone too (at 81 s).
    expect(w.tryAdd(10, 100, 30_000)).toBe(-31_000);
    expect(w.tryAdd(95, 100, 30_000)).toBe(-51_000);
  });

  it('adjusts the bucket of the original charge, and refunds never go below zero', () => {
    const w = new SlidingWindow(60_000, 1_000);
    w.tryAdd(50, 100, 0);
    w.tryAdd(10, 100, 5_000);
    w.adjust(-80, 0, 6_000);
    expect(w.used(6_000)).toBe(10);
    w.adjust(25, 5_000, 6_000);
    expect(w.used(6_000)).toBe(35);
  });

  it('drops refunds of expired charges and books extra charges now', () => {
    const w = new SlidingWindow(60_000, 1_000);
    w.tryAdd(50, 100, 0);
    w.adjust(-50, 0, 120_000);
    expect(w.used(120_000)).toBe(0);
    w.adjust(30, 0, 120_000);
    expect(w.used(120_000)).toBe(30);
    expect(w.used(181_000)).toBe(0);
  });

  it('does not rewrite history when the clock steps back', () => {
    const w = new SlidingWindow(60_000, 1_000);
    w.tryAdd(1, 2, 10_000);
    w.tryAdd(1, 2, 5_000);
    expect(w.tryAdd(1, 2, 9_000)).toBeLessThan(0);
  });

  it('refuses a shape without whole buckets (caller mistake)', () => {
    expect(() => new SlidingWindow(500, 1_000)).toThrow(TypeError);
    expect(() => new SlidingWindow(60_000, 0)).toThrow(TypeError);
  });
});
