// The store's migrations, listed in code (no filesystem scan), and the step that brings a database up to date.
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { BulwarkError } from '../../core/errors.js';
import { keysAndEvents } from './0001-keys-and-events.js';
import { outbox } from './0002-outbox.js';
import { responses } from './0003-responses.js';
import { evalRuns } from './0004-eval-runs.js';
import { evalCache } from './0005-eval-cache.js';

/** Every migration, by name; names sort in the order they run. Append, never rename or edit a shipped one. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-keys-and-events': keysAndEvents,
  '0002-outbox': outbox,
  '0003-responses': responses,
  '0004-eval-runs': evalRuns,
  '0005-eval-cache': evalCache,
});

const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) };

/** How often a migration that could not get the write lock (SQLITE_BUSY) is tried. */
const BUSY_ATTEMPTS = 5;

/**
 * Runs every pending migration; returns the names it ran.
 *
 * PostgreSQL: kysely's Migrator takes a transaction-scoped advisory lock and runs everything in one transaction
 * (PostgreSQL has transactional DDL), so concurrent openers queue and a failed migration leaves nothing behind.
 *
 * SQLite: kysely's SQLite adapter takes no lock and runs no transaction around migrations, so two processes opening a
 * new file at once would both see it empty and both create the tables. Here the whole run is one
 * `BEGIN IMMEDIATE` transaction: the second process waits for the first (busy timeout), then finds nothing to
 * do; a failed migration leaves no half-made schema.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  for (let attempt = 1; ; attempt++) {
    let outcome: MigrationResultSet;
    try {
      outcome = pg ? await migratePostgres(db) : await migrateSqlite(db);
    } catch (e) {
      outcome = { error: e };
    }
    const { error, results } = outcome;
    if (error === undefined) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (isBusy(error) && attempt < BUSY_ATTEMPTS) {
      await new Promise((r) => setTimeout(r, 20 * attempt));
      continue;
    }
    const message = error instanceof Error ? error.message : String(error);
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new BulwarkError('ERR_STORE', `migrating the store failed: ${message}`, {
      cause: error,
      context: failed === undefined ? {} : { migration: failed },
    });
  }
}

/**
 * The Migrator looks for its tables in every schema unless told which one: name the current schema (the first
 * of search_path), so that databases with several Bulwark schemas (tests, tenants) do not see each other's.
 */
async function migratePostgres(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no schema of the search_path exists');
  return new Migrator({ db, provider, migrationTableSchema: schema }).migrateToLatest();
}

/** The newest migration; a database whose newest applied one it is (and that has them all) needs nothing. */
const LATEST = Object.keys(MIGRATIONS).sort().at(-1) as string;
const MIGRATION_COUNT = Object.keys(MIGRATIONS).length;

/**
 * True when every migration has run: one read instead of the Migrator's lock table, write lock and queries, so that
 * opening an up-to-date store (every command after the first) neither waits for nor takes the write lock. A database
 * without the migration table, with fewer migrations or with a newer one goes the Migrator's way (which reports the
 * newer one).
 */
async function sqliteUpToDate(conn: Kysely<unknown>): Promise<boolean> {
  try {
    const { rows } = await sql<{ n: number; latest: string | null }>`select count(*) as n, max(name) as latest from kysely_migration`.execute(conn);
    return rows[0]?.latest === LATEST && Number(rows[0].n) === MIGRATION_COUNT;
  } catch {
    return false; // no migration table yet
  }
}

function migrateSqlite(db: Kysely<unknown>): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    if (await sqliteUpToDate(conn)) return { results: [] };
    await sql`begin immediate`.execute(conn);
    let result: MigrationResultSet;
    try {
      result = await new Migrator({ db: conn, provider }).migrateToLatest();
    } catch (e) {
      await sql`rollback`.execute(conn);
      throw e;
    }
    await sql.raw(result.error === undefined ? 'commit' : 'rollback').execute(conn);
    return result;
  });
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
