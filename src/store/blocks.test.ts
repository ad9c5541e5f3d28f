// Tests of the block list: add / remove / list, expiry, keeping the later end, address spellings, the cap, and
// another process's view; on SQLite (a file in a temp dir) and, when BULWARK_TEST_DATABASE_URL is set, PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeBackends, type StoreBackend } from '../../test/fixtures/store-backends.js';
import { BlockList, normalizeAddress, type BlockListOptions } from './blocks.js';
import { openStore, type Store } from './db.js';

const HOUR = 3_600_000;
let dir: string;
let clock: number;
const stores: Store[] = [];
const lists: BlockList[] = [];
const backends = storeBackends('block list on PostgreSQL');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-blocks-'));
  clock = Date.parse('2030-01-01T00:00:00.000Z');
});

afterEach(async () => {
  for (const l of lists.splice(0)) l.close();
  await Promise.all(stores.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe.each(backends)('$name', (backend: StoreBackend) => {
  if (!backend.available) {
    it.skip('needs BULWARK_TEST_DATABASE_URL', () => undefined);
    return;
  }
  // Two stores on one database: SQLite on a shared file, PostgreSQL on the test schema.
  const url = () => (backend.name === 'sqlite' ? join(dir, 'shared.db') : undefined);

  async function open(options: BlockListOptions = {}): Promise<{ store: Store; blocks: BlockList }> {
    const u = url();
    const store = u === undefined ? await backend.open({ keys: { refreshIntervalMs: 0 } }) : await openStore({ url: u, keys: { refreshIntervalMs: 0 } });
    stores.push(store);
    const blocks = await BlockList.open(store.db, { now: () => clock, refreshIntervalMs: 0, ...options });
    lists.push(blocks);
    return { store, blocks };
  }

  beforeEach(async () => {
    // The shared fixture empties the tables it knows; this one is ours.
    if (backend.name === 'postgres') {
      const { store } = await open();
      await sql`delete from blocks`.execute(store.db);
    }
  });

  it('blocks a principal and a source until the end, in memory', async () => {
    const { blocks } = await open();
    expect(blocks.isBlocked('principal', 'team-a')).toBe(false);
    const r = await blocks.add('principal', 'team-a', new Date(clock + HOUR), { reason: 'abuse\nspree', rule: 'injection-burst' });
    expect(r).toEqual({ kind: 'principal', value: 'team-a', until: '2030-01-01T01:00:00.000Z', reason: 'abuse spree', rule: 'injection-burst', createdAt: '2030-01-01T00:00:00.000Z' });
    await blocks.add('source', '::ffff:10.1.2.3', new Date(clock + 2 * HOUR));
    expect(blocks.isBlocked('principal', 'team-a')).toBe(true);
    expect(blocks.isBlocked('principal', 'team-b')).toBe(false);
    expect(blocks.isBlocked('source', '10.1.2.3')).toBe(true);
    expect(blocks.isBlocked('source', '::ffff:10.1.2.3')).toBe(true);
    expect(blocks.isBlocked('principal', '10.1.2.3')).toBe(false);
    expect((await blocks.list()).map((b) => [b.kind, b.value])).toEqual([
      ['principal', 'team-a'],
      ['source', '10.1.2.3'],
    ]);
    clock += HOUR;
    expect(blocks.isBlocked('principal', 'team-a')).toBe(false);
    expect(blocks.blockedUntil('source', '10.1.2.3')).toBe(clock + HOUR);
    expect((await blocks.list()).map((b) => b.value)).toEqual(['10.1.2.3']);
  });

  it('keeps the later end when blocked again, and remove lifts it', async () => {
    const { blocks } = await open();
    await blocks.add('source', '2001:DB8:0:0::1', new Date(clock + 5 * HOUR), { reason: 'long' });
    const again = await blocks.add('source', '2001:db8::1', new Date(clock + HOUR), { reason: 'short' });
    expect(again).toMatchObject({ value: '2001:db8::1', until: new Date(clock + 5 * HOUR).toISOString(), reason: 'long' });
    const longer = await blocks.add('source', '2001:db8::1', new Date(clock + 9 * HOUR), { reason: 'longer' });
    expect(longer).toMatchObject({ until: new Date(clock + 9 * HOUR).toISOString(), reason: 'longer' });
    expect(await blocks.remove('source', '2001:0db8::0001')).toBe(true);
    expect(blocks.isBlocked('source', '2001:db8::1')).toBe(false);
    expect(await blocks.remove('source', '2001:db8::1')).toBe(false);
  });

  it('is seen by another process after its refresh', async () => {
    const { blocks: admin } = await open();
    const { blocks: gateway } = await open();
    await admin.add('principal', 'mallory', new Date(clock + HOUR));
    expect(gateway.isBlocked('principal', 'mallory')).toBe(false);
    expect(await gateway.refresh()).toBe(true);
    expect(gateway.isBlocked('principal', 'mallory')).toBe(true);
    expect(await gateway.refresh()).toBe(false);
    await admin.remove('principal', 'mallory');
    await gateway.refresh();
    expect(gateway.isBlocked('principal', 'mallory')).toBe(false);
  });

  it('refuses bad values and past ends, and stops at maxActive', async () => {
    const { blocks } = await open({ maxActive: 2 });
    await expect(blocks.add('source', 'example.com', new Date(clock + HOUR))).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    await expect(blocks.add('principal', 'a\u0000b', new Date(clock + HOUR))).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    await expect(blocks.add('principal', 'a', new Date(clock))).rejects.toThrow(TypeError);
    await expect(blocks.add('nope' as 'principal', 'a', new Date(clock + HOUR))).rejects.toThrow(TypeError);
    await blocks.add('source', '10.0.0.1', new Date(clock + HOUR));
    await blocks.add('source', '10.0.0.2', new Date(clock + HOUR));
    await expect(blocks.add('source', '10.0.0.3', new Date(clock + HOUR))).rejects.toMatchObject({ code: 'ERR_STORE' });
    // Extending one already there is fine; expired ones free their place.
    await blocks.add('source', '10.0.0.2', new Date(clock + 2 * HOUR));
    clock += HOUR;
    await blocks.add('source', '10.0.0.3', new Date(clock + HOUR));
    expect(blocks.stats()).toMatchObject({ sources: 2 });
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::1', '::1'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['010.0.0.1', undefined],
    ['example.com', undefined],
    ['', undefined],
    ['1'.repeat(100), undefined],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  it('is idempotent and never throws (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 70 })), (s) => {
        const n = normalizeAddress(s);
        if (n !== undefined) expect(normalizeAddress(n)).toBe(n);
      }),
    );
  });
});
