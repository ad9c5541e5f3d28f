// The progress bar: silent off a TTY, throttled by an injected clock, always drawing the last state.
import { describe, expect, it } from 'vitest';
import { createProgressBar, renderProgress } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 80, writes, write: (s: string) => writes.push(s) };
}

describe('progress bar', () => {
  it('writes nothing when the stream is not a TTY', () => {
    const s = fakeStream(false);
    const bar = createProgressBar(s);
    bar.update(1, 2);
    bar.update(2, 2);
    bar.finish();
    expect(s.writes).toEqual([]);
  });

  it('redraws at most once per interval, always on the last item, and ends the line', () => {
    const s = fakeStream(true);
    let t = 0;
    const bar = createProgressBar(s, { label: 'eval', intervalMs: 100, now: () => t });
    bar.update(1, 10);
    t = 50;
    bar.update(2, 10);
    t = 120;
    bar.update(3, 10);
    t = 130;
    bar.update(10, 10);
    bar.finish();
    expect(s.writes).toHaveLength(5);
    expect(s.writes[0]).toMatch(/^\r\x1b\[2Keval \[[#-]+\]\s+10% 1\/10/);
    expect(s.writes[1]).toContain('30% 3/10');
    expect(s.writes[2]).toContain('100% 10/10');
    expect(s.writes[4]).toBe('\n');
  });

  it('renders rate and ETA, and fits a narrow terminal', () => {
    expect(renderProgress('p', 2500, 5000, 10_000, 80)).toBe(`p [${'#'.repeat(15)}${'-'.repeat(15)}]  50% 2500/5000 250/s ETA 10s`);
    expect(renderProgress('p', 0, 0, 0, 80)).toBe(`p [${'#'.repeat(30)}] 100% 0/0`);
    expect(renderProgress('p', 1, 100, 1000, 20)).toBe('p   1% 1/100 1.0/s ETA 1m39s');
  });
});
