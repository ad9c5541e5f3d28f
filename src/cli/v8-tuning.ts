// V8 settings chosen per kind of command, each measured (see the figures below). They are process-wide, so only
// the CLI sets them, never the library.
//
// Heap: the long-running servers (gateway, serve, mcp gateway, detector API) tell V8 to grow the old generation by 20 % past the live
// data after a full collection instead of its own factor (up to 4× under a high allocation rate). A proxy's
// garbage is short-lived but some of it outlives two scavenges (buffered events, in-flight requests), and with
// V8's default the heap of a gateway under load climbed to ~100 MiB of mostly dead objects before a full
// collection: 240 MiB RSS with the default policy in `npm run bench:gateway`, ~160 MiB with this setting, at a
// throughput cost within that benchmark's noise. BULWARK_HEAP_GROWING_PERCENT overrides it (0: V8's default).
import v8 from 'node:v8';
import { BulwarkError } from '../core/errors.js';

export const DEFAULT_HEAP_GROWING_PERCENT = 20;
export const HEAP_GROWING_ENV = 'BULWARK_HEAP_GROWING_PERCENT';

/**
 * Applies the heap growing factor for a long-running server; returns the percentage set, or undefined when V8's own
 * heuristics were kept. V8 reads the flag at every full collection, so setting it after start-up takes effect.
 */
export function tuneHeapForServing(
  env: Readonly<Record<string, string | undefined>> = process.env,
  setFlags: (flags: string) => void = (flags) => v8.setFlagsFromString(flags),
): number | undefined {
  const raw = env[HEAP_GROWING_ENV]?.trim();
  const percent = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!/^\d{1,4}$/.test(raw === undefined || raw === '' ? '0' : raw) || !Number.isInteger(percent) || percent > 1000) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `${HEAP_GROWING_ENV} must be an integer percentage 0..1000, got ${JSON.stringify(raw?.slice(0, 32))}`);
  }
  if (percent === 0) return undefined;
  setFlags(`--heap-growing-percent=${percent}`);
  return percent;
}

/**
 * Regular expressions compiled straight to native code, for short-lived commands (`eval run`). V8 first compiles a
 * regex to bytecode and tiers up to native code on its second use; for the large alternations of the refusal
 * detector (70 patterns in groups) the bytecode compile is the slow part: 22 ms of bytecode plus 4 ms of native code
 * on the first two answers, against 4 ms straight to native (2-core benchmark machine). A long-running server
 * keeps V8's default, where regexes used once stay cheap bytecode.
 */
export function compileRegexpsNatively(setFlags: (flags: string) => void = (flags) => v8.setFlagsFromString(flags)): void {
  setFlags('--no-regexp-tier-up');
}
