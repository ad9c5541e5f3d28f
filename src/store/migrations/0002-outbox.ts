// Second migration: the event outbox's tables (per-sink cursors and dead letters; schema builder only).
import { PostgresAdapter, type Kysely, type Migration } from 'kysely';

export const outbox: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = db.getExecutor().adapter instanceof PostgresAdapter;
    // bigint: the type of security_events.seq on PostgreSQL (SQLite's integers are 64-bit whatever the name).
    await db.schema
      .createTable('sink_cursors')
      .addColumn('sink_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('dead_letters')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey()))
      .addColumn('sink_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dead_letters_sink_seq').on('dead_letters').columns(['sink_id', 'seq']).execute();
    await db.schema.createIndex('dead_letters_failed_at').on('dead_letters').column('failed_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('dead_letters').execute();
    await db.schema.dropTable('sink_cursors').execute();
  },
};
