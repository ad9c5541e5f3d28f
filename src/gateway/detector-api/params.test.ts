// Tests of detector_params handling: threshold, flat and keyed options, caching of default configurations.
import { describe, expect, it } from 'vitest';
import { fakeRegistry } from '../../../test/fixtures/fake-detectors.js';
import { applyThresholds, detectorIdsFromHeader, MAX_DETECTOR_IDS, resolveRequestDetectors } from './params.js';

const reg = fakeRegistry();

describe('detectorIdsFromHeader', () => {
  it('reads single, listed and repeated headers', () => {
    expect(detectorIdsFromHeader('a')).toEqual(['a']);
    expect(detectorIdsFromHeader('a, b')).toEqual(['a', 'b']);
    expect(detectorIdsFromHeader(['a', 'c'])).toEqual(['a', 'c']);
    expect(detectorIdsFromHeader(undefined)).toEqual([]);
  });

  it('refuses more ids than any registry holds', () => {
    const many = Array.from({ length: MAX_DETECTOR_IDS + 1 }, (_, i) => `d${i}`).join(',');
    expect(() => detectorIdsFromHeader(many)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
  });
});

describe('resolveRequestDetectors', () => {
  it('reuses the default configuration of a detector across requests', () => {
    const a = resolveRequestDetectors(reg, ['fake-pii'], undefined).configured[0];
    const b = resolveRequestDetectors(reg, ['fake-pii'], {}).configured[0];
    expect(a).toBe(b);
    const c = resolveRequestDetectors(reg, ['fake-pii'], { threshold: 0.7 }).configured[0];
    expect(c).not.toBe(a);
  });

  it('records thresholds per detector, a keyed one overriding the global one', () => {
    const { thresholds } = resolveRequestDetectors(reg, ['fake-pii', 'fake-nothreshold'], {
      threshold: 0.6,
      'fake-pii': { threshold: 0.9 },
    });
    expect(Object.fromEntries(thresholds)).toEqual({ 'fake-pii': 0.9, 'fake-nothreshold': 0.6 });
  });

  it('does not pass threshold to a detector whose strict options lack it', () => {
    expect(() => resolveRequestDetectors(reg, ['fake-nothreshold'], { threshold: 0.2 })).not.toThrow();
  });

  it.each([
    [['fake-pii'], { threshold: -0.1 }, 'threshold'],
    [['fake-pii'], { threshold: Number.NaN }, 'threshold'],
    [['fake-pii', 'fake-injection'], { 'fake-pii': { threshold: 2 } }, 'fake-pii.threshold'],
    [['fake-pii', 'fake-injection'], { 'fake-pii': {}, other: 1 }, 'under its id'],
    [['fake-pii'], { 'fake-pii': [] }, 'fake-pii'],
  ])('refuses %j with %j', (ids, params, message) => {
    expect(() => resolveRequestDetectors(reg, ids, params)).toThrow(expect.objectContaining({ message: expect.stringContaining(message) }));
  });
});

describe('applyThresholds', () => {
  const f = (detector: string, score: number) => ({ detector, category: 'c', score, severity: 'low' as const, tags: {} });

  it('keeps scores at or above the threshold of their detector only', () => {
    const kept = applyThresholds([f('a', 0.5), f('a', 0.49), f('b', 0.1)], new Map([['a', 0.5]]));
    expect(kept.map((x) => x.score)).toEqual([0.5, 0.1]);
  });
});
