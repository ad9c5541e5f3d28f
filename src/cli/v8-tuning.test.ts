import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../core/errors.js';
import { compileRegexpsNatively, DEFAULT_HEAP_GROWING_PERCENT, tuneHeapForServing } from './v8-tuning.js';

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
});
