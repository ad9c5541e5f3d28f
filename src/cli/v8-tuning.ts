// V8 settings chosen per kind of command, each measured (see the figures below). They are process-wide, so only
// the CLI sets them, never the library.
//
// Heap: the long-running servers (gateway, serve, mcp gateway, detector API) tell V8 to grow the old generation by 20 % past the live
// data after a full collection instead of its own factor (up to 4× under a high allocation rate). A proxy's
// garbage is short-lived but some of it outlives two scavenges (buffered events, in-flight requests), and with
// V8's default the heap of a gateway under load climbed to ~100 MiB of mostly dead objects before a full
// collection: 240 MiB RSS with the default policy in `npm run bench:gateway`, ~160 MiB with this setting, at a
// throughput cost within that benchmark's noise. BULWARK_HEAP_GROWING_PERCENT overrides it (0: V8's default).
//
// Young generation: the same servers keep V8's new space at 8 MiB per semi-space instead of its 16 MiB (on 64-bit
// machines with more than a few GiB of memory). Both semi-spaces are resident under load, so this is 16 MiB of RSS:
// in `npm run bench:gateway` the default policy peaked at 155–158 MiB with V8's size and 140–142 MiB capped, at the
// same throughput (interleaved rounds, 2-core machine). V8 reads the semi-space size only at start-up
// (--max-semi-space-size), which a `bulwark` command cannot set for itself; but it reads its growth factor each time
// it grows the new space, so the cap works by that factor: 1 (no growth) from the first line of bin/bulwark.js while
// the modules load, then V8's 2 until the next step would pass the cap, checked after every collection.
// BULWARK_SEMI_SPACE_MIB sets the cap (0: V8's own sizing).
import { PerformanceObserver } from 'node:perf_hooks';
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

/** Everything a long-running server sets: the heap growing factor and the young generation's cap. */
export function tuneForServing(env: Readonly<Record<string, string | undefined>> = process.env, hooks: YoungGenerationHooks = v8Hooks): void {
  const cap = semiSpaceCap(env);
  tuneHeapForServing(env, hooks.setFlags);
  if (cap !== undefined) capYoungGeneration(cap, hooks);
  // A cap of 0 keeps V8's sizing: undo the hold of bin/bulwark.js, if it set one.
  else hooks.setFlags(GROW_YOUNG_GENERATION);
}

export const DEFAULT_SEMI_SPACE_MIB = 8;
export const SEMI_SPACE_ENV = 'BULWARK_SEMI_SPACE_MIB';
/** V8's own growth factor of the new space, and the one that stops its growth. */
export const GROW_YOUNG_GENERATION = '--semi-space-growth-factor=2';
export const HOLD_YOUNG_GENERATION = '--semi-space-growth-factor=1';

/** The semi-space cap in MiB from the environment; undefined when V8's own sizing is asked for (0). */
export function semiSpaceCap(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const raw = env[SEMI_SPACE_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SEMI_SPACE_MIB;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) > 1024) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `${SEMI_SPACE_ENV} must be an integer number of MiB 0..1024, got ${JSON.stringify(raw.slice(0, 32))}`);
  }
  const mib = Number(raw);
  return mib === 0 ? undefined : mib;
}

export interface YoungGenerationHooks {
  setFlags: (flags: string) => void;
  /** Committed size of V8's new space (both semi-spaces), in bytes. */
  newSpaceBytes: () => number;
  /** Calls `listener` after each garbage collection; returns the function that stops it. */
  afterGc: (listener: () => void) => () => void;
}

const v8Hooks: YoungGenerationHooks = {
  setFlags: (flags) => v8.setFlagsFromString(flags),
  newSpaceBytes: () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  afterGc: (listener) => {
    const observer = new PerformanceObserver(() => listener());
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  },
};

/**
 * Lets the new space grow up to `capMiB` per semi-space and no further: after every collection, growth stays allowed
 * while one more doubling fits under the cap (so the cap is rounded down to V8's power-of-two steps) and is stopped
 * once it does not; a new space that V8 shrank later may grow back to the cap. The check runs when the GC observer
 * is called, after the collection: a burst of allocation that makes V8 grow the new space twice before that (nearly
 * everything surviving, no turn of the event loop) can pass the cap by one step. Returns the function that stops it.
 */
export function capYoungGeneration(capMiB: number, hooks: YoungGenerationHooks = v8Hooks): () => void {
  // space_size counts both semi-spaces: doubling a new space of n bytes gives semi-spaces of n bytes each.
  const limit = capMiB * 1024 * 1024;
  let held: boolean | undefined;
  const check = () => {
    const hold = hooks.newSpaceBytes() > limit;
    if (hold === held) return;
    held = hold;
    hooks.setFlags(hold ? HOLD_YOUNG_GENERATION : GROW_YOUNG_GENERATION);
  };
  check();
  return hooks.afterGc(check);
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
