// CVSS v3 base scores against well-known vectors, and the qualitative rating.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cvss3BaseScore, severityOfScore } from './cvss.js';

describe('cvss3BaseScore', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 5.3],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
    ['CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.6],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    // Temporal and environmental metrics may follow; the base score ignores them.
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C', 9.8],
  ])('%s → %d', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it('rejects incomplete, duplicated, unknown-valued and non-v3 vectors', () => {
    for (const v of [
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H',
      'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Z/C:H/I:H/A:H',
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:extra',
      'CVSS:3.1/AV:constructor/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    ]) {
      expect(cvss3BaseScore(v), v).toBeUndefined();
    }
  });

  it('always lands in 0..10 with one decimal, or undefined, for any text', () => {
    const metric = (k: string, vals: string) => fc.constantFrom(...vals.split('')).map((v) => `${k}:${v}`);
    const vector = fc
      .tuple(fc.constantFrom('3.0', '3.1'), metric('AV', 'NALP'), metric('AC', 'LH'), metric('PR', 'NLH'), metric('UI', 'NR'), metric('S', 'UC'), metric('C', 'HLN'), metric('I', 'HLN'), metric('A', 'HLN'))
      .map(([v, ...m]) => `CVSS:${v}/${m.join('/')}`);
    fc.assert(
      fc.property(fc.oneof(vector, fc.string()), (v) => {
        const s = cvss3BaseScore(v);
        if (s === undefined) return;
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(10);
        expect(Math.round(s * 10) / 10).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('severityOfScore', () => {
  it('follows the CVSS v3 rating scale', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityOfScore)).toEqual(['info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
});
