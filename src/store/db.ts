// Opens the store: kysely over embedded SQLite (better-sqlite3, WAL) or PostgreSQL (BULWARK_DATABASE_URL), migrated
// to the latest schema, with the API key and event stores on top; close() drains the event buffer and lets go.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { BulwarkError } from '../core/errors.js';
import { ApiKeyStore, type ApiKeyStoreOptions } from './api-keys.js';
import { EventStore, type EventRowWriter, type EventStoreOptions } from './events.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { openPostgres, postgresEventWriter, type PostgresOptions } from './postgres.js';
import { sqliteEventWriter } from './sqlite-event-writer.js';
import { resolveStoreTarget, type LocationInputs, type StoreLocation } from './store-location.js';

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

export interface OpenStoreOptions extends LocationInputs {
  /** How long (ms) a write waits for another process's lock; default BUSY_TIMEOUT_MS. */
  busyTimeoutMs?: number;
  /** Pool and error reporting of a PostgreSQL store. */
  postgres?: PostgresOptions;
  keys?: ApiKeyStoreOptions;
  events?: EventStoreOptions;
}

export interface Store {
  readonly location: StoreLocation;
  readonly db: Kysely<Database>;
  readonly keys: ApiKeyStore;
  readonly events: EventStore;
  /** Drains buffered events, stops the key cache refresh and closes the database; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) and migrates the store: PostgreSQL when `url`, `databaseUrl` or BULWARK_DATABASE_URL is
 * a postgres:// or postgresql:// URL (the `pg` package is loaded only then), SQLite otherwise.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const { location, connectionString } = resolveStoreTarget(options);
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  let db: Kysely<Database>;
  let makeWriter: () => EventRowWriter;
  if (location.dialect === 'postgres') {
    db = await openPostgres(connectionString ?? '', location.url, options.postgres);
    makeWriter = () => postgresEventWriter(db);
  } else {
    const opened = openSqliteConnection(location, busyTimeoutMs);
    db = opened.db;
    makeWriter = () => sqliteEventWriter(opened.db, opened.sqlite, busyTimeoutMs);
  }
  let keys: ApiKeyStore | undefined;
  let writer: EventRowWriter;
  try {
    await migrateToLatest(db as Kysely<unknown>);
    keys = await ApiKeyStore.open(db, options.keys);
    writer = makeWriter();
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const events = new EventStore(db, options.events, writer);
  let closing: Promise<void> | undefined;
  return {
    location,
    db,
    keys,
    events,
    close() {
      closing ??= (async () => {
        try {
          await events.close();
        } finally {
          keys.close();
          await db.destroy();
        }
      })();
      return closing;
    },
  };
}

/** A kysely instance over one better-sqlite3 connection with the pragmas we rely on. */
export function openSqlite(location: SqliteLocation, busyTimeoutMs = BUSY_TIMEOUT_MS): Kysely<Database> {
  return openSqliteConnection(location, busyTimeoutMs).db;
}

type SqliteLocation = Extract<StoreLocation, { dialect: 'sqlite' }>;

function openSqliteConnection(location: SqliteLocation, busyTimeoutMs: number): { db: Kysely<Database>; sqlite: BetterSqlite3.Database } {
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be a non-negative integer');
  const filename = 'memory' in location ? ':memory:' : location.path;
  let sqlite: BetterSqlite3.Database;
  try {
    if (!('memory' in location)) createPrivateFile(location.path);
    sqlite = new BetterSqlite3(filename);
  } catch (e) {
    throw storeError(e, 'opening', filename);
  }
  try {
    // WAL lets readers (the gateway, `keys list`) run while another process writes; NORMAL sync is durable
    // against crashes of the process and loses at most the last transactions on power loss.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    sqlite.close();
    throw storeError(e, 'opening', filename);
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), sqlite };
}

/**
 * The database holds key hashes and security events: create its directory and file readable by the owner only
 * (SQLite gives the -wal and -shm files the database file's mode). An existing file keeps its mode.
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

function storeError(e: unknown, what: string, filename: string): BulwarkError {
  const reason = e instanceof Error ? e.message : String(e);
  return new BulwarkError('ERR_STORE', `${what} the store ${filename} failed: ${reason}`, { cause: e, context: { path: filename } });
}
