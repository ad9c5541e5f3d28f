// Durations as people write them on the command line and in config: 30d, 12h, 90m, 45s, 250ms, 1h30m, 2w.

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WHOLE = /^(?:[0-9]{1,9}(?:ms|s|m|h|d|w))+$/;
const PART = /([0-9]{1,9})(ms|s|m|h|d|w)/g;
/** A hundred years: beyond that a duration is a typo. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** Milliseconds, or undefined when the text is not a duration (units required, no spaces, no fractions). */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (s.length === 0 || s.length > 64 || !WHOLE.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? Number.NaN);
  return Number.isSafeInteger(total) && total <= MAX_DURATION_MS ? total : undefined;
}

/** A short form for display: the largest unit that divides the duration evenly (90m, not 1.5h). */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
