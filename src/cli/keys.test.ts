// End-to-end tests of `bulwark keys create|list|revoke|rotate` in a temporary BULWARK_HOME.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistry } from '../gateway/detector-api/registry.js';
import { openStore } from '../store/db.js';
import { memoryIo, type MemoryIoOptions } from '../../test/fixtures/memory-io.js';
import type { CommandContext } from './command-context.js';
import { registerKeysCommand } from './keys.js';

const KEY = /^bwk_[0-9A-Za-z]{16}_[0-9A-Za-z]{43}$/;
let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'bulwark-home-'));
  vi.stubEnv('BULWARK_HOME', home);
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

/** Runs `bulwark keys ...` in-process the way main does (commander errors exit 64). */
async function run(args: string[], ioOptions: MemoryIoOptions = {}) {
  const io = memoryIo({ cwd: home, ...ioOptions });
  let code = 0;
  const ctx: CommandContext = { registry: createRegistry([]), io, setExitCode: (c) => (code = c) };
  const program = new Command('bulwark')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerKeysCommand(program, ctx);
  try {
    await program.parseAsync(['node', 'bulwark', 'keys', ...args], { from: 'node' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 64;
  }
  return { code, out: io.out(), err: io.err() };
}

async function verify(key: string, db = join(home, 'bulwark.db')) {
  const store = await openStore({ url: db, keys: { refreshIntervalMs: 0 } });
  try {
    return store.keys.verify(key);
  } finally {
    await store.close();
  }
}

async function create(name: string, ...more: string[]): Promise<string> {
  const r = await run(['create', '--name', name, '--models', 'gpt-*', ...more]);
  expect(r.code).toBe(0);
  return r.out.trim();
}

describe('keys create', () => {
  it('prints only the key on stdout, the notes on stderr, and stores it under BULWARK_HOME', async () => {
    const r = await run(['create', '--name', 'team-a', '--models', 'gpt-*', '--policy', 'default', '--rpm', '600', '--tpm', '100000', '--expires', '30d']);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd()).toMatch(KEY);
    expect(r.out.split('\n')).toHaveLength(2);
    expect(r.err).toContain('cannot be shown again');
    expect(r.err).toContain('created API key "team-a"');
    const v = await verify(r.out.trim());
    expect(v).toMatchObject({ ok: true, key: { name: 'team-a', models: ['gpt-*'], policy: 'default', rpm: 600, tpm: 100000 } });
    const expires = Date.parse((v.ok && v.key.expiresAt) || '');
    expect(Math.abs(expires - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
  });

  it('prints JSON with --json, and takes several model patterns', async () => {
    const r = await run(['create', '--name', 'b', '--models', 'gpt-*,claude-*', 'llama-*', '--concurrency', '3', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { key: string; name: string; models: string[]; concurrency: number };
    expect(body.key).toMatch(KEY);
    expect(body).toMatchObject({ name: 'b', models: ['gpt-*', 'claude-*', 'llama-*'], concurrency: 3 });
  });

  it.each([
    [['--name', 'a']],
    [['--models', '*']],
    [['--name', 'a', '--models', '*', '--expires', '30']],
    [['--name', 'a', '--models', '*', '--expires', '0s']],
    [['--name', 'a', '--models', '*', '--rpm', '-5']],
    [['--name', 'a b', '--models', '*']],
    [['--name', 'a', '--models', ',']],
  ])('exits 64 on bad usage %j', async (args) => {
    const r = await run(['create', ...args]);
    expect(r.code).toBe(64);
    expect(r.err).not.toBe('');
    expect(r.out).toBe('');
  });

  it('exits 64 when an active key already has the name', async () => {
    await create('team-a');
    const r = await run(['create', '--name', 'team-a', '--models', '*']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/already named "team-a"/);
    expect(r.out).toBe('');
  });
});

describe('keys list', () => {
  it('prints JSON when piped, never with a secret', async () => {
    const key = await create('team-a');
    const r = await run(['list']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { name: string; status: string; prefix: string }[];
    expect(rows).toEqual([expect.objectContaining({ name: 'team-a', status: 'active', prefix: `${key.slice(0, 25)}…` })]);
    expect(r.out).not.toContain(key.slice(25));
  });

  it('prints a table on a terminal, with status', async () => {
    await create('team-a', '--rpm', '10');
    await create('team-b');
    await run(['rotate', 'team-b', '--grace', '1h']);
    await run(['revoke', 'team-a']);
    const r = await run(['list'], { stdoutIsTTY: true });
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +PREFIX +MODELS +POLICY +RPM +TPM +CONC +EXPIRES +STATUS$/);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes(' team-a '))).toMatch(/gpt-\* +default +10 +- +- +never +revoked$/);
    expect(lines.filter((l) => l.includes(' team-b ')).map((l) => l.replace(/.* never +/, ''))).toEqual([
      expect.stringMatching(/^revoking at \d{4}-/),
      'active',
    ]);
    const active = await run(['list', '--active', '--json']);
    expect((JSON.parse(active.out) as { name: string }[]).map((k) => k.name)).toEqual(['team-b', 'team-b']);
  });

  it('says so when there are no keys', async () => {
    expect((await run(['list'], { stdoutIsTTY: true })).out).toBe('no API keys\n');
    expect((await run(['list'])).out).toBe('[]\n');
  });
});

describe('keys revoke', () => {
  it('revokes by name or id; again is a no-op; unknown exits 64', async () => {
    const a = await create('team-a');
    const b = await create('team-b');
    const byName = await run(['revoke', 'team-a']);
    expect(byName).toMatchObject({ code: 0, out: expect.stringMatching(/^revoked team-a \(id \w{16}\)\n$/) });
    expect(await verify(a)).toMatchObject({ ok: false, reason: 'revoked' });
    expect((await run(['revoke', b.slice(4, 20)])).code).toBe(0);
    expect(await verify(b)).toMatchObject({ ok: false, reason: 'revoked' });
    const again = await run(['revoke', 'team-a']);
    expect(again).toMatchObject({ code: 0, out: '', err: expect.stringContaining('revoked already') });
    const unknown = await run(['revoke', 'team-\u001b[31mz']);
    expect(unknown.code).toBe(64);
    expect(unknown.err).not.toContain('\u001b');
  });
});

describe('keys rotate', () => {
  it('prints a new key and revokes the old one at once', async () => {
    const old = await create('team-a');
    const r = await run(['rotate', 'team-a']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(KEY);
    expect(r.err).toContain('is revoked');
    expect(await verify(r.out.trim())).toMatchObject({ ok: true, key: { name: 'team-a', models: ['gpt-*'] } });
    expect(await verify(old)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('keeps the old key working for the grace period', async () => {
    const old = await create('team-a');
    const r = await run(['rotate', 'team-a', '--grace', '1h', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { key: string }).key).toMatch(KEY);
    expect(r.err).toContain('keeps working for 1h');
    expect((await verify(old)).ok).toBe(true);
  });

  it('exits 64 for an unknown key or a bad grace', async () => {
    expect((await run(['rotate', 'nobody'])).code).toBe(64);
    await create('team-a');
    expect((await run(['rotate', 'team-a', '--grace', 'soon'])).code).toBe(64);
  });
});

describe('--db', () => {
  it('uses the given file, relative to the working directory', async () => {
    const r = await run(['create', '--name', 'x', '--models', '*', '--db', 'other.db']);
    expect(r.code).toBe(0);
    expect((await verify(r.out.trim(), join(home, 'other.db'))).ok).toBe(true);
    expect(JSON.parse((await run(['list'])).out)).toEqual([]);
    expect(JSON.parse((await run(['list', '--db', 'sqlite:other.db'])).out)).toHaveLength(1);
  });

  it('exits 74 when the store cannot be opened', async () => {
    writeFileSync(join(home, 'not-a-dir'), '');
    const r = await run(['list', '--db', join(home, 'not-a-dir', 'b.db')]);
    expect(r.code).toBe(74);
    expect(r.err).toMatch(/^bulwark: opening the store .* failed/);
  });
});

describe('keys suspend / unsuspend', () => {
  async function responses(db = join(home, 'bulwark.db')) {
    const store = await openStore({ url: db, keys: { refreshIntervalMs: 0 } });
    try {
      return await store.events.query({ kind: 'response' });
    } finally {
      await store.close();
    }
  }

  it('suspends for a while, shows it in list, and unsuspend undoes it; both are recorded as events', async () => {
    const key = await create('team-a');
    const r = await run(['suspend', 'team-a', '--for', '1h', '--reason', 'investigating']);
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/^suspended team-a \(id \w{16}\) until \d{4}-\d\d-\d\dT/) });
    expect(await verify(key)).toMatchObject({ ok: false, reason: 'suspended', key: { suspensionReason: 'investigating' } });
    const until = Date.parse((JSON.parse((await run(['list'])).out) as { suspendedUntil: string }[])[0]?.suspendedUntil ?? '');
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect(JSON.parse((await run(['list'])).out)).toEqual([expect.objectContaining({ status: 'suspended' })]);
    const table = await run(['list'], { stdoutIsTTY: true });
    expect(table.out.trimEnd().split('\n')[1]).toMatch(/ suspended until \d{4}-\d\d-\d\dT[\d:.]+Z$/);

    const u = await run(['unsuspend', 'team-a']);
    expect(u).toMatchObject({ code: 0, out: expect.stringMatching(/^unsuspended team-a \(id \w{16}\)\n$/) });
    expect((await verify(key)).ok).toBe(true);
    expect(await run(['unsuspend', 'team-a'])).toMatchObject({ code: 0, out: '', err: expect.stringContaining('not suspended') });

    const events = await responses();
    expect(events.map((e) => [e.source, e.attributes['rule'], e.attributes['action'], e.decision]).sort()).toEqual([
      ['cli', 'manual', 'suspend_key', 'block'],
      ['cli', 'manual', 'unsuspend_key', 'allow'],
    ]);
  });

  it('exits 64 for an unknown key or a missing / bad --for', async () => {
    await create('team-a');
    expect((await run(['suspend', 'nobody', '--for', '1h'])).code).toBe(64);
    expect((await run(['suspend', 'team-a'])).code).toBe(64);
    expect((await run(['suspend', 'team-a', '--for', 'soon'])).code).toBe(64);
    expect((await run(['unsuspend', 'nobody'])).code).toBe(64);
  });

  it('says there is nothing to suspend for a revoked key', async () => {
    await create('team-a');
    await run(['revoke', 'team-a']);
    expect(await run(['suspend', 'team-a', '--for', '1h'])).toMatchObject({ code: 0, out: '', err: expect.stringContaining('revoked or expired') });
  });
});
