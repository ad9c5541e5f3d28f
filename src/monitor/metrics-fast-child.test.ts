import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounterChild, FastHistogramChild } from './metrics-fast-child.js';

const BUCKETS = [0.005, 0.01, 0.1, 1, 10];

function pair() {
  const make = () => {
    const registry = new Registry();
    const registers = [registry];
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'], registers });
    const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'], buckets: BUCKETS, registers });
    return { registry, counter, histogram };
  };
  return { plain: make(), fast: make() };
}

describe('fast prom-client children', () => {
  it('expose exactly what prom-client itself exposes for the same calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z"\\\n'), fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 0.005, 10, 1e9)))),
        async (calls) => {
          const { plain, fast } = pair();
          const counters = new Map<string, FastCounterChild>();
          const histograms = new Map<string, FastHistogramChild>();
          for (const [label, value] of calls) {
            plain.counter.labels(label, 'k').inc(value);
            plain.counter.labels(label, 'k').inc();
            plain.histogram.labels(label).observe(value);
            let c = counters.get(label);
            if (!c) counters.set(label, (c = new FastCounterChild(fast.counter, ['a', 'b'], [label, 'k'])));
            c.inc(value);
            c.inc();
            let h = histograms.get(label);
            if (!h) histograms.set(label, (h = new FastHistogramChild(fast.histogram, ['a'], [label], BUCKETS)));
            h.observe(value);
          }
          expect(await fast.registry.metrics()).toBe(await plain.registry.metrics());
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keep prom-client checks (a bad value throws) and recover after a reset', async () => {
    const { fast } = pair();
    const c = new FastCounterChild(fast.counter, ['a', 'b'], ['x', 'y']);
    const h = new FastHistogramChild(fast.histogram, ['a'], ['x'], BUCKETS);
    c.inc(2);
    h.observe(0.02);
    expect(() => c.inc(-1)).toThrow();
    expect(() => h.observe(Number.NaN)).toThrow(TypeError);
    fast.registry.resetMetrics();
    c.inc(3);
    h.observe(5);
    const text = await fast.registry.metrics();
    expect(text).toContain('c_total{a="x",b="y"} 3');
    expect(text).toContain('h_seconds_bucket{le="10",a="x"} 1');
    expect(text).toContain('h_seconds_count{a="x"} 1');
  });
});
