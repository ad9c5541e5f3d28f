// Tests of duration parsing and formatting.
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['45s', 45_000],
    ['250ms', 250],
    ['2w', 14 * 86_400_000],
    ['1h30m', 90 * 60_000],
    [' 1H ', 3_600_000],
    ['0s', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'd', '1.5h', '-1h', '1 h', '1y', 'h1', '1hh', '30d ago', '١h', '1'.repeat(10) + 'h', `${'1h'.repeat(40)}`])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('rejects durations beyond a hundred years', () => {
    expect(parseDuration('5300w')).toBeUndefined();
    expect(parseDuration('5200w')).toBeLessThanOrEqual(MAX_DURATION_MS);
  });

  it('is linear on long hostile input', () => {
    expect(parseDuration('1m'.repeat(100_000))).toBeUndefined();
    expect(parseDuration('9'.repeat(200_000))).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('uses the largest unit that divides evenly', () => {
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(90 * 60_000)).toBe('90m');
    expect(formatDuration(14 * 86_400_000)).toBe('2w');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});
