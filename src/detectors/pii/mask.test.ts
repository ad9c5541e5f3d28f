import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskKeepEnds, maskPii } from './mask.js';
import { resolveOverlaps } from './resolve.js';
import { PII_ENTITIES } from './types.js';

describe('maskPii', () => {
  it('keeps only the shape of each kind of value', () => {
    expect(maskPii('email', 'jane.doe@example.com')).toBe('j***@e***.com');
    expect(maskPii('credit_card', '4111 1111 1111 4242')).toBe('**** **** **** 4242');
    expect(maskPii('iban', 'GB82 WEST 1234 5698 7654 32')).toBe('GB** **** **** **** **54 32');
    expect(maskPii('us_ssn', '536-90-4399')).toBe('***-**-****');
    expect(maskPii('phone', '+44 20 7946 0958')).toBe('+** ** **** **58');
    expect(maskPii('ip_address', '203.0.113.77')).toBe('203.*.***.**');
    expect(maskPii('person', 'Jane Q. Doe')).toBe('J*** Q. D***');
    expect(maskPii('date_of_birth', '12/05/1987')).toBe('**/**/****');
  });

  it('never reveals more than half of a value', () => {
    expect(maskKeepEnds('1234', 2, 4)).toBe('12**');
    expect(maskKeepEnds('12', 0, 4)).toBe('*2');
    expect(maskKeepEnds('x', 0, 4)).toBe('*');
  });

  it('never returns the value itself, for any kind and any value of three or more characters', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PII_ENTITIES), fc.string({ minLength: 3, maxLength: 60 }), (entity, raw) => {
        const value = `${raw}a1@b.co`;
        const evidence = maskPii(entity, value);
        return evidence !== value && !evidence.includes(value) && evidence.length <= 48;
      }),
    );
  });
});

describe('resolveOverlaps', () => {
  it('prefers the more specific entity, then the higher score, then the longer match', () => {
    const kept = resolveOverlaps([
      { entity: 'person', start: 0, end: 10, score: 0.9 },
      { entity: 'email', start: 5, end: 20, score: 0.95 },
      { entity: 'phone', start: 30, end: 40, score: 0.7 },
      { entity: 'phone', start: 30, end: 44, score: 0.7 },
      { entity: 'street_address', start: 50, end: 60, score: 0.6 },
      { entity: 'street_address', start: 55, end: 58, score: 0.8 },
    ]);
    expect(kept.map((c) => [c.entity, c.start, c.end])).toEqual([
      ['email', 5, 20],
      ['phone', 30, 44],
      ['street_address', 55, 58],
    ]);
  });

  it('gives a phone-shaped number inside a longer address to the address', () => {
    const kept = resolveOverlaps([
      { entity: 'phone', start: 0, end: 10, score: 0.7 },
      { entity: 'street_address', start: 0, end: 30, score: 0.6 },
      { entity: 'phone', start: 40, end: 50, score: 0.9 },
      { entity: 'street_address', start: 45, end: 48, score: 0.8 },
    ]);
    expect(kept.map((c) => [c.entity, c.start])).toEqual([
      ['street_address', 0],
      ['phone', 40],
    ]);
  });

  it('returns non-overlapping candidates in text order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ start: fc.nat(200), length: fc.integer({ min: 1, max: 30 }), score: fc.double({ min: 0, max: 1, noNaN: true }), entity: fc.constantFrom(...PII_ENTITIES) }),
          { maxLength: 40 },
        ),
        (raw) => {
          const kept = resolveOverlaps(raw.map((r) => ({ entity: r.entity, start: r.start, end: r.start + r.length, score: r.score })));
          for (let i = 1; i < kept.length; i++) if ((kept[i]?.start ?? 0) < (kept[i - 1]?.end ?? 0)) return false;
          return raw.length === 0 || kept.length > 0;
        },
      ),
    );
  });
});
