// Tests of opening the store: migrations on fresh and reopened databases, pragmas, file mode, errors, close; on
// SQLite and (BULWARK_TEST_DATABASE_URL) PostgreSQL.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../core/event.js';
import { createTestSchema, notePostgresSkipped, TEST_DATABASE_URL, type TestSchema } from '../../test/fixtures/postgres-schema.js';
import { openSqlite, openStore, type Store } from './db.js';
import { migrateToLatest, MIGRATIONS } from './migrations/index.js';

const execFileAsync = promisify(execFile);
let dir: string;
const open: Store[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-store-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function track(p: Promise<Store>): Promise<Store> {
  const s = await p;
  open.push(s);
  return s;
}

async function tableNames(store: Store): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(store.db);
  return r.rows.map((row) => row.name);
}

describe('openStore', () => {
  it('migrates a fresh in-memory database', async () => {
    const store = await track(openStore({ url: ':memory:' }));
    expect(store.location).toEqual({ dialect: 'sqlite', memory: true });
    expect(await tableNames(store)).toEqual(
      expect.arrayContaining(['api_keys', 'dead_letters', 'kysely_migration', 'kysely_migration_lock', 'revisions', 'security_events', 'sink_cursors']),
    );
    const ran = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('creates the file under BULWARK_HOME, readable by the owner only, and keeps data across reopen', async () => {
    const home = join(dir, 'home');
    const first = await openStore({ env: { BULWARK_HOME: home }, cwd: dir });
    const { key } = await first.keys.create({ name: 'team-a', models: ['gpt-*'] });
    first.events.append(createEvent({ kind: 'auth', source: 'guard', decision: 'block' }));
    await first.close();
    const path = join(home, 'bulwark.db');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);

    const again = await track(openStore({ url: path }));
    expect(again.keys.verify(key).ok).toBe(true);
    expect(await again.events.query()).toHaveLength(1);
    // Reopening runs no migration again.
    expect(await migrateToLatest(again.db as never)).toEqual([]);
  });

  it('opens an up-to-date file without the write lock, and runs only the missing migrations on an older one', async () => {
    const path = join(dir, 'locked.db');
    await (await openStore({ url: path })).close();
    // Another connection holds the write lock (a long transaction of another process): opening still succeeds at once,
    // where taking the lock would fail after the (short) busy timeout.
    const writer = new BetterSqlite3(path);
    writer.exec('begin immediate');
    try {
      const reader = await track(openStore({ url: path, busyTimeoutMs: 20 }));
      expect(await migrateToLatest(reader.db as never)).toEqual([]);
    } finally {
      writer.exec('rollback');
      writer.close();
    }
    // A database that lacks the newest migration gets exactly that one.
    const older = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, 'older.db')) }) });
    const names = Object.keys(MIGRATIONS).sort();
    const upToLast = Object.fromEntries(names.slice(0, -1).map((n) => [n, MIGRATIONS[n]!]));
    expect((await new Migrator({ db: older, provider: { getMigrations: () => Promise.resolve(upToLast) } }).migrateToLatest()).error).toBeUndefined();
    expect(await migrateToLatest(older)).toEqual([names.at(-1)]);
    expect(await migrateToLatest(older)).toEqual([]);
    await older.destroy();
  });

  it('sets WAL, busy timeout and foreign keys on a file database', async () => {
    const store = await track(openStore({ url: join(dir, 'p.db') }));
    const pragma = async (name: string) => (await sql.raw(`pragma ${name}`).execute(store.db)).rows[0];
    expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
    expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
  });

  it('lets two connections open a new file at once (the second waits, then finds nothing to migrate)', async () => {
    const path = join(dir, 'race.db');
    // One thread: the loser's busy wait blocks the winner too, so keep it short and let the retry settle it.
    const [a, b] = await Promise.all([openStore({ url: path, busyTimeoutMs: 20 }), openStore({ url: path, busyTimeoutMs: 20 })]);
    open.push(a, b);
    await a.keys.create({ name: 'x', models: ['*'] });
    expect((await b.keys.list()).map((k) => k.name)).toEqual(['x']);
  });

  it('lets several processes open a new file at once', async () => {
    const path = join(dir, 'processes.db');
    const script = join(dir, 'open.mts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(fileURLToPath(new URL('./db.ts', import.meta.url)))};\n` +
        `const s = await openStore({ url: process.argv[2] });\n` +
        `await s.keys.create({ name: 'p' + process.argv[3], models: ['*'] });\n` +
        `await s.close();\n`,
    );
    const runs = [1, 2, 3, 4].map((n) => execFileAsync(process.execPath, ['--import', 'tsx', script, path, String(n)], { cwd: process.cwd() }));
    await Promise.all(runs);
    const store = await track(openStore({ url: path }));
    expect((await store.keys.list()).map((k) => k.name).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('refuses a file that is not a database with ERR_STORE', async () => {
    const path = join(dir, 'junk.db');
    writeFileSync(path, 'this is not a database, just some text long enough to be a header......'.repeat(20));
    await expect(openStore({ url: path })).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('refuses a path it cannot create with ERR_STORE naming the path', async () => {
    writeFileSync(join(dir, 'file'), '');
    const path = join(dir, 'file', 'sub', 'b.db');
    await expect(openStore({ url: path })).rejects.toMatchObject({ code: 'ERR_STORE', context: { path } });
  });

  it('refuses a database migrated by a newer Bulwark', async () => {
    const path = join(dir, 'newer.db');
    const db = openSqlite({ dialect: 'sqlite', path });
    await migrateToLatest(db as never);
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2100-01-01T00:00:00.000Z')`.execute(db);
    await db.destroy();
    await expect(openStore({ url: path })).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('drains events on close, and close can be called twice', async () => {
    const path = join(dir, 'close.db');
    const store = await openStore({ url: path, events: { flushIntervalMs: 60_000 } });
    for (let i = 0; i < 3; i++) store.events.append(createEvent({ kind: 'limit', source: 'guard', decision: 'block' }));
    await Promise.all([store.close(), store.close()]);
    await store.close();
    const again = await track(openStore({ url: path }));
    expect(await again.events.query()).toHaveLength(3);
  });
});

notePostgresSkipped('openStore on PostgreSQL');

describe.skipIf(TEST_DATABASE_URL === undefined)('openStore on PostgreSQL', () => {
  const schemas: TestSchema[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });

  async function schema(): Promise<TestSchema> {
    const s = await createTestSchema();
    schemas.push(s);
    return s;
  }

  async function pgTables(store: Store, name: string): Promise<string[]> {
    const r = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${name} order by table_name`.execute(store.db);
    return r.rows.map((row) => row.table_name);
  }

  it('migrates a fresh schema, picked from BULWARK_DATABASE_URL, and keeps data across reopen', async () => {
    const s = await schema();
    const store = await openStore({ env: { BULWARK_DATABASE_URL: s.url }, keys: { refreshIntervalMs: 0 } });
    expect(store.location.dialect).toBe('postgres');
    expect(await pgTables(store, s.name)).toEqual(
      expect.arrayContaining(['api_keys', 'dead_letters', 'kysely_migration', 'kysely_migration_lock', 'revisions', 'security_events', 'sink_cursors']),
    );
    const { key } = await store.keys.create({ name: 'team-a', models: ['*'] });
    store.events.append(createEvent({ kind: 'auth', source: 'guard', decision: 'block' }));
    await store.close();
    const again = await track(openStore({ databaseUrl: s.url, env: {}, keys: { refreshIntervalMs: 0 } }));
    expect(again.keys.verify(key).ok).toBe(true);
    expect(await again.events.query()).toHaveLength(1);
    expect(await migrateToLatest(again.db as never)).toEqual([]);
  });

  it('lets several stores open a new schema at once (the Migrator lock serialises them)', async () => {
    const s = await schema();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore({ url: s.url, keys: { refreshIntervalMs: 0 } })));
    open.push(...stores);
    await (stores[0] as Store).keys.create({ name: 'x', models: ['*'] });
    const ran = await sql<{ name: string }>`select name from kysely_migration`.execute((stores[3] as Store).db);
    expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('refuses a schema migrated by a newer Bulwark', async () => {
    const s = await schema();
    const store = await openStore({ url: s.url, keys: { refreshIntervalMs: 0 } });
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2100-01-01T00:00:00.000Z')`.execute(store.db);
    await store.close();
    await expect(openStore({ url: s.url })).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('refuses a server it cannot reach with ERR_STORE, never showing the password', async () => {
    const url = new URL(TEST_DATABASE_URL as string);
    url.port = '1';
    url.username = 'someone';
    url.password = 'hunter2-secret';
    const failure = await openStore({ url: url.toString(), postgres: { connectTimeoutMs: 2_000 } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'ERR_STORE' });
    expect(JSON.stringify(failure)).not.toContain('hunter2');
    expect((failure as Error).message).not.toContain('hunter2');
    expect((failure as Error).message).toContain('someone:***@');
  });
});
