import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../core/errors.js';
import {
  capYoungGeneration,
  compileRegexpsNatively,
  DEFAULT_HEAP_GROWING_PERCENT,
  DEFAULT_SEMI_SPACE_MIB,
  GROW_YOUNG_GENERATION,
  HOLD_YOUNG_GENERATION,
  semiSpaceCap,
  tuneForServing,
  tuneHeapForServing,
  type YoungGenerationHooks,
} from './v8-tuning.js';

const MiB = 1024 * 1024;

/** Hooks over a simulated new space: `grow`/`shrink` change its size and run the after-GC listeners as V8 would. */
function simulatedHeap(startMiB: number) {
  let size = startMiB * MiB;
  const flags: string[] = [];
  const listeners = new Set<() => void>();
  const hooks: YoungGenerationHooks = {
    setFlags: (f) => flags.push(f),
    newSpaceBytes: () => size,
    afterGc: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const collect = (newSizeMiB: number) => {
    size = newSizeMiB * MiB;
    for (const l of listeners) l();
  };
  return { hooks, flags, collect, listeners };
}

describe('V8 tuning of the CLI', () => {
  const capture = (env: Record<string, string | undefined>): { result: number | undefined; flags: string[] } => {
    const flags: string[] = [];
    const result = tuneHeapForServing(env, (f) => flags.push(f));
    return { result, flags };
  };

  it('sets the default growing factor when the variable is absent or empty', () => {
    expect(capture({})).toEqual({ result: DEFAULT_HEAP_GROWING_PERCENT, flags: [`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`] });
    expect(capture({ BULWARK_HEAP_GROWING_PERCENT: ' ' }).result).toBe(DEFAULT_HEAP_GROWING_PERCENT);
  });

  it('takes an explicit percentage, and 0 keeps V8 untouched', () => {
    expect(capture({ BULWARK_HEAP_GROWING_PERCENT: '35' })).toEqual({ result: 35, flags: ['--heap-growing-percent=35'] });
    expect(capture({ BULWARK_HEAP_GROWING_PERCENT: '0' })).toEqual({ result: undefined, flags: [] });
  });

  it('refuses anything but an integer percentage up to 1000, and never passes other flags through', () => {
    for (const bad of ['-5', '12.5', '20 --allow-natives-syntax', '1e3', '1001', 'abc', '99999']) {
      expect(() => capture({ BULWARK_HEAP_GROWING_PERCENT: bad }), bad).toThrow(BulwarkError);
    }
  });

  it('is a flag the running V8 knows (an unknown one is reported as unrecognized)', () => {
    // In a child so that this test process keeps V8's defaults; the control shows how V8 reports a flag it lacks.
    const run = (flag: string): string => {
      const r = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });
      return `${r.stdout}${r.stderr}`;
    };
    expect(run('--no-such-heap-flag=20')).toMatch(/unrecognized flag/);
    expect(run(`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`)).not.toMatch(/unrecognized flag/);
    const flags: string[] = [];
    compileRegexpsNatively((f) => flags.push(f));
    expect(flags).toHaveLength(1);
    expect(run(flags[0]!)).not.toMatch(/unrecognized flag/);
  });

  describe('young generation cap', () => {
    it('lets a small new space grow, holds it once the next doubling would pass the cap, and lets it grow back after a shrink', () => {
      const heap = simulatedHeap(1);
      const stop = capYoungGeneration(8, heap.hooks);
      expect(heap.flags).toEqual([GROW_YOUNG_GENERATION]);
      heap.collect(2);
      heap.collect(4);
      heap.collect(8); // semi-spaces of 4 MiB: one more doubling gives the cap of 8
      expect(heap.flags).toEqual([GROW_YOUNG_GENERATION]);
      heap.collect(16);
      expect(heap.flags).toEqual([GROW_YOUNG_GENERATION, HOLD_YOUNG_GENERATION]);
      heap.collect(16);
      expect(heap.flags).toHaveLength(2); // a flag only when the decision changes
      heap.collect(4); // V8 shrank it (idle, memory reducer)
      expect(heap.flags.at(-1)).toBe(GROW_YOUNG_GENERATION);
      stop();
      expect(heap.listeners.size).toBe(0);
    });

    it('holds at once a new space that is already past the cap, and rounds a cap between steps down', () => {
      const big = simulatedHeap(32);
      capYoungGeneration(8, big.hooks);
      expect(big.flags).toEqual([HOLD_YOUNG_GENERATION]);
      // A cap of 6 MiB: semi-spaces of 2 MiB (4 MiB in all) may double to 4 MiB, those of 4 MiB may not double to 8.
      const between = simulatedHeap(4);
      capYoungGeneration(6, between.hooks);
      expect(between.flags).toEqual([GROW_YOUNG_GENERATION]);
      between.collect(8);
      expect(between.flags).toEqual([GROW_YOUNG_GENERATION, HOLD_YOUNG_GENERATION]);
    });

    it('reads the cap from the environment: default, explicit, 0 for V8 sizing; refuses anything else', () => {
      expect(semiSpaceCap({})).toBe(DEFAULT_SEMI_SPACE_MIB);
      expect(semiSpaceCap({ BULWARK_SEMI_SPACE_MIB: ' 4 ' })).toBe(4);
      expect(semiSpaceCap({ BULWARK_SEMI_SPACE_MIB: '0' })).toBeUndefined();
      for (const bad of ['-1', '2.5', '8 --allow-natives-syntax', 'abc', '2048']) {
        expect(() => semiSpaceCap({ BULWARK_SEMI_SPACE_MIB: bad }), bad).toThrow(BulwarkError);
      }
    });

    it('tuneForServing sets the heap growing factor and the cap; with a cap of 0 it undoes the hold of bin/bulwark.js', () => {
      const heap = simulatedHeap(1);
      tuneForServing({}, heap.hooks);
      expect(heap.flags).toEqual([`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`, GROW_YOUNG_GENERATION]);
      expect(heap.listeners.size).toBe(1);
      const off = simulatedHeap(1);
      tuneForServing({ BULWARK_SEMI_SPACE_MIB: '0' }, off.hooks);
      expect(off.flags).toEqual([`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`, GROW_YOUNG_GENERATION]);
      expect(off.listeners.size).toBe(0);
      const bad = simulatedHeap(1);
      expect(() => tuneForServing({ BULWARK_SEMI_SPACE_MIB: 'x' }, bad.hooks)).toThrow(BulwarkError);
      expect(bad.flags).toEqual([]); // nothing set when the configuration is wrong
    });

    it('really stops V8 from growing the new space (a child process allocating long-lived objects)', () => {
      const script = `
        const { capYoungGeneration } = await import(${JSON.stringify(new URL('./v8-tuning.ts', import.meta.url).href)});
        const v8 = await import('node:v8');
        const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
        if (process.argv[1] === 'cap') capYoungGeneration(2);
        const keep = [];
        for (let i = 0; i < 2e6; i++) {
          keep.push({ i, s: 'x' + i });
          if (keep.length > 200000) keep.splice(0, 100000);
          if (i % 200 === 0) await new Promise((r) => setImmediate(r)); // lets the GC observer run, as a server's event loop does
        }
        console.log(size());`;
      const run = (mode: string) => {
        const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, mode], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return Number(r.stdout.trim());
      };
      // Cap 2 MiB per semi-space: 4 MiB in all, or 8 when a burst grew it twice before the observer ran (see
      // capYoungGeneration); unchecked, V8 grows it to its own maximum (32 MiB on 64-bit machines with enough memory).
      const capped = run('cap');
      const free = run('free');
      expect(capped).toBeLessThanOrEqual(8 * MiB);
      expect(free).toBeGreaterThan(capped);
      expect(free).toBeGreaterThan(8 * MiB);
    });
  });
});
