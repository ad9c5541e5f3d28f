// Tests of the API key store: create and verify, every failure reason, rotation, and cache invalidation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeBackends, type StoreBackend } from '../../test/fixtures/store-backends.js';
import { keyStatus } from './api-keys.js';
import { openStore, type OpenStoreOptions, type Store } from './db.js';

const HOUR = 3_600_000;
let dir: string;
let clock: number;
const stores: Store[] = [];
const postgres = storeBackends('key suspension on PostgreSQL').find((b) => b.name === 'postgres') as StoreBackend;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-keys-'));
  clock = Date.parse('2030-01-01T00:00:00.000Z');
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function store(options: OpenStoreOptions = {}): Promise<Store> {
  const s = await openStore({ url: ':memory:', ...options, keys: { now: () => clock, refreshIntervalMs: 0, ...options.keys } });
  stores.push(s);
  return s;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('create and verify', () => {
  it('returns the plaintext once and verifies it to the key record', async () => {
    const s = await store();
    const { key, record } = await s.keys.create({ name: 'team-a', models: ['gpt-*'], policy: 'strict', rpm: 600, tpm: 100_000, concurrency: 4 });
    expect(key).toMatch(/^bwk_[0-9A-Za-z]{16}_[0-9A-Za-z]{43}$/);
    expect(record).toEqual({
      id: key.slice(4, 20),
      name: 'team-a',
      prefix: `${key.slice(0, 25)}…`,
      models: ['gpt-*'],
      policy: 'strict',
      rpm: 600,
      tpm: 100_000,
      concurrency: 4,
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect(s.keys.verify(key)).toEqual({ ok: true, key: record });
  });

  it('stores only a hash and the display prefix, never the secret', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'] });
    const rows = await sql<Record<string, unknown>>`select * from api_keys`.execute(s.db);
    const dump = JSON.stringify(rows.rows);
    expect(dump).not.toContain(key.slice(25));
    expect(dump).toContain(key.slice(0, 25));
    expect(JSON.stringify(await s.keys.list())).not.toContain(key.slice(25));
  });

  it('defaults the policy to "default" and leaves limits and expiry unset', async () => {
    const s = await store();
    const { record } = await s.keys.create({ name: 'b', models: ['*'] });
    expect(record.policy).toBe('default');
    expect(record).not.toHaveProperty('rpm');
    expect(record).not.toHaveProperty('expiresAt');
  });

  it.each([
    [{ name: '', models: ['*'] }, 'name'],
    [{ name: '-team', models: ['*'] }, 'name'],
    [{ name: 'a'.repeat(65), models: ['*'] }, 'name'],
    [{ name: 'team a', models: ['*'] }, 'name'],
    [{ name: 'tëam', models: ['*'] }, 'name'],
    [{ name: 'a', models: [] }, 'models'],
    [{ name: 'a', models: ['gpt 4'] }, 'models'],
    [{ name: 'a', models: [''] }, 'models'],
    [{ name: 'a', models: ['m'.repeat(257)] }, 'models'],
    [{ name: 'a', models: ['*'], policy: 'no spaces' }, 'policy'],
    [{ name: 'a', models: ['*'], rpm: 0 }, 'rpm'],
    [{ name: 'a', models: ['*'], tpm: 1.5 }, 'tpm'],
    [{ name: 'a', models: ['*'], concurrency: -1 }, 'concurrency'],
    [{ name: 'a', models: ['*'], expiresAt: new Date('nope') }, 'expiresAt'],
    [{ name: 'a', models: ['*'], expiresAt: new Date('2029-12-31T00:00:00Z') }, 'expiresAt'],
  ])('refuses %j naming the field', async (input, field) => {
    const s = await store();
    await expect(s.keys.create(input)).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID', context: { field } });
    expect(await s.keys.list()).toEqual([]);
  });

  it('refuses a second active key with the same name', async () => {
    const s = await store();
    await s.keys.create({ name: 'team-a', models: ['*'] });
    await expect(s.keys.create({ name: 'team-a', models: ['*'] })).rejects.toMatchObject({ code: 'ERR_KEY_CONFLICT' });
    expect(await s.keys.list()).toHaveLength(1);
  });

  it('allows the name again once its key is revoked', async () => {
    const s = await store();
    await s.keys.create({ name: 'team-a', models: ['*'] });
    await s.keys.revoke('team-a');
    await expect(s.keys.create({ name: 'team-a', models: ['*'] })).resolves.toBeDefined();
  });
});

describe('verify failures', () => {
  it('says unknown for a wrong secret and for an unknown id alike', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'] });
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    expect(s.keys.verify(`${key.slice(0, -1)}${last}`)).toEqual({ ok: false, reason: 'unknown' });
    expect(s.keys.verify(`bwk_${'Z'.repeat(16)}${key.slice(20)}`)).toEqual({ ok: false, reason: 'unknown' });
  });

  it.each([
    ['empty', ''],
    ['the scheme only', 'bwk_'],
    ['a bearer header', 'Bearer bwk_abc'],
    ['an OpenAI key', `sk-proj-${'a'.repeat(56)}`],
    ['1 MB', 'b'.repeat(1 << 20)],
    ['non-ASCII', `bwk_${'é'.repeat(16)}_${'ü'.repeat(43)}`],
    ['a lone surrogate', `bwk_${'a'.repeat(16)}_${'a'.repeat(42)}\udc00`],
  ])('says malformed for %s', async (_what, text) => {
    const s = await store();
    await s.keys.create({ name: 'team-a', models: ['*'] });
    expect(s.keys.verify(text)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('says malformed for a non-string from untyped callers', async () => {
    const s = await store();
    expect(s.keys.verify(undefined as unknown as string)).toEqual({ ok: false, reason: 'malformed' });
    expect(s.keys.verify(42 as unknown as string)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('says revoked, naming the key, only to the holder of the secret', async () => {
    const s = await store();
    const { key, record } = await s.keys.create({ name: 'team-a', models: ['*'] });
    const revoked = await s.keys.revoke(record.id);
    expect(revoked.map((r) => r.id)).toEqual([record.id]);
    const v = s.keys.verify(key);
    expect(v).toMatchObject({ ok: false, reason: 'revoked', key: { id: record.id, name: 'team-a' } });
    expect(s.keys.verify(`${key.slice(0, -1)}${key.at(-1) === 'a' ? 'b' : 'a'}`)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('says expired once the expiry has passed', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'], expiresAt: new Date(clock + HOUR) });
    expect(s.keys.verify(key).ok).toBe(true);
    clock += HOUR - 1;
    expect(s.keys.verify(key).ok).toBe(true);
    clock += 1;
    expect(s.keys.verify(key)).toMatchObject({ ok: false, reason: 'expired', key: { name: 'team-a' } });
  });

  it('takes about as long for an unknown id as for a wrong secret (both hash and compare)', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'] });
    const wrongSecret = `${key.slice(0, -1)}${key.at(-1) === 'a' ? 'b' : 'a'}`;
    const unknownId = `bwk_${'Z'.repeat(16)}${key.slice(20)}`;
    const time = (k: string) => {
      const samples: number[] = [];
      for (let round = 0; round < 15; round++) {
        const t = performance.now();
        for (let i = 0; i < 2000; i++) s.keys.verify(k);
        samples.push(performance.now() - t);
      }
      return samples.sort((a, b) => a - b)[7] as number;
    };
    time(key);
    const [a, b] = [time(wrongSecret), time(unknownId)];
    // Loose on purpose: it catches an early return before hashing (several times faster), not nanoseconds.
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(2.5);
  });
});

describe('revoke', () => {
  it('revokes every live key of a name, and says not found for an unknown one', async () => {
    const s = await store();
    const a = await s.keys.create({ name: 'team-a', models: ['*'] });
    const b = await s.keys.create({ name: 'team-b', models: ['*'] });
    await s.keys.rotate('team-a', { graceMs: HOUR });
    const revoked = await s.keys.revoke('team-a');
    expect(revoked).toHaveLength(2);
    expect(revoked.every((r) => r.name === 'team-a' && r.revokedAt === '2030-01-01T00:00:00.000Z')).toBe(true);
    expect(s.keys.verify(a.key)).toMatchObject({ reason: 'revoked' });
    expect(s.keys.verify(b.key).ok).toBe(true);
    expect(await s.keys.revoke('team-a')).toEqual([]);
    await expect(s.keys.revoke('team-z')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
  });
});

describe('rotate', () => {
  it('without grace: a new key works, the old one is revoked at once', async () => {
    const s = await store();
    const old = await s.keys.create({ name: 'team-a', models: ['gpt-*'], policy: 'p', rpm: 5, expiresAt: new Date(clock + 30 * 24 * HOUR) });
    clock += 24 * HOUR;
    const r = await s.keys.rotate('team-a');
    expect(r.key).not.toBe(old.key);
    expect(r.record).toMatchObject({ name: 'team-a', models: ['gpt-*'], policy: 'p', rpm: 5 });
    // Same validity period, counted from the rotation.
    expect(r.record.expiresAt).toBe(new Date(clock + 30 * 24 * HOUR).toISOString());
    expect(r.previous).toMatchObject({ id: old.record.id, replacedBy: r.record.id, revokedAt: new Date(clock).toISOString() });
    expect(s.keys.verify(r.key).ok).toBe(true);
    expect(s.keys.verify(old.key)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('with grace: both keys work until the grace period ends', async () => {
    const s = await store();
    const old = await s.keys.create({ name: 'team-a', models: ['*'] });
    const r = await s.keys.rotate(old.record.id, { graceMs: HOUR });
    expect(s.keys.verify(old.key).ok).toBe(true);
    expect(s.keys.verify(r.key).ok).toBe(true);
    expect(keyStatus(r.previous, clock)).toBe('revoking');
    clock += HOUR;
    expect(s.keys.verify(old.key)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(s.keys.verify(r.key).ok).toBe(true);
    expect(keyStatus(r.previous, clock)).toBe('revoked');
  });

  it('rotates the current key of a name again, not the one in its grace period', async () => {
    const s = await store();
    const first = await s.keys.create({ name: 'team-a', models: ['*'] });
    const second = await s.keys.rotate('team-a', { graceMs: HOUR });
    const third = await s.keys.rotate('team-a');
    expect(third.previous.id).toBe(second.record.id);
    // The first key is still in its grace period; the second was rotated without one.
    expect((await s.keys.list({ activeOnly: true })).map((k) => k.id).sort()).toEqual([first.record.id, third.record.id].sort());
  });

  it('refuses to rotate a revoked or unknown key, or with a bad grace', async () => {
    const s = await store();
    const a = await s.keys.create({ name: 'team-a', models: ['*'] });
    await s.keys.revoke('team-a');
    await expect(s.keys.rotate(a.record.id)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await expect(s.keys.rotate('nobody')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await s.keys.create({ name: 'team-b', models: ['*'] });
    await expect(s.keys.rotate('team-b', { graceMs: -1 })).rejects.toThrow(TypeError);
  });
});

describe('list', () => {
  it('lists all keys oldest first, or only the ones that still work', async () => {
    const s = await store();
    await s.keys.create({ name: 'a', models: ['*'] });
    clock += 1;
    await s.keys.create({ name: 'b', models: ['*'], expiresAt: new Date(clock + 10) });
    clock += 1;
    await s.keys.create({ name: 'c', models: ['*'] });
    await s.keys.revoke('c');
    clock += 100;
    expect((await s.keys.list()).map((k) => k.name)).toEqual(['a', 'b', 'c']);
    expect((await s.keys.list({ activeOnly: true })).map((k) => k.name)).toEqual(['a']);
  });
});

describe('cache', () => {
  it('answers verify from memory: no query per call', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'] });
    // Dropping the table under the store proves that verify never reads it.
    await sql`drop table api_keys`.execute(s.db);
    let ok = 0;
    for (let i = 0; i < 100; i++) if (s.keys.verify(key).ok) ok++;
    expect(ok).toBe(100);
  });

  it('sees a revoke in the same process at once', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'] });
    expect(s.keys.verify(key).ok).toBe(true);
    await s.keys.revoke('team-a');
    expect(s.keys.verify(key)).toMatchObject({ reason: 'revoked' });
  });

  it('sees creates and revokes by another store on the same file within the refresh interval', async () => {
    const url = join(dir, 'shared.db');
    const admin = await store({ url, keys: { refreshIntervalMs: 0 } });
    const gateway = await store({ url, keys: { refreshIntervalMs: 25 } });
    const { key } = await admin.keys.create({ name: 'team-a', models: ['*'] });
    expect(gateway.keys.verify(key)).toEqual({ ok: false, reason: 'unknown' });
    await eventually(() => gateway.keys.verify(key).ok, 'the gateway sees the new key');
    await admin.keys.revoke('team-a');
    await eventually(() => !gateway.keys.verify(key).ok, 'the gateway sees the revoke');
    expect(gateway.keys.verify(key)).toMatchObject({ reason: 'revoked' });
  });

  it('reloads only when the revision changed, and keeps the snapshot when the database fails', async () => {
    const url = join(dir, 'rev.db');
    const admin = await store({ url });
    const gateway = await store({ url });
    expect(await gateway.keys.refresh()).toBe(false);
    const { key } = await admin.keys.create({ name: 'team-a', models: ['*'] });
    expect(await gateway.keys.refresh()).toBe(true);
    expect(await gateway.keys.refresh()).toBe(false);
    const before = gateway.keys.stats();
    expect(before).toMatchObject({ keys: 1, refreshErrors: 0 });
    await sql`drop table revisions`.execute(admin.db);
    await expect(gateway.keys.refresh()).rejects.toMatchObject({ code: 'ERR_STORE' });
    expect(gateway.keys.stats()).toMatchObject({ keys: 1, refreshErrors: 1, lastError: expect.stringContaining('revisions') });
    expect(gateway.keys.verify(key).ok).toBe(true);
  });
});

describe('suspend', () => {
  it('refuses a suspended key with its own reason until the end, then lets it in again', async () => {
    const s = await store();
    const { key, record } = await s.keys.create({ name: 'team-a', models: ['*'] });
    const done = await s.keys.suspend('team-a', new Date(clock + HOUR), { reason: 'injection burst', rule: 'injection-burst' });
    expect(done).toEqual([expect.objectContaining({ id: record.id, suspendedUntil: '2030-01-01T01:00:00.000Z', suspensionReason: 'injection burst' })]);
    expect(s.keys.verify(key)).toMatchObject({ ok: false, reason: 'suspended', key: { id: record.id, suspendedUntil: '2030-01-01T01:00:00.000Z' } });
    // A wrong secret still learns nothing.
    expect(s.keys.verify(`${key.slice(0, -1)}${key.at(-1) === 'a' ? 'b' : 'a'}`)).toEqual({ ok: false, reason: 'unknown' });
    expect(keyStatus((await s.keys.list())[0]!, clock)).toBe('suspended');
    expect((await s.keys.list({ activeOnly: true })).map((k) => k.name)).toEqual(['team-a']);
    clock += HOUR - 1;
    expect(s.keys.verify(key)).toMatchObject({ reason: 'suspended' });
    clock += 1;
    expect(s.keys.verify(key).ok).toBe(true);
    expect(await s.keys.list()).toEqual([expect.not.objectContaining({ suspendedUntil: expect.anything() })]);
  });

  it('unsuspend ends it at once; a second unsuspend frees nothing', async () => {
    const s = await store();
    const { key } = await s.keys.create({ name: 'team-a', models: ['*'] });
    await s.keys.suspend('team-a', new Date(clock + HOUR));
    const freed = await s.keys.unsuspend('team-a');
    expect(freed.map((k) => k.name)).toEqual(['team-a']);
    expect(freed[0]).not.toHaveProperty('suspendedUntil');
    expect(s.keys.verify(key).ok).toBe(true);
    expect(await s.keys.unsuspend('team-a')).toEqual([]);
    await expect(s.keys.unsuspend('nobody')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
  });

  it('never shortens a suspension, and suspends every live key of a name (not revoked ones)', async () => {
    const s = await store();
    const a = await s.keys.create({ name: 'team-a', models: ['*'] });
    const b = await s.keys.rotate('team-a', { graceMs: HOUR });
    const other = await s.keys.create({ name: 'team-b', models: ['*'] });
    await s.keys.revoke(other.record.id);
    await s.keys.suspend('team-a', new Date(clock + 5 * HOUR), { reason: 'long' });
    const shorter = await s.keys.suspend(b.record.id, new Date(clock + HOUR), { reason: 'short' });
    expect(shorter).toEqual([expect.objectContaining({ suspendedUntil: new Date(clock + 5 * HOUR).toISOString(), suspensionReason: 'long' })]);
    expect(s.keys.verify(a.key)).toMatchObject({ reason: 'suspended' });
    expect(s.keys.verify(b.key)).toMatchObject({ reason: 'suspended' });
    // Revoked stays revoked: nothing to suspend, and verify says revoked.
    expect(await s.keys.suspend('team-b', new Date(clock + HOUR))).toEqual([]);
    expect(s.keys.verify(other.key)).toMatchObject({ reason: 'revoked' });
    await expect(s.keys.suspend('team-z', new Date(clock + HOUR))).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await expect(s.keys.suspend('team-a', new Date(clock))).rejects.toThrow(TypeError);
    await expect(s.keys.suspend('team-a', new Date('nope'))).rejects.toThrow(TypeError);
  });

  it('is seen by another store on the same file (another process) at its refresh, and so is unsuspend', async () => {
    const url = join(dir, 'suspend.db');
    const admin = await store({ url });
    const gateway = await store({ url, keys: { refreshIntervalMs: 25 } });
    const { key } = await admin.keys.create({ name: 'team-a', models: ['*'] });
    await eventually(() => gateway.keys.verify(key).ok, 'the gateway sees the key');
    await admin.keys.suspend('team-a', new Date(clock + HOUR));
    await eventually(() => {
      const v = gateway.keys.verify(key);
      return !v.ok && v.reason === 'suspended';
    }, 'the gateway sees the suspension');
    await admin.keys.unsuspend('team-a');
    await eventually(() => gateway.keys.verify(key).ok, 'the gateway sees the unsuspend');
  });
});

describe.skipIf(!postgres.available)('suspend on PostgreSQL', () => {
  it('suspends (keeping the later end), is seen by another store, and unsuspends', async () => {
    const open = async () => {
      const s = await postgres.open({ keys: { now: () => clock, refreshIntervalMs: 0 } });
      stores.push(s);
      return s;
    };
    const admin = await open();
    const gateway = await open();
    await sql`delete from blocks`.execute(admin.db);
    const { key } = await admin.keys.create({ name: 'team-a', models: ['*'] });
    await admin.keys.suspend('team-a', new Date(clock + 5 * HOUR), { reason: 'long' });
    const again = await admin.keys.suspend('team-a', new Date(clock + HOUR), { reason: 'short' });
    expect(again[0]).toMatchObject({ suspendedUntil: new Date(clock + 5 * HOUR).toISOString(), suspensionReason: 'long' });
    expect(await gateway.keys.refresh()).toBe(true);
    expect(gateway.keys.verify(key)).toMatchObject({ ok: false, reason: 'suspended' });
    expect((await admin.keys.unsuspend('team-a')).map((k) => k.name)).toEqual(['team-a']);
    await gateway.keys.refresh();
    expect(gateway.keys.verify(key).ok).toBe(true);
  });
});
