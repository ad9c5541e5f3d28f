// `bulwark pin DIR` in-process: writes the lockfile, `--check` reports drift with exit 1, usage errors exit 64.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../test/fixtures/run-command.js';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { registerPinCommand } from './pin.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-pin-cli-'));
  mkdirSync(join(tmp, 'model', 'sub'), { recursive: true });
  writeFileSync(join(tmp, 'model', 'weights.bin'), 'w');
  writeFileSync(join(tmp, 'model', 'sub', 'config.json'), '{}');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): Promise<CommandRun> {
  return runCommand([registerPinCommand], ['pin', ...args], memoryIo({ cwd: tmp }));
}

describe('bulwark pin', () => {
  it('writes DIR/bulwark.lock and checks the folder against it', async () => {
    const r = await run('model');
    expect(r.code).toBe(0);
    expect(r.err).toBe(`pinned 2 files → ${join(tmp, 'model', 'bulwark.lock')}\n`);
    const lock = JSON.parse(readFileSync(join(tmp, 'model', 'bulwark.lock'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(lock.files)).toEqual(['sub/config.json', 'weights.bin']);
    expect(await run('model', '--check')).toMatchObject({ code: 0, out: `${join(tmp, 'model')} matches ${join(tmp, 'model', 'bulwark.lock')}\n` });
    writeFileSync(join(tmp, 'model', 'weights.bin'), 'W');
    writeFileSync(join(tmp, 'model', 'new.pkl'), 'p');
    const drift = await run('model', '--check');
    expect(drift.code).toBe(1);
    expect(drift.out.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['new.pkl', 'weights.bin']);
    const json = JSON.parse((await run('model', '--check', '--json')).out) as { drifts: { path: string; change: string }[] };
    expect(json.drifts.map((d) => [d.path, d.change])).toEqual([
      ['new.pkl', 'added'],
      ['weights.bin', 'modified'],
    ]);
  });

  it('writes the lockfile elsewhere with --output', async () => {
    expect((await run('model', '-o', 'pins/model.lock')).code).toBe(64); // the folder of the lockfile must exist
    mkdirSync(join(tmp, 'pins'));
    expect((await run('model', '-o', 'pins/model.lock')).code).toBe(0);
    expect((await run('model', '--check', '-o', 'pins/model.lock')).code).toBe(0);
  });

  it('exits 64 on a missing folder, a file, or a bad lockfile', async () => {
    expect((await run('missing')).code).toBe(64);
    expect((await run('model/weights.bin')).code).toBe(64);
    writeFileSync(join(tmp, 'model', 'bulwark.lock'), '{"version": 9}');
    const bad = await run('model', '--check');
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/^bulwark: lockfile .*bulwark\.lock is invalid/);
  });
});
