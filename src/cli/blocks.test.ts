// End-to-end tests of `bulwark blocks list|add|remove` in a temporary BULWARK_HOME.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistry } from '../gateway/detector-api/registry.js';
import { BlockList } from '../store/blocks.js';
import { openStore } from '../store/db.js';
import { memoryIo, type MemoryIoOptions } from '../../test/fixtures/memory-io.js';
import { registerBlocksCommand } from './blocks.js';
import type { CommandContext } from './command-context.js';

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'bulwark-home-'));
  vi.stubEnv('BULWARK_HOME', home);
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

async function run(args: string[], ioOptions: MemoryIoOptions = {}) {
  const io = memoryIo({ cwd: home, ...ioOptions });
  let code = 0;
  const ctx: CommandContext = { registry: createRegistry([]), io, setExitCode: (c) => (code = c) };
  const program = new Command('bulwark')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerBlocksCommand(program, ctx);
  try {
    await program.parseAsync(['node', 'bulwark', 'blocks', ...args], { from: 'node' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 64;
  }
  return { code, out: io.out(), err: io.err() };
}

/** What a gateway opening the same store would answer. */
async function blocked(kind: 'principal' | 'source', value: string): Promise<boolean> {
  const store = await openStore({ url: join(home, 'bulwark.db'), keys: { refreshIntervalMs: 0 } });
  try {
    const list = await BlockList.open(store.db, { refreshIntervalMs: 0 });
    list.close();
    return list.isBlocked(kind, value);
  } finally {
    await store.close();
  }
}

describe('blocks', () => {
  it('adds, lists and removes blocks of principals and addresses', async () => {
    expect(await run(['add', 'source', '::ffff:192.0.2.7', '--for', '2h', '--reason', 'scanner'])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^blocked source 192\.0\.2\.7 until \d{4}-/),
    });
    expect((await run(['add', 'principal', 'mallory', '--for', '1h'])).code).toBe(0);
    expect(await blocked('source', '192.0.2.7')).toBe(true);
    expect(await blocked('principal', 'mallory')).toBe(true);
    const rows = JSON.parse((await run(['list'])).out) as { kind: string; value: string; reason?: string }[];
    expect(rows.map((b) => [b.kind, b.value, b.reason])).toEqual([
      ['principal', 'mallory', undefined],
      ['source', '192.0.2.7', 'scanner'],
    ]);
    const table = await run(['list'], { stdoutIsTTY: true });
    expect(table.out.split('\n')[0]).toMatch(/^KIND +VALUE +UNTIL +RULE +REASON$/);
    expect(await run(['remove', 'principal', 'mallory'])).toMatchObject({ code: 0, out: 'unblocked principal mallory\n' });
    expect(await blocked('principal', 'mallory')).toBe(false);
    expect(await run(['remove', 'principal', 'mallory'])).toMatchObject({ code: 0, err: expect.stringContaining('not blocked') });
  });

  it('says so when nothing is blocked', async () => {
    expect((await run(['list'], { stdoutIsTTY: true })).out).toBe('no blocks in force\n');
    expect((await run(['list'])).out).toBe('[]\n');
  });

  it('exits 64 on bad usage', async () => {
    expect((await run(['add', 'key', 'x', '--for', '1h'])).code).toBe(64);
    expect((await run(['add', 'source', 'example.com', '--for', '1h'])).code).toBe(64);
    expect((await run(['add', 'principal', 'x'])).code).toBe(64);
    expect((await run(['add', 'principal', 'x', '--for', '0s'])).code).toBe(64);
  });
});
